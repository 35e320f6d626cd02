/**
 * The catalog's page shell and its two static assets. Pages are plain HTML that read without
 * JavaScript; the one script only adds the search box to the index.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** For text between tags only (not attributes): quotes stay as they are, which keeps JSON readable. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** A whole page; `root` is the relative path from the page back to the catalog's folder. */
export function page(options: { title: string; root: string; body: string; script?: boolean }): string {
  const { title, root, body } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${root}catalog.css">
${options.script ? `<script defer src="${root}catalog.js"></script>\n` : ""}</head>
<body>
${body}
</body>
</html>
`;
}

export const CATALOG_CSS = `:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #fff; --panel: #f6f8fb;
  --accent: #3451b2; --ok: #1f7a3a; --ok-bg: #e6f4ea; --bad: #b42318; --bad-bg: #fdecea; --warn-bg: #fff4d6; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; gap: 24px; align-items: baseline; padding: 14px 28px; border-bottom: 1px solid var(--line); background: var(--panel); }
header.top h1 { font-size: 18px; margin: 0; }
header.top nav a { margin-right: 16px; }
main { max-width: 1100px; margin: 0 auto; padding: 20px 28px 60px; }
a { color: var(--accent); text-decoration: none; }
a:hover, a:focus { text-decoration: underline; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
.count { color: var(--muted); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; }
h2 { font-size: 20px; margin: 28px 0 8px; }
h3 { font-size: 16px; margin: 22px 0 6px; }
.lead { color: var(--muted); margin-top: 0; }
.search { display: flex; gap: 10px; align-items: center; margin: 8px 0 4px; }
.search input { flex: 1; font-size: 16px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; }
.domains { columns: 4 140px; padding: 0; list-style: none; margin: 8px 0 0; }
/* Long catalogs: the browser lays out only the domains on screen. */
section.domain { content-visibility: auto; contain-intrinsic-size: auto 400px; }
ul.events { list-style: none; padding: 0; margin: 0; border-top: 1px solid var(--line); }
ul.events li { padding: 8px 4px; border-bottom: 1px solid var(--line); }
ul.events li p { margin: 2px 0 0; color: var(--muted); font-size: 14px; }
.badge { display: inline-block; font-size: 12px; padding: 0 7px; border-radius: 10px; background: var(--panel); border: 1px solid var(--line); color: var(--muted); margin-left: 6px; }
.badge.deprecated, .badge.breaking { background: var(--bad-bg); color: var(--bad); border-color: #f3b8b2; }
.badge.compatible { background: var(--ok-bg); color: var(--ok); border-color: #b5dcc0; }
.badge.system { background: var(--warn-bg); }
.notice { background: var(--warn-bg); border: 1px solid #efd48a; border-radius: 6px; padding: 10px 14px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
table.fields td:nth-child(3) { white-space: nowrap; }
table.fields td:first-child, table.fields td:nth-child(2), table.diff td:nth-child(2) { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
table.fields tr.d1 td:first-child { padding-left: 24px; } table.fields tr.d2 td:first-child { padding-left: 40px; }
table.fields tr.d3 td:first-child { padding-left: 56px; } table.fields tr.d4 td:first-child { padding-left: 72px; }
.graph { overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fcfdff; padding: 6px; }
svg.fanout text { font: 12px ui-monospace, Menlo, Consolas, monospace; text-anchor: middle; fill: var(--fg); }
svg.fanout .node rect { fill: #fff; stroke: #8893a8; }
svg.fanout .node-event rect { fill: #e8edfb; stroke: var(--accent); }
svg.fanout .node-unknown rect { fill: var(--bad-bg); stroke: var(--bad); stroke-dasharray: 4 2; }
svg.fanout .node-function rect { fill: #eef7ef; stroke: #3d8b4f; }
svg.fanout .node-file rect { fill: #f4f4f4; }
svg.fanout .edge { fill: none; stroke: #6b7385; stroke-width: 1.3; }
svg.fanout .edge-waits { stroke-dasharray: 5 3; }
svg.fanout marker path { fill: #6b7385; }
.legend span { margin-right: 14px; color: var(--muted); font-size: 13px; }
.legend .key { display: inline-block; padding: 0 8px; border: 1px solid #8893a8; border-radius: 4px; color: var(--fg); }
.legend .key-file { background: #f4f4f4; }
.legend .key-event { background: #e8edfb; border-color: var(--accent); border-radius: 10px; }
.legend .key-function { background: #eef7ef; border-color: #3d8b4f; }
.legend .key-unknown { background: var(--bad-bg); border: 1px dashed var(--bad); border-radius: 10px; }
[hidden] { display: none !important; }
`;

export const CATALOG_JS = `"use strict";
(function () {
  var box = document.getElementById("search-box");
  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  if (!box || !input) return;
  box.hidden = false;
  var items = Array.prototype.map.call(document.querySelectorAll("li[data-event]"), function (li) {
    return { li: li, text: li.textContent.toLowerCase() };
  });
  var groups = document.querySelectorAll("section.domain");
  function filter() {
    var terms = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var match = terms.every(function (term) { return item.text.indexOf(term) !== -1; });
      item.li.hidden = !match;
      if (match) shown++;
    });
    Array.prototype.forEach.call(groups, function (group) {
      group.hidden = !group.querySelector("li[data-event]:not([hidden])");
    });
    status.textContent = terms.length ? shown + " of " + items.length + " events" : "";
  }
  input.addEventListener("input", filter);
  input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var first = document.querySelector("li[data-event]:not([hidden]) a");
    if (first) first.click();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "/" && document.activeElement !== input) { event.preventDefault(); input.focus(); }
  });
  if (input.value) filter();
})();
`;
