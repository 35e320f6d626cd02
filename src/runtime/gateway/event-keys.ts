/**
 * Event keys: the secret in `POST /e/:eventKey`. Keys come from a file (one a line), and a candidate
 * is compared with every key in constant time: both sides are hashed to equal-length digests first,
 * so neither a key's length nor the position of the first differing byte shows in the timing.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { EvregError, type Issue } from "../../errors.ts";

/** Named so the CLI and tests can tell a key-file mistake from other start-up failures. */
export class EventKeyFileError extends EvregError {}

const digest = (key: string): Buffer => createHash("sha256").update(key, "utf8").digest();

/** The keys of a key file: one a line; blank lines and lines starting with `#` are skipped. */
export function parseEventKeys(text: string, file: string): string[] {
  const keys = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
  const issues: Issue[] = [];
  if (keys.length === 0) {
    issues.push({
      rule: "serve/event-keys",
      severity: "error",
      file,
      message: `${file} holds no event key`,
      fix: "write one key per line (e.g. the Inngest event key your producers use)",
    });
  }
  keys.forEach((key, index) => {
    if (/\s|\//.test(key)) {
      issues.push({
        rule: "serve/event-keys",
        severity: "error",
        file,
        line: index + 1,
        message: "a key contains whitespace or a slash, so no client could send it in /e/:eventKey",
        fix: "use keys of letters, digits, '-' and '_'",
      });
    }
  });
  if (issues.length > 0) throw new EventKeyFileError("Cannot use the event key file:", issues);
  return keys;
}

/** A check of candidate keys against `keys` that takes the same time whichever key (if any) matches. */
export function createEventKeyCheck(keys: readonly string[]): (candidate: string) => boolean {
  const digests = keys.map(digest);
  return (candidate) => {
    const given = digest(candidate);
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(given, known) || matched;
    return matched;
  };
}
