/**
 * Event-name rules (DESIGN.md section 5): each is a pure function from a name to Issues, every Issue
 * with a fix. Names follow Inngest's object-action convention `domain/noun.verb`, verb in past tense.
 * Inngest's own system events (`inngest/function.failed`, ...) are its names, not the app's: only
 * sending them is a finding.
 */
import type { Issue } from "../errors.ts";
import { systemRegistry } from "../registry/system.ts";
import { isPastTense, toPastTense } from "./past-tense.ts";
import type { NameRule } from "./rules.ts";

export { NAME_RULES, type NameRule } from "./rules.ts";

/** Where a name was found: registry declarations and sends name one event; triggers may use a wildcard. */
export type NameContext = "registry" | "send" | "trigger";

export interface NameCheckOptions {
  context?: NameContext;
  /** The registry's event names: a fix never renames an event to one of them. */
  declared?: ReadonlySet<string>;
}

/** Inngest rejects longer names. */
export const MAX_NAME_LENGTH = 256;

const SYSTEM_EVENTS: ReadonlySet<string> = new Set(systemRegistry.events.map((event) => event.name));

/** Words a camelCase name spends on grammar rather than meaning: `invoiceWasPaid` -> `invoice.paid`. */
const AUXILIARY_WORDS = new Set(["was", "were", "is", "are", "has", "have", "had", "been", "be", "got", "did"]);

interface NameParts {
  /** Everything before the last `/`, or undefined when there is none. */
  domain: string | undefined;
  /** Everything after the last `/`: `noun.verb` in a good name. */
  action: string;
  segments: string[];
}

function splitName(name: string): NameParts {
  const slash = name.lastIndexOf("/");
  const domain = slash >= 0 ? name.slice(0, slash) : undefined;
  const action = slash >= 0 ? name.slice(slash + 1) : name;
  return { domain, action, segments: action.split(".") };
}

function withDomain(domain: string | undefined, action: string): string {
  return domain === undefined ? action : `${domain}/${action}`;
}

/** Whether the name ends in a wildcard segment that Inngest triggers accept: `app/*`, `app/user.*`. */
function hasTrailingWildcard(name: string): boolean {
  const { action, segments } = splitName(name);
  const wildcards = name.split("*").length - 1;
  return wildcards === 1 && (action === "*" || segments.at(-1) === "*");
}

function issue(name: string, rule: NameRule, message: string, fix: string): Issue {
  return { rule, severity: rule === "name/past-tense" ? "warning" : "error", event: name, message, fix };
}

export function checkReservedPrefix(name: string, options: NameCheckOptions = {}): Issue[] {
  if (!/^inngest\//i.test(name)) return [];
  if (options.context !== "send" && SYSTEM_EVENTS.has(name)) return [];
  const rest = name.slice("inngest/".length);
  const message =
    options.context === "send" && SYSTEM_EVENTS.has(name)
      ? `${name} is emitted by Inngest itself; apps cannot send it`
      : `the inngest/ prefix is reserved for Inngest's own events`;
  return [issue(name, "name/reserved-prefix", message, `use your own domain: "<domain>/${rest}"`)];
}

export function checkMissingDomain(name: string): Issue[] {
  if (name.includes("/")) return [];
  return [
    issue(
      name,
      "name/missing-domain",
      name === "" ? "the event name is empty" : `"${name}" has no domain prefix`,
      `prefix a domain that groups related events: "<domain>/${name || "noun.verb"}"`,
    ),
  ];
}

export function checkTooLong(name: string): Issue[] {
  if (name.length <= MAX_NAME_LENGTH) return [];
  return [
    issue(
      name,
      "name/too-long",
      `the name is ${name.length} characters; Inngest accepts at most ${MAX_NAME_LENGTH}`,
      `shorten it to ${MAX_NAME_LENGTH} characters or fewer`,
    ),
  ];
}

export function checkWildcard(name: string, options: NameCheckOptions = {}): Issue[] {
  if (!name.includes("*")) return [];
  if (options.context === "trigger") {
    if (hasTrailingWildcard(name)) return [];
    return [
      issue(
        name,
        "name/wildcard",
        "a trigger wildcard must be a whole last segment",
        `match a prefix with a final "*": "${splitName(name).domain ?? "<domain>"}/*" or "<domain>/noun.*"`,
      ),
    ];
  }
  return [
    issue(
      name,
      "name/wildcard",
      "`*` matches events only in triggers; a declared or sent event needs its exact name",
      "name one event: remove the `*`",
    ),
  ];
}

export function checkSeparator(name: string): Issue[] {
  if (!/[_\s]/.test(name)) return [];
  const { domain, action } = splitName(name);
  const dotted = action.trim().replace(/[_\s]+/g, ".");
  const fixedDomain = domain?.trim().replace(/[_\s]+/g, "-");
  return [
    issue(
      name,
      "name/separator",
      "underscores and spaces do not separate words in event names",
      `use dots between noun and verb: "${withDomain(fixedDomain, dotted)}"`,
    ),
  ];
}

function camelWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[\s_]+/)
    .filter(Boolean);
}

export function checkCase(name: string): Issue[] {
  if (!/[A-Z]/.test(name)) return [];
  const { domain, action } = splitName(name);
  const lowerAction = action
    .split(".")
    .map((segment) =>
      camelWords(segment)
        .filter((word) => !AUXILIARY_WORDS.has(word))
        .join("."),
    )
    .filter(Boolean)
    .join(".");
  const lowerDomain = domain === undefined ? undefined : camelWords(domain).join("-");
  return [
    issue(
      name,
      "name/case",
      "event names are lowercase",
      `lowercase words separated by dots: "${withDomain(lowerDomain, lowerAction)}"`,
    ),
  ];
}

export function checkObjectAction(name: string, options: NameCheckOptions = {}): Issue[] {
  if (name === "") return [];
  if (options.context === "trigger" && hasTrailingWildcard(name)) return [];
  const { domain, action, segments } = splitName(name);
  if (segments.length >= 2 && segments.every((segment) => segment.trim() !== "")) return [];
  const words = segments.filter((segment) => segment.trim() !== "");
  const verb = words.at(-1) ?? "verb";
  const hyphenated = verb.split("-");
  const lastWord = hyphenated.at(-1) ?? verb;
  const example =
    words.length >= 2
      ? words.join(".")
      : hyphenated.length >= 2 && isPastTense(lastWord)
        ? `${hyphenated.slice(0, -1).join("-")}.${lastWord}`
        : isPastTense(verb)
          ? `<object>.${verb}`
          : `${verb}.<action-in-past-tense>`;
  return [
    issue(
      name,
      "name/object-action",
      segments.length >= 2
        ? `"${action}" has an empty segment`
        : `"${action}" does not say which object had what happen to it`,
      `name it domain/noun.verb: "${withDomain(domain ?? "<domain>", example)}"`,
    ),
  ];
}

export function checkPastTense(name: string, options: NameCheckOptions = {}): Issue[] {
  const { domain, segments } = splitName(name);
  const last = segments.at(-1) ?? "";
  if (segments.length < 2 || !/^[a-z][a-z-]*$/.test(last)) return [];
  const word = last.split("-").at(-1) ?? last;
  if (word === "" || isPastTense(word)) return [];
  const past = toPastTense(word);
  const renamed =
    past && withDomain(domain, [...segments.slice(0, -1), last.slice(0, last.length - word.length) + past].join("."));
  return [
    issue(
      name,
      "name/past-tense",
      `"${word}" is not past tense; an event records what already happened`,
      !renamed
        ? "end the name with a past-tense verb (created, sent, synced)"
        : options.declared?.has(renamed)
          ? // `email/welcome.send` beside `email/welcome.sent`: a command, and the event recording it
            `"${renamed}" is another event: use another past-tense verb, or, if this one asks for what that one records, turn name/past-tense off for it in the lint config's "overrides"`
          : `rename to "${renamed}"`,
    ),
  ];
}

/**
 * Every name rule on one name. Rules whose fix rewrites the words (case, separator) stand in for the
 * structural ones, so one mistake yields one finding rather than three.
 */
export function checkEventName(name: string, options: NameCheckOptions = {}): Issue[] {
  if (options.context !== "send" && SYSTEM_EVENTS.has(name)) return [];
  const wording = [...checkSeparator(name), ...checkCase(name)];
  const wildcard = checkWildcard(name, options);
  return [
    ...checkTooLong(name),
    ...checkReservedPrefix(name, options),
    ...checkMissingDomain(name),
    ...wording,
    ...wildcard,
    ...(wording.length > 0 || wildcard.length > 0
      ? []
      : [...checkObjectAction(name, options), ...checkPastTense(name, options)]),
  ];
}
