/**
 * `evreg lint` as a library call: name and id rules over the registry, the code scan over the
 * given paths, then the user's severities. Returns data; printing and exit codes belong to the CLI.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Issue } from "../errors.ts";
import { checkEventName } from "../naming/event-name.ts";
import { checkIdTemplates } from "../naming/id-template.ts";
import type { Registry } from "../registry/define.ts";
import { applyConfig, emptyConfig, type LintConfig } from "./config.ts";
import { byPosition, type ScanResult, scanProject } from "./scan.ts";

export interface LintOptions {
  registry: Registry;
  /** Files or folders to scan; default `src`. */
  paths?: readonly string[];
  config?: LintConfig;
  cwd?: string;
}

export interface LintSummary {
  errors: number;
  warnings: number;
}

export interface LintResult {
  issues: Issue[];
  summary: LintSummary;
  scan: ScanResult;
}

/** Where a declared name is written: the name's string literal in its schema file, else the defineEvent call. */
function declarationSite(event: Registry["events"][number], cwd: string): Pick<Issue, "file" | "line" | "column"> {
  const source = event.source;
  if (!source) return {};
  const file = path.isAbsolute(source.file) ? path.relative(cwd, source.file) : source.file;
  let text: string;
  try {
    text = readFileSync(path.resolve(cwd, file), "utf8");
  } catch {
    return { file, line: source.line, column: source.column };
  }
  const offset = [`"${event.name}"`, `'${event.name}'`, `\`${event.name}\``]
    .map((quoted) => text.indexOf(quoted))
    .find((found) => found >= 0);
  if (offset === undefined) return { file, line: source.line, column: source.column };
  const before = text.slice(0, offset).split("\n");
  return { file, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Name and id rules on every declared event, located where the event is declared. */
export function lintRegistry(registry: Registry, cwd: string = process.cwd()): Issue[] {
  const where = new Map(registry.events.map((event) => [event.name, declarationSite(event, cwd)]));
  const issues = [
    ...registry.events.flatMap((event) => checkEventName(event.name, { context: "registry" })),
    ...checkIdTemplates(registry.events),
  ];
  return issues.map((issue) => ({ ...issue, ...(issue.event ? where.get(issue.event) : {}) }));
}

export function summarize(issues: readonly Issue[]): LintSummary {
  return {
    errors: issues.filter((issue) => issue.severity === "error").length,
    warnings: issues.filter((issue) => issue.severity === "warning").length,
  };
}

export function lintProject(options: LintOptions): LintResult {
  const cwd = options.cwd ?? process.cwd();
  const scan = scanProject(options.paths ?? ["src"], options.registry, { cwd });
  const issues = applyConfig(
    [...lintRegistry(options.registry, cwd), ...scan.issues],
    options.config ?? emptyConfig(),
  ).sort(byPosition);
  return { issues, summary: summarize(issues), scan };
}
