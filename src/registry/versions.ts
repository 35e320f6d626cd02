/**
 * Version labels: semver (`1.2.0`) or date style (`YYYY-MM-DD.N`). One style per event, strictly
 * increasing, the last is the latest. And the compatibility modes between versions, here rather than
 * beside defineEvent so the CLI can name them without loading zod.
 */
// The two functions alone: the whole of semver is some 50 modules, and every schema file loads this one.
import compareSemver from "semver/functions/compare.js";
import validSemver from "semver/functions/valid.js";

export const COMPATIBILITY_MODES = [
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
  "NONE",
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

export type VersionStyle = "semver" | "date";

const DATE_LABEL = /^(\d{4})-(\d{2})-(\d{2})\.([1-9]\d*)$/;

/** The style of a label, or undefined when it is neither valid semver nor a valid `YYYY-MM-DD.N`. */
export function versionStyle(label: string): VersionStyle | undefined {
  if (validSemver(label) === label) return "semver";
  const match = DATE_LABEL.exec(label);
  if (!match) return undefined;
  const [, year, month, day] = match;
  const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(`${year}-${month}-${day}`) ? "date" : undefined;
}

/** Orders two labels of the same style: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const dateA = DATE_LABEL.exec(a);
  const dateB = DATE_LABEL.exec(b);
  if (dateA && dateB) {
    // fixed-width days compare as text; counters have no leading zero, so a longer one is larger
    // (as numbers, counters past 2^53 would compare equal)
    const [dayA, dayB] = [a.slice(0, 10), b.slice(0, 10)];
    if (dayA !== dayB) return dayA < dayB ? -1 : 1;
    const [countA, countB] = [dateA[4] as string, dateB[4] as string];
    if (countA.length !== countB.length) return countA.length - countB.length;
    return countA === countB ? 0 : countA < countB ? -1 : 1;
  }
  return compareSemver(a, b);
}

/** How to write a label the user got wrong, for the fix line of an Issue. */
export const VERSION_LABEL_HELP =
  'use semver ("1.2.0") or a date label ("2024-01-15.1": a real calendar day, then a counter from 1)';
