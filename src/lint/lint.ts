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

interface SchemaText {
  text: string;
  /** Offset of the first character of each line. */
  lineStarts: number[];
}

function schemaText(text: string): SchemaText {
  const lineStarts = [0];
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) lineStarts.push(at + 1);
  return { text, lineStarts };
}

/** Where a declared name is written: the name's string literal in its schema file, else the defineEvent call. */
function declarationSite(
  event: Registry["events"][number],
  cwd: string,
  read: (file: string) => SchemaText | undefined,
): Pick<Issue, "file" | "line" | "column"> {
  const source = event.source;
  if (!source) return {};
  const file = path.isAbsolute(source.file) ? path.relative(cwd, source.file) : source.file;
  const schema = read(path.resolve(cwd, file));
  const offset = [`"${event.name}"`, `'${event.name}'`, `\`${event.name}\``]
    .map((quoted) => schema?.text.indexOf(quoted) ?? -1)
    .find((found) => found >= 0);
  if (schema === undefined || offset === undefined) return { file, line: source.line, column: source.column };
  const line = lineAt(schema.lineStarts, offset);
  return { file, line: line + 1, column: offset - (schema.lineStarts[line] as number) + 1 };
}

/** The 0-based line holding `offset` (binary search over the line starts). */
function lineAt(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Name and id rules on every declared event, located where the event is declared. Only events with
 * issues are located, and each schema file is read once: a registry may declare 1,000 events in one file.
 */
export function lintRegistry(registry: Registry, cwd: string = process.cwd()): Issue[] {
  const texts = new Map<string, SchemaText | undefined>();
  const read = (file: string): SchemaText | undefined => {
    if (!texts.has(file)) {
      try {
        texts.set(file, schemaText(readFileSync(file, "utf8")));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  const declared = new Set(registry.events.map((event) => event.name));
  const issues = [
    ...registry.events.flatMap((event) => checkEventName(event.name, { context: "registry", declared })),
    ...checkIdTemplates(registry.events),
  ];
  const located = new Set(issues.flatMap((issue) => (issue.event ? [issue.event] : [])));
  const where = new Map(
    registry.events
      .filter((event) => located.has(event.name))
      .map((event) => [event.name, declarationSite(event, cwd, read)]),
  );
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
