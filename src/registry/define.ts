/**
 * `defineEvent` and `defineRegistry`: the declarations every other stage reads. Each check runs
 * when the schema file is imported, so a mistake is reported with the file and line that made it.
 */
import { readFileSync, statSync } from "node:fs";
import type { z } from "zod";
import { type Issue, RegistryError } from "../errors.ts";
import {
  envelopeJsonSchema,
  findUnrepresentable,
  isZodObject,
  type JsonSchemaObject,
  type MetaConstraint,
  toDataJsonSchema,
} from "./json-schema.ts";
import { sourcePosition } from "./source-maps.ts";
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  compareVersions,
  VERSION_LABEL_HELP,
  type VersionStyle,
  versionStyle,
} from "./versions.ts";

export { COMPATIBILITY_MODES, type CompatibilityMode };

/** The version label given to an event that declares `data` alone. */
export const IMPLICIT_VERSION = "1.0.0";

export interface Deprecation {
  since: string;
  reason: string;
  replacedBy?: string;
}

export interface VersionInput<V extends string = string, S extends z.ZodObject = z.ZodObject> {
  v: V;
  data: S;
}

interface EventInputBase<Name extends string> {
  name: Name;
  description?: string;
  owner?: string;
  /** Default `FULL_TRANSITIVE`: readers of delayed or replayed events see every version. */
  compatibility?: CompatibilityMode;
  /** Dedup id template with `${field}` placeholders naming data fields: `"invoice-paid-${invoiceId}"`. */
  id?: string;
  deprecated?: Deprecation;
}

/** Consecutive version pairs `[from, to]` of a declared tuple of versions. */
type VersionSteps<Previous extends VersionInput, Rest extends readonly VersionInput[]> = Rest extends readonly [
  infer Next extends VersionInput,
  ...infer More extends readonly VersionInput[],
]
  ? [Previous, Next] | VersionSteps<Next, More>
  : never;

/** Turns data of one version into data of the next; the runtime validates the result. */
export type Upcaster<From = Record<string, unknown>, To = Record<string, unknown>> = (old: From) => To;

/**
 * Upcasters keyed by the version they produce, each from the version just before it:
 * `{ "2024-01-15.1": (old) => ({ ...old, auditInfo: ... }) }`. Typed from the two zod schemas.
 */
export type Upcasters<Versions extends readonly VersionInput[]> = Versions extends readonly [
  infer First extends VersionInput,
  ...infer Rest extends readonly VersionInput[],
]
  ? {
      readonly [Step in VersionSteps<First, Rest> as Step[1]["v"]]?: Upcaster<
        z.input<Step[0]["data"]>,
        z.input<Step[1]["data"]>
      >;
    }
  : Readonly<Record<string, Upcaster<never, Record<string, unknown>>>>;

export type EventInput<Name extends string, Versions extends readonly VersionInput[]> =
  | (EventInputBase<Name> & { versions: Versions; data?: never; upcast?: Upcasters<Versions> })
  | (EventInputBase<Name> & { data: Versions[number]["data"]; versions?: never; upcast?: never });

export interface VersionDefinition<V extends string = string, S extends z.ZodObject = z.ZodObject> {
  v: V;
  data: S;
  /** JSON Schema 2020-12 of `data` as zod accepts it (input side). */
  dataSchema: JsonSchemaObject;
  /** JSON Schema 2020-12 of the whole envelope `{ name, data, id?, ts?, v? }`. */
  envelopeSchema: JsonSchemaObject;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface EventDefinition<
  Name extends string = string,
  Versions extends readonly VersionInput[] = readonly VersionInput[],
> {
  readonly kind: "evreg.event";
  readonly name: Name;
  readonly description: string | undefined;
  readonly owner: string | undefined;
  readonly compatibility: CompatibilityMode;
  readonly idTemplate: string | undefined;
  readonly deprecated: Deprecation | undefined;
  /** False when the event declared `data` alone: sends carry no `v`. */
  readonly versioned: boolean;
  readonly style: VersionStyle;
  readonly versions: readonly VersionDefinition[];
  readonly latest: string;
  /** Declared upcasters by the version they produce (from the version before it). */
  readonly upcast?: Readonly<Record<string, Upcaster>>;
  /** Where `defineEvent` was called, for messages. */
  readonly source: SourceLocation | undefined;
  /** Type-level only: the declared versions. */
  readonly "~versions"?: Versions;
}

export interface Registry<Events extends readonly EventDefinition[] = readonly EventDefinition[]> {
  readonly kind: "evreg.registry";
  readonly app: string;
  readonly events: Events;
  get(name: string): EventDefinition | undefined;
}

/**
 * Where the caller of `defineEvent` is, read from the stack on first use. Capturing a stack is cheap
 * (V8 keeps the frames); formatting it is what costs, so that waits until a message needs the place,
 * and is then done by whatever formats stacks in this process (source maps included), as for an error
 * thrown at the call.
 */
function callSite(): () => SourceLocation | undefined {
  const trace: { stack?: string } = {};
  Error.captureStackTrace(trace, defineEvent);
  let site: SourceLocation | undefined;
  let read = false;
  return () => {
    if (!read) site = firstFrame(trace.stack ?? "");
    read = true;
    return site;
  };
}

/** The first frame of a formatted stack that is a file of the app (not `node:` internals). */
function firstFrame(stack: string): SourceLocation | undefined {
  for (const frame of stack.split("\n").slice(1)) {
    const match = frame.match(/\((.*):(\d+):(\d+)\)$|at (.*):(\d+):(\d+)$/);
    if (!match) continue;
    const file = (match[1] ?? match[4] ?? "").replace(/^file:\/\//, "");
    if (file.startsWith("node:")) continue;
    const stacked = { line: Number(match[2] ?? match[5]), column: Number(match[3] ?? match[6]) };
    const { line, column } = sourcePosition(file, stacked) ?? stacked;
    return { file, line, column: callColumn(file, line, column) };
  }
  return undefined;
}

/** The lines of the schema file read last (events are located file by file), and when it was changed. */
let lastRead: { file: string; changed: number; lines: string[] } | undefined;

/**
 * jiti's Babel, the transform of schema files esbuild leaves out, keeps lines but not columns
 * (`defineEvent(` runs as `(0, _evreg.defineEvent)(`), so on a line of the file holding exactly one
 * `defineEvent(`, that is the column to cite; otherwise the stack's (mapped back for esbuild's code).
 */
function callColumn(file: string, line: number, column: number): number {
  try {
    const changed = statSync(file).mtimeMs;
    if (lastRead?.file !== file || lastRead.changed !== changed) {
      lastRead = { file, changed, lines: readFileSync(file, "utf8").split("\n") };
    }
  } catch {
    return column;
  }
  const text = lastRead.lines[line - 1] ?? "";
  const at = text.indexOf("defineEvent(");
  return at >= 0 && !text.includes("defineEvent(", at + 1) ? at + 1 : column;
}

function locate(source: SourceLocation | undefined): Pick<Issue, "file" | "line" | "column"> {
  return source ? { file: source.file, line: source.line, column: source.column } : {};
}

const ID_PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The data paths an id template reads, e.g. `["invoiceId"]` for `"invoice-paid-${invoiceId}"`. */
export function idTemplateFields(template: string): string[][] {
  return [...template.matchAll(ID_PLACEHOLDER)].map((match) => (match[1] ?? "").trim().split("."));
}

/** Fills an id template from an event's data. */
export function fillIdTemplate(template: string, data: Record<string, unknown>): string {
  return template.replace(ID_PLACEHOLDER, (_, path: string) => {
    const value = path
      .trim()
      .split(".")
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], data);
    return String(value);
  });
}

function checkIdTemplate(template: string, versions: readonly VersionDefinition[], event: string): Issue[] {
  const fields = idTemplateFields(template);
  if (fields.length === 0) {
    return [
      {
        rule: "registry/id-template",
        severity: "error",
        event,
        message: `id template "${template}" has no \${field} placeholder, so every event would share one id and all but the first would be dropped as duplicates`,
        fix: `name the fields that make an event unique, e.g. "${event.replace(/\W+/g, "-")}-\${${"someId"}}" in plain quotes, not backticks`,
      },
    ];
  }
  const issues: Issue[] = [];
  for (const path of fields) {
    for (const version of versions) {
      let node: JsonSchemaObject | undefined = version.dataSchema;
      for (const key of path) {
        const required: string[] = (node?.required as string[] | undefined) ?? [];
        const properties = node?.properties as Record<string, JsonSchemaObject> | undefined;
        node = required.includes(key) ? properties?.[key] : undefined;
      }
      const type = node?.type;
      if (!node || !(type === "string" || type === "integer" || type === "number" || Array.isArray(node.enum))) {
        issues.push({
          rule: "registry/id-template",
          severity: "error",
          event,
          path: `/data/${path.join("/")}`,
          message: `id template placeholder \${${path.join(".")}} is not a required string or number field of version ${version.v}`,
          fix: "use a required string or number field that every version has",
        });
      }
    }
  }
  return issues;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkUpcasters(
  upcast: unknown,
  versions: readonly VersionDefinition[],
  versioned: boolean,
  issue: (rule: string, message: string, fix: string, path?: string) => Issue,
): Issue[] {
  if (upcast === undefined) return [];
  if (!versioned) {
    return [
      issue(
        "registry/upcast",
        "`upcast` needs `versions`; an event with `data` alone has one version",
        "remove upcast, or declare versions: [{ v, data }, ...]",
        "/upcast",
      ),
    ];
  }
  if (!isPlainRecord(upcast)) {
    return [
      issue(
        "registry/upcast",
        "`upcast` is not an object of functions",
        'write upcast: { "<target version>": (old) => newData }',
        "/upcast",
      ),
    ];
  }
  const targets = versions.slice(1).map((version) => version.v);
  return Object.entries(upcast).flatMap(([target, upcaster]) => {
    const index = versions.findIndex((version) => version.v === target);
    if (index < 1) {
      return [
        issue(
          "registry/upcast",
          index === 0
            ? `upcast["${target}"] targets the first version; nothing comes before it`
            : `upcast["${target}"] names no declared version`,
          targets.length > 0
            ? `key each upcaster by the version it produces (from the one before it): one of ${targets.join(", ")}`
            : "declare a second version before adding upcasters",
          `/upcast/${target}`,
        ),
      ];
    }
    if (typeof upcaster !== "function") {
      return [
        issue(
          "registry/upcast",
          `upcast["${target}"] is not a function`,
          `write (old) => newData, turning ${versions[index - 1]?.v} data into ${target} data`,
          `/upcast/${target}`,
        ),
      ];
    }
    return [];
  });
}

/** The zod check for a validation keyword, and the JSON type it checks (JSON Schema ignores it on others). */
const ZOD_CHECKS: Readonly<Record<string, readonly [checks: "number" | "string" | "array", method: string]>> = {
  minimum: ["number", "gte"],
  maximum: ["number", "lte"],
  exclusiveMinimum: ["number", "gt"],
  exclusiveMaximum: ["number", "lt"],
  multipleOf: ["number", "multipleOf"],
  minLength: ["string", "min"],
  maxLength: ["string", "max"],
  pattern: ["string", "regex"],
  minItems: ["array", "min"],
  maxItems: ["array", "max"],
};

/** `.gte(5)`, `.regex(/^a/)`: the zod check that says what a `.meta()` keyword meant to. */
function zodCheckFor(method: string, value: unknown): string | undefined {
  if (method !== "regex") return `.${method}(${JSON.stringify(value)})`;
  return typeof value === "string" ? `.regex(/${value.replaceAll("/", "\\/")}/)` : undefined;
}

/**
 * zod copies `.meta()` keys into the JSON Schema verbatim, and JSON Schema validates by some of
 * them: the validators would then check a rule zod does not (or another one than zod's). One set on
 * a schema of another type checks nothing (`minimum` on a string), which is a mistake all the same.
 */
function metaConstraintIssue(
  found: MetaConstraint,
  label: string,
  issue: (rule: string, message: string, fix: string, path?: string) => Issue,
): Issue {
  const { keyword, value, zodValue, type } = found;
  const sets = `version ${label}: .meta() sets ${JSON.stringify(keyword)} to ${JSON.stringify(value)}`;
  const annotation = `rename the key to an annotation such as "x-${keyword}"`;
  const [checks, method] = ZOD_CHECKS[keyword] ?? [];
  const family = type === "integer" ? "number" : type;
  const inert = checks !== undefined && typeof family === "string" && family !== checks;
  const check = method === undefined ? undefined : zodCheckFor(method, value);
  return issue(
    "registry/meta-keyword",
    inert
      ? `${sets} on a ${String(type)}: JSON Schema applies it to ${checks}s only, so it checks nothing here`
      : `${sets}, a JSON Schema validation keyword ${zodValue === undefined ? "zod does not write there" : `zod writes as ${JSON.stringify(zodValue)} there`}, so the validators would not accept exactly what zod accepts`,
    inert
      ? `remove it, or ${annotation}`
      : `${check ? `express the constraint with zod (${check})` : "express the constraint with zod's own checks"}, or ${annotation}`,
    `/data${found.path}`,
  );
}

/**
 * Declares one event type with its versions. Throws a RegistryError naming every mistake.
 * An event with `data` alone has one implicit version, `1.0.0`, typed like a declared one.
 */
export function defineEvent<const Name extends string, S extends z.ZodObject>(
  input: EventInputBase<Name> & { data: S; versions?: never; upcast?: never },
): EventDefinition<Name, readonly [VersionInput<typeof IMPLICIT_VERSION, S>]>;
export function defineEvent<const Name extends string, const Versions extends readonly VersionInput[]>(
  input: EventInputBase<Name> & { versions: Versions; data?: never; upcast?: Upcasters<Versions> },
): EventDefinition<Name, Versions>;
export function defineEvent<const Name extends string, const Versions extends readonly VersionInput[]>(
  input: EventInput<Name, Versions>,
): EventDefinition<Name, Versions>;
export function defineEvent(input: EventInput<string, readonly VersionInput[]>): EventDefinition {
  const source = callSite();
  const name = typeof input?.name === "string" ? input.name : "(unnamed event)";
  const issue = (rule: string, message: string, fix: string, path?: string): Issue => ({
    rule,
    severity: "error",
    event: name,
    message,
    fix,
    ...(path ? { path } : {}),
    ...locate(source()),
  });
  const fail = (issues: Issue[]): never => {
    throw new RegistryError(`Event ${name} is not valid:`, issues);
  };

  if (typeof input?.name !== "string" || input.name.length === 0) {
    fail([issue("registry/name", "the event has no name", 'add name: "domain/noun.verb"')]);
  }
  const versioned = input.versions !== undefined;
  if (versioned === (input.data !== undefined)) {
    fail([
      issue(
        "registry/versions",
        versioned ? "both `versions` and `data` are declared" : "neither `versions` nor `data` is declared",
        "declare `data` for an unversioned event, or `versions: [{ v, data }]`",
      ),
    ]);
  }
  const declared: readonly VersionInput[] = input.versions ?? [
    { v: IMPLICIT_VERSION, data: input.data as z.ZodObject },
  ];
  if (!Array.isArray(declared) || declared.length === 0) {
    fail([issue("registry/versions", "`versions` is empty", "declare at least one { v, data }")]);
  }
  if (input.compatibility !== undefined && !COMPATIBILITY_MODES.includes(input.compatibility)) {
    fail([
      issue(
        "registry/compatibility",
        `unknown compatibility mode "${String(input.compatibility)}"`,
        `use one of ${COMPATIBILITY_MODES.join(", ")}`,
      ),
    ]);
  }

  const issues: Issue[] = [];
  const styles = new Set<VersionStyle>();
  const versions: VersionDefinition[] = [];
  declared.forEach((version, index) => {
    const label = version?.v;
    const style = typeof label === "string" ? versionStyle(label) : undefined;
    if (style === undefined) {
      issues.push(
        issue(
          "registry/version-label",
          `version label ${JSON.stringify(label)} is not valid`,
          VERSION_LABEL_HELP,
          `/versions/${index}/v`,
        ),
      );
      return;
    }
    styles.add(style);
    const previous = versions.at(-1);
    if (previous && versionStyle(previous.v) === style && compareVersions(previous.v, label) >= 0) {
      issues.push(
        issue(
          "registry/version-order",
          `version ${label} comes after ${previous.v} but is not newer`,
          "list versions oldest first, each label strictly greater than the one before",
          `/versions/${index}/v`,
        ),
      );
    }
    if (!isZodObject(version.data)) {
      issues.push(
        issue(
          "registry/data-object",
          `data of version ${label} is not a zod object; Inngest events carry an object in data`,
          "wrap the payload: data: z.object({ ... })",
          `/versions/${index}/data`,
        ),
      );
      return;
    }
    const unrepresentable = findUnrepresentable(version.data, name).map((found) => ({
      ...found,
      ...locate(source()),
      path: `/data${found.path === "/" ? "" : found.path}`,
      message: `version ${label}: ${found.message}`,
    }));
    if (unrepresentable.length > 0) {
      issues.push(...unrepresentable);
      return;
    }
    let dataSchema: JsonSchemaObject;
    const metaConstraints: MetaConstraint[] = [];
    try {
      dataSchema = toDataJsonSchema(version.data, (found) => metaConstraints.push(found));
    } catch (error) {
      issues.push(
        issue(
          "registry/unrepresentable",
          `version ${label}: zod cannot express this schema in JSON Schema: ${(error as Error).message}`,
          "use only JSON types (string, number, boolean, null, object, array)",
          `/versions/${index}/data`,
        ),
      );
      return;
    }
    if (metaConstraints.length > 0) {
      issues.push(...metaConstraints.map((found) => metaConstraintIssue(found, label, issue)));
      return;
    }
    versions.push({
      v: label,
      data: version.data,
      dataSchema,
      envelopeSchema: envelopeJsonSchema(name, label, versioned, dataSchema, input.description),
    });
  });
  if (styles.size > 1) {
    issues.push(
      issue(
        "registry/version-style",
        `versions mix semver and date labels (${declared.map((version) => version.v).join(", ")})`,
        "pick one style for the event and relabel the others",
      ),
    );
  }
  if (issues.length === 0) issues.push(...checkUpcasters(input.upcast, versions, versioned, issue));
  if (issues.length === 0 && input.id !== undefined) {
    issues.push(...checkIdTemplate(input.id, versions, name).map((found) => ({ ...found, ...locate(source()) })));
  }
  if (issues.length > 0) fail(issues);

  const latest = versions.at(-1) as VersionDefinition;
  return {
    kind: "evreg.event",
    name: input.name,
    description: input.description,
    owner: input.owner,
    compatibility: input.compatibility ?? "FULL_TRANSITIVE",
    idTemplate: input.id,
    deprecated: input.deprecated,
    versioned,
    style: [...styles][0] as VersionStyle,
    versions,
    latest: latest.v,
    upcast: Object.freeze({ ...((input.upcast ?? {}) as Record<string, Upcaster>) }),
    get source() {
      return source();
    },
  };
}

/** Collects events into a registry; names must be unique. */
export function defineRegistry<const Events extends readonly EventDefinition[]>(input: {
  app: string;
  events: Events;
}): Registry<Events> {
  const issues: Issue[] = [];
  const byName = new Map<string, EventDefinition>();
  if (typeof input?.app !== "string" || input.app.length === 0) {
    issues.push({
      rule: "registry/app",
      severity: "error",
      message: "the registry has no app id",
      fix: 'add app: "my-app"',
    });
  }
  (input?.events ?? []).forEach((event, index) => {
    if (event?.kind !== "evreg.event") {
      issues.push({
        rule: "registry/not-an-event",
        severity: "error",
        path: `/events/${index}`,
        message: `events[${index}] is not made by defineEvent`,
        fix: "declare it with defineEvent({ name, versions })",
      });
      return;
    }
    const first = byName.get(event.name);
    if (first) {
      issues.push({
        rule: "registry/duplicate-name",
        severity: "error",
        event: event.name,
        ...locate(event.source),
        message: `event ${event.name} is declared twice${first.source ? ` (first at ${first.source.file}:${first.source.line})` : ""}`,
        fix: "keep one declaration and add versions to it instead",
      });
      return;
    }
    byName.set(event.name, event);
  });
  if (issues.length > 0) throw new RegistryError("The registry is not valid:", issues);
  return {
    kind: "evreg.registry",
    app: input.app,
    events: input.events,
    get: (name) => byName.get(name),
  };
}
