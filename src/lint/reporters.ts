/**
 * The three output formats of `evreg lint` (DESIGN.md section 5): `pretty` for people, `json` for
 * scripts (`{ issues, summary: { errors, warnings } }`), `github` for workflow annotations.
 */
import type { Issue } from "../errors.ts";
import type { LintSummary } from "./lint.ts";

export const FORMATS = ["pretty", "json", "github"] as const;
export type Format = (typeof FORMATS)[number];

export interface PrettyOptions {
  /** ANSI colours; the CLI turns them on only when stdout is a TTY. */
  color: boolean;
}

const ANSI = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;

function paint(enabled: boolean) {
  return (style: keyof typeof ANSI, text: string) => (enabled ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}

function location(issue: Issue): string {
  if (!issue.file) return issue.event ?? "";
  return [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(":");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** `file:line:col  severity  message  rule` lines, each with its fix, then a summary line. */
export function formatPretty(issues: readonly Issue[], summary: LintSummary, options: PrettyOptions): string {
  const color = paint(options.color);
  const severityStyle = { error: "red", warning: "yellow", info: "blue" } as const;
  const lines = issues.flatMap((issue) => [
    `${color("bold", location(issue))}  ${color(severityStyle[issue.severity], issue.severity)}  ${issue.message}  ${color("dim", issue.rule)}`,
    ...(issue.fix ? [`    ${color("dim", "fix:")} ${issue.fix}`] : []),
  ]);
  const infos = issues.length - summary.errors - summary.warnings;
  const total = `${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}${infos > 0 ? `, ${infos} info` : ""}`;
  lines.push(issues.length === 0 ? "No problems found." : color(summary.errors > 0 ? "red" : "yellow", total));
  return `${lines.join("\n")}\n`;
}

/** Exactly `{ issues, summary: { errors, warnings } }`, one JSON document. */
export function formatJson(issues: readonly Issue[], summary: LintSummary): string {
  return `${JSON.stringify({ issues, summary: { errors: summary.errors, warnings: summary.warnings } }, null, 2)}\n`;
}

/** GitHub escapes: `%`, CR and LF in messages; also `:` and `,` in properties. */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** `::error file=...,line=...,col=...,title=rule::message` per issue (info becomes `notice`). */
export function formatGithub(issues: readonly Issue[]): string {
  const command = { error: "error", warning: "warning", info: "notice" } as const;
  const lines = issues.map((issue) => {
    const properties = [
      issue.file !== undefined && `file=${escapeProperty(issue.file)}`,
      issue.line !== undefined && `line=${issue.line}`,
      issue.column !== undefined && `col=${issue.column}`,
      `title=${escapeProperty(issue.rule)}`,
    ].filter(Boolean);
    const message = issue.fix ? `${issue.message} (fix: ${issue.fix})` : issue.message;
    return `::${command[issue.severity]} ${properties.join(",")}::${escapeData(issue.event && !issue.file ? `${issue.event}: ${message}` : message)}`;
  });
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

export function formatIssues(
  format: Format,
  issues: readonly Issue[],
  summary: LintSummary,
  options: PrettyOptions,
): string {
  switch (format) {
    case "json":
      return formatJson(issues, summary);
    case "github":
      return formatGithub(issues);
    default:
      return formatPretty(issues, summary, options);
  }
}
