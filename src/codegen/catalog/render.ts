/**
 * The browsable event catalog: a static site (relative links only, no server, no network) with an
 * index of events by domain, one page per event (versions, field tables, diffs, example payloads,
 * producers and consumers, the fan-out around it) and a page with the whole fan-out graph.
 * Deterministic: the same registry and links give the same bytes.
 */
import { type EventDefinition, fillIdTemplate, type Registry } from "../../registry/define.ts";
import { systemRegistry } from "../../registry/system.ts";
import { exampleEnvelope } from "./example.ts";
import { changeAllowed, diffVersions, type VersionDiff } from "./field-diff.ts";
import { describeConstraints, type FieldRow, schemaFields } from "./fields.ts";
import { buildFanOutGraph, type FanOutGraph, neighbourhood, renderGraphSvg } from "./graph.ts";
import { CATALOG_CSS, CATALOG_JS, escapeHtml, escapeText, page } from "./html.ts";
import { type CatalogLinks, type CatalogPlace, placeLabel } from "./links.ts";
import { uniqueSlugs } from "./slugs.ts";

export interface CatalogOptions {
  /** Producers and consumers found in code; without them the catalog shows no graph. */
  links?: CatalogLinks;
  /** Include Inngest's system events (default true). */
  system?: boolean;
}

interface CatalogEvent {
  event: EventDefinition;
  system: boolean;
  /** Path of the event's page, relative to the catalog root. */
  file: string;
}

const EMPTY_LINKS: CatalogLinks = { sends: [], triggers: [], waits: [] };

/** The domain of an event name: the part before the first `/`. */
export function eventDomain(name: string): string {
  const slash = name.indexOf("/");
  return slash > 0 ? name.slice(0, slash) : "(no domain)";
}

/** Renders the catalog: relative path -> file contents. */
export async function renderCatalog(registry: Registry, options: CatalogOptions = {}): Promise<Map<string, string>> {
  const links = options.links ?? EMPTY_LINKS;
  const own = registry.events.map((event) => ({ event, system: false }));
  const ownNames = new Set(registry.events.map((event) => event.name));
  const system = options.system === false ? [] : systemRegistry.events.filter((event) => !ownNames.has(event.name));
  const all = [...own, ...system.map((event) => ({ event, system: true }))];
  const slugs = uniqueSlugs(all.map(({ event }) => event.name));
  const entries: CatalogEvent[] = all.map((entry) => ({
    ...entry,
    file: `events/${slugs.get(entry.event.name)}.html`,
  }));
  const byName = new Map(entries.map((entry) => [entry.event.name, entry]));
  const graph = buildFanOutGraph(links, (name) => byName.has(name));
  const hrefFrom = (root: string) => (name: string) => {
    const target = byName.get(name);
    return target ? `${root}${target.file}` : undefined;
  };

  const output = new Map<string, string>();
  output.set("catalog.css", CATALOG_CSS);
  output.set("catalog.js", CATALOG_JS);
  output.set("index.html", renderIndex(registry.app, entries, graph));
  output.set("graph.html", await renderGraphPage(registry.app, graph, hrefFrom("")));
  for (const entry of [...entries].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const around = neighbourhood(graph, entry.event.name);
    const svg = around.edges.length > 0 ? await renderGraphSvg(around, hrefFrom("../")) : undefined;
    output.set(entry.file, renderEventPage(registry.app, entry, links, hrefFrom("../"), svg));
  }
  return output;
}

function header(app: string, root: string): string {
  return `<header class="top"><h1><a href="${root}index.html">${escapeHtml(app)} events</a></h1><nav><a href="${root}index.html">Events</a><a href="${root}graph.html">Fan-out graph</a></nav></header>`;
}

function groupByDomain(entries: readonly CatalogEvent[]): Map<string, CatalogEvent[]> {
  const groups = new Map<string, CatalogEvent[]>();
  for (const entry of [...entries].sort((a, b) => (a.event.name < b.event.name ? -1 : 1))) {
    const domain = eventDomain(entry.event.name);
    groups.set(domain, [...(groups.get(domain) ?? []), entry]);
  }
  return groups;
}

function eventListItem(entry: CatalogEvent): string {
  const { event } = entry;
  const badges = [
    `<span class="badge">${escapeHtml(event.latest)}</span>`,
    event.owner ? `<span class="badge owner">${escapeHtml(event.owner)}</span>` : "",
    event.deprecated ? `<span class="badge deprecated">deprecated</span>` : "",
  ].join("");
  const description = event.description ? `<p>${prose(event.description)}</p>` : "";
  return `<li data-event="${escapeHtml(event.name)}"><a href="${entry.file}">${escapeHtml(event.name)}</a>${badges}${description}</li>`;
}

function domainSection(domain: string, entries: readonly CatalogEvent[], id: string): string {
  return `<section class="domain" id="${id}"><h2>${escapeHtml(domain)} <span class="badge">${entries.length}</span></h2>
<ul class="events">
${entries.map(eventListItem).join("\n")}
</ul></section>`;
}

function renderIndex(app: string, entries: readonly CatalogEvent[], graph: FanOutGraph): string {
  const own = groupByDomain(entries.filter((entry) => !entry.system));
  const system = entries.filter((entry) => entry.system);
  const domainIds = new Map([...own.keys()].map((domain, index) => [domain, `domain-${index + 1}`]));
  const ownCount = entries.length - system.length;
  const body = `${header(app, "")}
<main>
<p class="lead">${ownCount} events in ${own.size} domains${system.length ? `, plus ${system.length} Inngest system events` : ""}. ${graph.edges.length ? `<a href="graph.html">Fan-out graph</a>: ${graph.nodes.length} nodes, ${graph.edges.length} edges.` : ""}</p>
<div class="search" id="search-box" hidden><label for="search">Search</label><input id="search" type="search" placeholder="Filter by name, owner or description (press / to focus)" autocomplete="off"><span id="search-status" aria-live="polite"></span></div>
<nav aria-label="Domains"><ul class="domains">
${[...own.keys()].map((domain) => `<li><a href="#${domainIds.get(domain)}">${escapeHtml(domain)}</a> <span class="badge">${own.get(domain)?.length}</span></li>`).join("\n")}
${system.length ? `<li><a href="#system">Inngest system events</a></li>` : ""}
</ul></nav>
${[...own].map(([domain, group]) => domainSection(domain, group, domainIds.get(domain) as string)).join("\n")}
${system.length ? domainSection("Inngest system events", system, "system") : ""}
</main>`;
  return page({ title: `${app}: event catalog`, root: "", body, script: true });
}

async function renderGraphPage(
  app: string,
  graph: FanOutGraph,
  href: (event: string) => string | undefined,
): Promise<string> {
  const content =
    graph.edges.length === 0
      ? `<p class="notice">No producers or consumers were given, so there is no graph. Build the catalog with source paths: <code>evreg catalog --out DIR --src src/</code>.</p>`
      : `${legend()}<div class="graph">${await renderGraphSvg(graph, href)}</div>`;
  const body = `${header(app, "")}
<main>
<h2>Fan-out graph</h2>
<p class="lead">Producer code → event → handler function → events the handler sends with <code>step.sendEvent</code>. Click an event to open it.</p>
${content}
</main>`;
  return page({ title: `${app}: fan-out graph`, root: "", body });
}

function legend(): string {
  return `<p class="legend"><span class="key key-file">file that sends</span><span class="key key-event">event</span><span class="key key-function">function</span><span class="key key-unknown">event not in the registry</span><span>solid arrow: sends or triggers · dashed: waits for</span></p>`;
}

/** Escapes a description and shows its \`backticked\` parts as code. */
function prose(text: string): string {
  return escapeText(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

function fieldTable(rows: readonly FieldRow[]): string {
  if (rows.length === 0) return `<p class="lead">No fields: <code>data</code> is an empty object.</p>`;
  const body = rows
    .map((row) => {
      const depth = Math.min((row.path.match(/\.|\[\]/g) ?? []).length, 4);
      const constraints = describeConstraints(row).map(escapeHtml).join("; ");
      const description = row.description ? `<br><span class="lead">${escapeHtml(row.description)}</span>` : "";
      return `<tr${depth ? ` class="d${depth}"` : ""}><td>${escapeText(row.path)}</td><td>${escapeText(row.types.join(" | "))}</td><td>${row.required ? "required" : "optional"}</td><td>${constraints}${description}</td></tr>`;
    })
    .join("\n");
  return `<table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Constraints</th></tr></thead>
<tbody>
${body}
</tbody></table>`;
}

function diffTable(diff: VersionDiff): string {
  const verdict = diff.compatible
    ? `<span class="badge compatible">compatible</span>`
    : `<span class="badge breaking">breaking</span>`;
  const title = `<h4 data-diff="${escapeHtml(`${diff.from}->${diff.to}`)}" data-verdict="${diff.compatible ? "compatible" : "breaking"}">Changes from ${escapeHtml(diff.from)} to ${escapeHtml(diff.to)} ${verdict} <span class="badge">${diff.mode}</span></h4>`;
  if (diff.changes.length === 0) return `${title}<p class="lead">No field changes.</p>`;
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const rows = diff.changes
    .map((change) => {
      const allowed = changeAllowed(change, diff.mode);
      return `<tr data-change="${change.kind}" data-path="${escapeHtml(change.path)}" data-verdict="${allowed ? "compatible" : "breaking"}"><td>${change.kind}</td><td>${escapeText(change.path)}</td><td>${escapeHtml(change.detail)}</td><td>backward ${mark(change.backward)} · forward ${mark(change.forward)}</td><td><span class="badge ${allowed ? "compatible" : "breaking"}">${allowed ? "compatible" : "breaking"}</span></td></tr>`;
    })
    .join("\n");
  return `${title}<table class="diff"><thead><tr><th>Change</th><th>Field</th><th>Detail</th><th>Readers</th><th>Verdict</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

/** One row per function and place; a place that names the event more than once says how often. */
function linksTable(
  title: string,
  rows: ({ functionId?: string | undefined } & CatalogPlace)[],
  withFunction: boolean,
): string {
  if (rows.length === 0) return "";
  const counts = new Map<string, { functionId: string; where: string; count: number }>();
  for (const row of rows) {
    const functionId = withFunction ? (row.functionId ?? "") : "";
    const where = placeLabel(row);
    const key = JSON.stringify([row.file, row.scope ?? "", functionId]);
    const seen = counts.get(key);
    if (seen) seen.count++;
    else counts.set(key, { functionId, where, count: 1 });
  }
  const body = [...counts]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([, row]) =>
        `<tr>${withFunction ? `<td class="mono">${escapeHtml(row.functionId)}</td>` : ""}<td class="mono">${escapeHtml(row.where)}${row.count > 1 ? ` <span class="count">×${row.count}</span>` : ""}</td></tr>`,
    )
    .join("\n");
  return `<h3>${title}</h3><table class="links"><thead><tr>${withFunction ? "<th>Function</th>" : ""}<th>Where</th></tr></thead><tbody>
${body}
</tbody></table>`;
}

function renderEventPage(
  app: string,
  entry: CatalogEvent,
  links: CatalogLinks,
  href: (event: string) => string | undefined,
  svg: string | undefined,
): string {
  const { event } = entry;
  const replacement = event.deprecated?.replacedBy;
  const replacementLink = replacement ? href(replacement) : undefined;
  const is = (item: { event: string }) => item.event === event.name;
  const sends = links.sends.filter(is);
  const handlerSends = links.triggers.filter((trigger) => trigger.sendsFromHandler?.includes(event.name));
  const triggers = links.triggers.filter(is);
  const waits = (links.waits ?? []).filter(is);
  const deprecation = event.deprecated
    ? `<p class="notice" data-deprecated>Deprecated since ${escapeHtml(event.deprecated.since)}: ${escapeHtml(event.deprecated.reason)}${replacement ? ` Use ${replacementLink ? `<a href="${escapeHtml(replacementLink)}">${escapeHtml(replacement)}</a>` : `<code>${escapeHtml(replacement)}</code>`} instead.` : ""}</p>`
    : "";
  const versions = [...event.versions].reverse();
  const versionSections = versions
    .map((version, index) => {
      const older = versions[index + 1];
      const diff = older ? diffTable(diffVersions(older, version, event.compatibility)) : "";
      const example = exampleEnvelope(event, version, fillIdTemplate);
      return `<section class="version" id="v-${escapeHtml(version.v)}" data-version="${escapeHtml(version.v)}">
<h3>Version ${escapeHtml(version.v)}${version.v === event.latest ? ` <span class="badge">latest</span>` : ""}</h3>
${fieldTable(schemaFields(version.dataSchema))}
${diff}
<h4>Example payload</h4>
<pre class="example" data-example="${escapeHtml(version.v)}">${escapeText(JSON.stringify(example, null, 2))}</pre>
</section>`;
    })
    .join("\n");
  const linked = sends.length + handlerSends.length + triggers.length + waits.length > 0;
  const body = `${header(app, "../")}
<main>
<p><a href="../index.html">← All events</a></p>
<h2 id="event-name">${escapeHtml(event.name)}${entry.system ? ` <span class="badge system">Inngest system event</span>` : ""}${event.deprecated ? ` <span class="badge deprecated">deprecated</span>` : ""}</h2>
${event.description ? `<p class="description">${prose(event.description)}</p>` : ""}
${deprecation}
<dl class="facts">
<dt>Owner</dt><dd>${escapeHtml(event.owner ?? "not set")}</dd>
<dt>Domain</dt><dd>${escapeHtml(eventDomain(event.name))}</dd>
<dt>Compatibility</dt><dd>${event.compatibility}</dd>
<dt>Latest version</dt><dd><a href="#v-${escapeHtml(event.latest)}">${escapeHtml(event.latest)}</a>${event.versioned ? "" : " (unversioned: sends carry no <code>v</code>)"}</dd>
<dt>Versions</dt><dd>${event.versions.map((version) => `<a href="#v-${escapeHtml(version.v)}">${escapeHtml(version.v)}</a>`).join(", ")}</dd>
<dt>ID template</dt><dd>${event.idTemplate ? `<code id="id-template">${escapeHtml(event.idTemplate)}</code> (events with the same id within 24 h are delivered once)` : "none: every send is delivered"}</dd>
</dl>
<h2>Producers and consumers</h2>
${linked ? "" : `<p class="lead">No code found that sends or handles this event${links === EMPTY_LINKS ? " (the catalog was built without source paths)" : ""}.</p>`}
${linksTable("Sent from", [...sends, ...handlerSends.map((trigger) => ({ ...trigger, functionId: trigger.functionId ?? "" }))], handlerSends.length > 0 || sends.some((send) => send.functionId))}
${linksTable("Triggers functions", triggers, true)}
${linksTable("Waited for by", waits, true)}
${svg ? `${legend()}<div class="graph">${svg}</div>` : ""}
<h2>Versions</h2>
${versionSections}
</main>`;
  return page({ title: `${event.name}: ${app} events`, root: "../", body });
}
