/**
 * Envelope and payload validation for one send: every rule Inngest enforces on `{ name, data, id, ts,
 * v }` plus the registry's schema of the event's version. A batch is all-or-nothing: one bad event
 * rejects the send with an Issue per problem, each carrying the event's `index`.
 */
import { distance } from "fastest-levenshtein";
import { compiledSchemaOf, createValidatorAjv, type ValidateFunction } from "../codegen/ajv.ts";
import { EventValidationError, EvregError, type Issue } from "../errors.ts";
import type { EventDefinition, Registry, VersionDefinition } from "../registry/define.ts";
import { TS_MAX, TS_MIN } from "../registry/json-schema.ts";
import { isPlainObject, scanJson } from "./json-value.ts";
import {
  DEFAULT_MAX_EVENT_BYTES,
  MAX_EVENT_BYTES_CEILING,
  MAX_EVENTS_PER_SEND,
  MAX_NAME_LENGTH,
  RESERVED_PREFIX,
} from "./limits.ts";
import { type EnvelopeError, issuesFromAjvErrors } from "./payload-issues.ts";

/** A validator of one version's whole envelope: ajv's, or an ajv standalone one from generate. */
export interface EnvelopeValidator {
  (event: unknown): boolean;
  errors?: readonly EnvelopeError[] | null | undefined;
}

/** The shape of `generated/validators.js`: one ajv standalone validator per event version. */
export type PrecompiledValidators = {
  readonly [name: string]: { readonly [version: string]: EnvelopeValidator } | undefined;
};

export interface EventValidatorOptions {
  registry: Registry;
  /** Precompiled validators (generated/validators.js); versions missing here are compiled once. */
  validators?: PrecompiledValidators | undefined;
  /** Reject versioned events sent without `v` instead of reading them as the latest version. */
  requireVersion?: boolean | undefined;
  /** Per-event limit in bytes of serialized JSON; default 256 KiB, at most 3 MiB. */
  maxEventBytes?: number | undefined;
  /** Accept names under `inngest/` (only the runtime's own lifecycle events). */
  allowReserved?: boolean | undefined;
}

/** An event that passed validation, with `v` resolved (the latest when it was omitted). */
export interface ValidatedEvent {
  name: string;
  data: Record<string, unknown>;
  id?: string;
  ts?: number;
  v?: string;
}

export interface EventValidator {
  /** The Issues of a batch (or single event); empty when every event is valid. */
  check(events: unknown): { events: ValidatedEvent[]; issues: Issue[] };
  /** The validated events, or an EventValidationError listing every problem of the batch. */
  assert(events: unknown): ValidatedEvent[];
}

const compiledByVersion = new WeakMap<VersionDefinition, ValidateFunction>();
let sharedAjv: ReturnType<typeof createValidatorAjv> | undefined;

/** Compiles a version's envelope schema once per process (ajv caches by object, we by version). */
function compileVersion(version: VersionDefinition): ValidateFunction {
  const cached = compiledByVersion.get(version);
  if (cached) return cached;
  sharedAjv ??= createValidatorAjv();
  // Two registries may declare the same name and version (a reloaded schema file): drop `$id` so
  // ajv does not reject the second as a duplicate; refs inside are root-relative.
  const { $id: _id, ...schema } = compiledSchemaOf(version.envelopeSchema);
  const validate = sharedAjv.compile(schema);
  compiledByVersion.set(version, validate);
  return validate;
}

/** The validator of one version's whole envelope: the precompiled one when given, else compiled once. */
export function envelopeValidatorOf(
  definition: EventDefinition,
  version: VersionDefinition,
  validators?: PrecompiledValidators,
): EnvelopeValidator {
  return validators?.[definition.name]?.[version.v] ?? compileVersion(version);
}

/** The keys the size bound above accounts for; any other key makes the check serialize. */
const ENVELOPE_KEYS = new Set(["name", "data", "id", "ts", "v"]);

function checkMaxEventBytes(maxEventBytes: number | undefined): number {
  const limit = maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_BYTES_CEILING) {
    throw new EvregError("Runtime options are not valid:", [
      {
        rule: "runtime/options",
        severity: "error",
        path: "/maxEventBytes",
        message: `maxEventBytes ${String(maxEventBytes)} is not a whole number of bytes between 1 and ${MAX_EVENT_BYTES_CEILING} (3 MiB, Inngest's ceiling)`,
        fix: `omit it for Inngest's default ${DEFAULT_MAX_EVENT_BYTES} (256 KiB), or set your plan's limit`,
      },
    ]);
  }
  return limit;
}

function closestName(name: string, registry: Registry): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 3)) + 1;
  for (const event of registry.events) {
    const d = distance(name, event.name);
    if (d < bestDistance) {
      best = event.name;
      bestDistance = d;
    }
  }
  return best;
}

export function createEventValidator(options: EventValidatorOptions): EventValidator {
  const { registry, requireVersion = false, allowReserved = false } = options;
  const maxEventBytes = checkMaxEventBytes(options.maxEventBytes);
  const validators = new Map<string, Map<string, EnvelopeValidator>>();
  for (const definition of registry.events) {
    const byVersion = new Map<string, EnvelopeValidator>();
    for (const version of definition.versions) {
      byVersion.set(version.v, envelopeValidatorOf(definition, version, options.validators));
    }
    validators.set(definition.name, byVersion);
  }

  const checkOne = (raw: unknown, index: number): { event?: ValidatedEvent; issues: Issue[] } => {
    const issues: Issue[] = [];
    const issue = (rule: string, message: string, fix: string, extra: Partial<Issue> = {}): void => {
      issues.push({ rule, severity: "error", message, fix, index, ...extra });
    };
    if (!isPlainObject(raw)) {
      issue(
        "event/not-object",
        `an event must be an object { name, data }, got ${raw === null ? "null" : Array.isArray(raw) ? "an array" : typeof raw}`,
        'send { name: "domain/noun.verb", data: { ... } }',
        { path: "/" },
      );
      return { issues };
    }
    const { name, data, id, ts, v } = raw;
    let dataMaxBytes = Number.POSITIVE_INFINITY;

    let definition: EventDefinition | undefined;
    if (typeof name !== "string" || name.length === 0) {
      issue("event/name", "the event has no name", 'set name to a declared event, e.g. "billing/invoice.paid"', {
        path: "/name",
      });
    } else if (name.length > MAX_NAME_LENGTH) {
      issue(
        "event/name-too-long",
        `the name has ${name.length} characters; Inngest accepts at most ${MAX_NAME_LENGTH}`,
        "shorten the name",
        { path: "/name", event: name.slice(0, 40) },
      );
    } else if (!allowReserved && name.toLowerCase().startsWith(RESERVED_PREFIX)) {
      issue(
        "event/reserved-prefix",
        `${name} uses the reserved prefix "${RESERVED_PREFIX}"; only Inngest sends those events`,
        "send your own event, e.g. under your app's domain",
        { path: "/name", event: name },
      );
    } else {
      definition = registry.get(name);
      if (!definition) {
        const suggestion = closestName(name, registry);
        issue(
          "event/unknown-name",
          `${name} is not declared in the registry`,
          suggestion
            ? `did you mean "${suggestion}"? otherwise declare it with defineEvent`
            : "declare it with defineEvent and add it to the registry",
          { path: "/name", event: name },
        );
      }
    }
    const event = typeof name === "string" ? { event: name.slice(0, MAX_NAME_LENGTH) } : {};

    if (data === undefined) {
      issue("event/data", "the event has no data", "send data: { ... } (an empty object is fine)", {
        path: "/data",
        ...event,
      });
    } else if (!isPlainObject(data)) {
      issue(
        "event/data",
        `data must be a plain object, got ${data === null ? "null" : Array.isArray(data) ? "an array" : typeof data === "object" ? "a class instance" : typeof data}`,
        "wrap the payload in an object: data: { items: [...] }",
        { path: "/data", ...event },
      );
    } else {
      const scan = scanJson(data, "/data");
      dataMaxBytes = scan.maxBytes;
      for (const problem of scan.problems) {
        issue("event/data-not-json", problem.message, problem.fix, { path: problem.path, ...event });
      }
    }

    if (id !== undefined && (typeof id !== "string" || id.length === 0)) {
      issue(
        "event/id",
        `id must be a non-empty string, got ${JSON.stringify(id) ?? typeof id}`,
        "omit id, or set one unique per event type, e.g. `invoice-paid-${invoiceId}`",
        { path: "/id", ...event },
      );
    }
    if (ts !== undefined && (typeof ts !== "number" || !Number.isInteger(ts) || ts < TS_MIN || ts > TS_MAX)) {
      issue(
        "event/ts",
        `ts must be integer milliseconds between 1980 and 2100, got ${JSON.stringify(ts) ?? typeof ts}`,
        "send ts: Date.now() (milliseconds, not seconds), or omit it",
        { path: "/ts", ...event },
      );
    }

    let version: string | undefined;
    if (definition) {
      const known = (): string => definition.versions.map((each) => each.v).join(", ");
      if (v === undefined) {
        if (requireVersion && definition.versioned) {
          issue(
            "event/version-required",
            `${definition.name} is versioned and this runtime requires v`,
            `set v to one of ${known()} (latest ${definition.latest})`,
            { path: "/v", ...event },
          );
        }
        version = definition.latest;
      } else if (typeof v !== "string") {
        issue("event/v", `v must be a string, got ${typeof v}`, `set v to one of ${known()}`, { path: "/v", ...event });
      } else if (!definition.versioned) {
        version = definition.latest;
      } else if (!definition.versions.some((each) => each.v === v)) {
        issue(
          "event/unknown-version",
          `v "${v}" is not a version of ${definition.name}; known versions: ${known()}`,
          `set v to one of ${known()} (latest ${definition.latest})`,
          { path: "/v", ...event },
        );
      } else {
        version = v;
      }
    }
    if (issues.length > 0 || !definition || version === undefined) return { issues };

    const envelope = definition.versioned && v !== version ? { ...raw, v: version } : raw;
    const validate = validators.get(definition.name)?.get(version) as EnvelopeValidator;
    if (!validate(envelope)) {
      issues.push(...issuesFromAjvErrors(validate.errors ?? [], envelope, { event: definition.name, version, index }));
      return { issues };
    }
    // Serialize only when the event could be near the limit: the walk's bound is cheap, stringify is not.
    let bytes = 0;
    const envelopeMaxBytes =
      dataMaxBytes + 6 * (definition.name.length + String(id ?? "").length + String(v ?? "").length) + 128;
    if (envelopeMaxBytes > maxEventBytes || Object.keys(raw).some((key) => !ENVELOPE_KEYS.has(key))) {
      try {
        bytes = Buffer.byteLength(JSON.stringify(raw));
      } catch (error) {
        issue(
          "event/data-not-json",
          `the event cannot be serialized: ${(error as Error).message}`,
          "send only JSON values",
          { path: "/", ...event },
        );
        return { issues };
      }
    }
    if (bytes > maxEventBytes) {
      issue(
        "event/too-large",
        `the event is ${bytes} bytes serialized; the limit is ${maxEventBytes}`,
        "send a reference (an id or URL) to large content instead of the content",
        { path: "/", ...event },
      );
      return { issues };
    }
    const accepted: ValidatedEvent = { name: definition.name, data: data as Record<string, unknown> };
    if (id !== undefined) accepted.id = id as string;
    if (ts !== undefined) accepted.ts = ts as number;
    if (definition.versioned) accepted.v = version;
    else if (v !== undefined) accepted.v = v as string;
    return { event: accepted, issues };
  };

  const check = (input: unknown): { events: ValidatedEvent[]; issues: Issue[] } => {
    const batch = Array.isArray(input) ? input : [input];
    if (batch.length > MAX_EVENTS_PER_SEND) {
      return {
        events: [],
        issues: [
          {
            rule: "send/too-many-events",
            severity: "error",
            message: `the send has ${batch.length} events; Inngest accepts at most ${MAX_EVENTS_PER_SEND} per send`,
            fix: `split it into sends of ${MAX_EVENTS_PER_SEND} or fewer`,
          },
        ],
      };
    }
    const events: ValidatedEvent[] = [];
    const issues: Issue[] = [];
    batch.forEach((raw, index) => {
      const result = checkOne(raw, index);
      issues.push(...result.issues);
      if (result.event) events.push(result.event);
    });
    return { events: issues.length > 0 ? [] : events, issues };
  };

  return {
    check,
    assert(input) {
      const { events, issues } = check(input);
      if (issues.length > 0) {
        const count = new Set(issues.map((each) => each.index)).size;
        throw new EventValidationError(
          `${Array.isArray(input) ? `Rejected the whole batch of ${input.length}: ${count} event${count === 1 ? " is" : "s are"} not valid` : "The event is not valid"}:`,
          issues,
        );
      }
      return events;
    },
  };
}
