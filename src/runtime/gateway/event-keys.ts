/**
 * Event keys: the secret in `POST /e/:eventKey`. Keys come from a file (one a line), and a candidate
 * is compared with every key in constant time: both sides are zero-padded to one width (or, for a
 * candidate longer than that width, hashed to equal-length digests), so neither a key's length nor
 * the position of the first differing byte shows in the timing.
 */
import { hash, timingSafeEqual } from "node:crypto";
import { EvregError, type Issue } from "../../errors.ts";

/** Named so the CLI and tests can tell a key-file mistake from other start-up failures. */
export class EventKeyFileError extends EvregError {}

const digest = (key: string): Buffer => hash("sha256", key, "buffer");

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

/** Candidates up to this many bytes (every real key) are compared padded, without hashing. */
const PADDED_WIDTH = 512;

/** A check of candidate keys against `keys` that takes the same time whichever key (if any) matches. */
export function createEventKeyCheck(keys: readonly string[]): (candidate: string) => boolean {
  const width = Math.max(PADDED_WIDTH, ...keys.map((key) => Buffer.byteLength(key, "utf8")));
  const padded = keys.map((key) => {
    const bytes = Buffer.alloc(width);
    return { bytes, length: bytes.write(key, "utf8") };
  });
  const digests = keys.map(digest);
  const scratch = Buffer.alloc(width);
  // Hashing per request cost more than the rest of the gateway's checks; only an over-long
  // candidate (no key is that long) pays for it.
  const hashedMatch = (candidate: string): boolean => {
    const given = digest(candidate);
    let matched = false;
    for (const known of digests) matched = timingSafeEqual(given, known) || matched;
    return matched;
  };
  return (candidate) => {
    const length = Buffer.byteLength(candidate, "utf8");
    if (length > width) return hashedMatch(candidate);
    scratch.fill(0);
    scratch.write(candidate, "utf8");
    let matched = 0;
    for (const known of padded)
      matched |= Number(timingSafeEqual(scratch, known.bytes)) & Number(known.length === length);
    return matched === 1;
  };
}
