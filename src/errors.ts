/**
 * The one finding shape every stage reports (DESIGN.md section 5), and the named errors that carry
 * findings. Mirrors zod's issues: a rule id, what went wrong, where, and how to fix it.
 */

export type Severity = "error" | "warning" | "info";

export interface Issue {
  rule: string;
  severity: Severity;
  message: string;
  fix?: string;
  event?: string;
  file?: string;
  line?: number;
  column?: number;
  /** JSON pointer into a schema or payload, e.g. `/data/amount`. */
  path?: string;
  /** Position of the event in a batch. */
  index?: number;
}

/** One key as a segment of a JSON pointer such as an Issue's `path` (RFC 6901: `~` and `/` escaped). */
export function pointerSegment(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** The key one segment of a JSON pointer names (`tree~1node` -> `tree/node`): `pointerSegment` undone. */
export function pointerKey(segment: string): string {
  return segment.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** Base of every error evreg throws for user input: carries the Issues and prints them all. */
export class EvregError extends Error {
  readonly issues: readonly Issue[];

  constructor(summary: string, issues: readonly Issue[]) {
    super(`${summary}\n${issues.map(formatIssue).join("\n")}`);
    this.name = new.target.name;
    this.issues = issues;
  }
}

/** A schema file or registry declaration is wrong. */
export class RegistryError extends EvregError {}

/** An event (or a batch) does not match the registry or Inngest's limits. */
export class EventValidationError extends EvregError {}

/** A schema change breaks compatibility or edits a published version. */
export class CompatibilityError extends EvregError {}

/** One line per issue: `where: message (fix)`, the plain form used by errors and logs. */
export function formatIssue(issue: Issue): string {
  const where = [
    issue.file && [issue.file, issue.line, issue.column].filter((part) => part !== undefined).join(":"),
    issue.event,
    issue.index !== undefined && `#${issue.index}`,
    issue.path,
  ]
    .filter(Boolean)
    .join(" ");
  const fix = issue.fix ? `\n    fix: ${issue.fix}` : "";
  return `  ${issue.severity} ${issue.rule}${where ? ` ${where}` : ""}: ${issue.message}${fix}`;
}
