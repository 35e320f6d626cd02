/**
 * From a version's zod schema to its JSON Schema (2020-12), through `z.toJSONSchema` only. Before
 * converting, walk the schema for what JSON Schema cannot say (transforms, refinements, dates...):
 * zod would drop those silently, and the validators would then accept what zod rejects.
 */
import { z } from "zod";
import { type Issue, pointerSegment } from "../errors.ts";

export type JsonSchema = { [key: string]: unknown } | boolean;
export type JsonSchemaObject = { [key: string]: unknown };

interface ZodDef {
  type: string;
  checks?: { _zod: { def: { check: string } } }[];
  [key: string]: unknown;
}

const UNREPRESENTABLE: Record<string, string> = {
  transform: "a transform (.transform, z.preprocess) changes data after validation",
  custom: "z.custom has no JSON Schema form",
  date: "z.date() is a Date object, which JSON cannot carry",
  bigint: "bigint is not a JSON number",
  symbol: "symbols cannot be serialized",
  map: "Map is not JSON",
  set: "Set is not JSON",
  undefined: "undefined is not a JSON value",
  void: "void is not a JSON value",
  nan: "NaN is not a JSON number",
  promise: "a promise is not data",
  function: "a function is not data",
  file: "a File is not JSON",
  catch: "a .catch() replaces invalid input with its fallback, so zod accepts any value there",
  success: "z.success() turns any input into a boolean, so zod accepts any value there",
};

const UNREPRESENTABLE_FIX: Record<string, string> = {
  transform: "validate the raw shape here and transform in the handler",
  date: "use z.iso.datetime() (an ISO 8601 string) instead",
  bigint: "use z.number().int() or a numeric string",
  catch: "drop .catch() and apply the fallback in the handler",
};

function defOf(schema: unknown): ZodDef {
  return (schema as { _zod: { def: ZodDef } })._zod.def;
}

/** Finds the zod features JSON Schema cannot express, with the JSON pointer of each. */
export function findUnrepresentable(schema: z.ZodType, event: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<unknown>();

  const visit = (node: unknown, path: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
    const def = defOf(node);
    const report = (message: string, fix: string) =>
      issues.push({ rule: "registry/unrepresentable", severity: "error", event, path: path || "/", message, fix });
    const why = UNREPRESENTABLE[def.type];
    if (why) {
      report(
        `${why}; JSON Schema cannot express it, so the validators would disagree with zod`,
        UNREPRESENTABLE_FIX[def.type] ?? "replace it with a plain JSON type",
      );
      return;
    }
    if (def.type === "pipe" && typeof def.transform === "function") {
      // a codec decodes what its first schema accepts; the input's JSON Schema holds the first alone
      report(
        'a codec (z.codec, z.stringbool) decodes its input in code, which JSON Schema cannot express, so the validators would accept what it rejects (z.stringbool() rejects "maybe")',
        "declare the shape producers send (z.enum([...]), z.boolean()) and decode it in the handler",
      );
    } else if (def.type === "pipe" && !hasTransform(def)) {
      // zod checks `out` on what `in` returns; the input side's JSON Schema holds `in` alone
      report(
        "a pipe (.pipe()) checks its second schema after the first, and JSON Schema of what zod accepts holds only the first, so the validators would accept what the second rejects",
        "put every check on one schema (z.string().min(1) rather than z.string().pipe(z.string().min(1)))",
      );
    }
    const lost = lostStringFormat(def) ?? checkAfterOverwrite(def);
    if (lost) report(lost.message, lost.fix);
    if (def.coerce === true) {
      report(
        `z.coerce converts the input before checking it (z.coerce.number() accepts "1"), which JSON Schema cannot express`,
        "declare what producers send (z.number(), or z.string().regex(/^\\d+$/) for digits) and convert in the handler",
      );
    }
    if (def.checks?.some((check) => check._zod.def.check === "custom")) {
      report(
        "a refinement (.refine, .superRefine, .check) cannot be expressed in JSON Schema",
        "express the rule with built-in checks (min, max, regex, enum) or check it in the handler",
      );
    }
    for (const [child, childPath] of childrenOf(def, path)) visit(child, childPath);
  };

  visit(schema, "");
  return issues;
}

interface StringFormatDef {
  check: string;
  format: string;
  pattern?: RegExp;
  hostname?: RegExp;
  protocol?: RegExp;
}

/**
 * A string format zod checks in code that the JSON Schema loses. zod writes a format check with a
 * `pattern` (email, uuid, `startsWith`…) as that pattern, and a plain `z.url()` as `format: "uri"`,
 * which the validators check as zod does (codegen/ajv.ts); but `z.jwt()` and `z.stringFormat(name, fn)` have no pattern, a URL's
 * `protocol` and `hostname` options (`z.httpUrl()`) are not written at all, and zod keeps one format
 * name per string, so a URL check beside another format check (`z.url().startsWith("https")`)
 * disappears.
 */
function lostStringFormat(def: ZodDef): { message: string; fix: string } | undefined {
  if (def.type !== "string") return undefined;
  const formats = [def, ...(def.checks ?? []).map((check) => check._zod.def)].filter(
    (check): check is StringFormatDef => check.check === "string_format",
  );
  for (const check of formats) {
    if (check.pattern instanceof RegExp) {
      const issue = patternIssue(check.pattern);
      if (issue) return issue;
      continue;
    }
    if (check.format === "jwt") {
      return {
        message: "z.jwt() decodes the token's header in code, which JSON Schema cannot express",
        fix: "check the shape with z.string().regex(/^[\\w-]+\\.[\\w-]+\\.[\\w-]*$/) and verify the token in the handler",
      };
    }
    if (check.format !== "url") {
      return {
        message: `z.stringFormat("${check.format}", fn) checks strings with a function, which JSON Schema cannot express`,
        fix: `give it a regular expression instead: z.stringFormat("${check.format}", /^...$/)`,
      };
    }
    if (check.protocol || check.hostname) {
      return {
        message:
          "a URL's protocol or hostname option (z.httpUrl(), z.url({ protocol })) has no JSON Schema form: the schema says only format uri, so the validators would accept any scheme",
        fix: "use z.url() and a pattern for the scheme: z.string().regex(/^https?:\\/\\/\\S+$/), or check the scheme in the handler",
      };
    }
    if (formats.length > 1) {
      return {
        message:
          "z.url() beside another format check (startsWith, regex, email…): zod's JSON Schema keeps one format per string, so the URL check would be lost",
        fix: "keep z.url() alone on the field, or express the whole rule as one z.string().regex(...)",
      };
    }
  }
  return undefined;
}

/**
 * A regex JSON Schema cannot carry as zod runs it: a pattern has no flags, and is read in Unicode
 * mode (ECMA-262 with `u`), which refuses escapes such as `\-` outside a class.
 */
function patternIssue(regex: RegExp): { message: string; fix: string } | undefined {
  const flags = regex.flags.replace("u", "");
  if (flags !== "") {
    return {
      message: `the regex /${regex.source}/${regex.flags} has flags (${flags}), and a JSON Schema pattern has none, so the validators would test it without them`,
      fix: flags.includes("i")
        ? "spell the cases out in the pattern ([Aa]) and drop the flags"
        : "drop the flags; write what they did into the pattern ([\\s\\S] for a dot that matches newlines)",
    };
  }
  try {
    new RegExp(regex.source, "u");
  } catch (error) {
    // one of zod's own (z.email({ pattern: z.regexes.rfc5322Email })) is named as such
    const zodName = Object.entries(z.regexes).find(([, value]) => value === regex)?.[0];
    return {
      message: `the regex ${zodName ? `z.regexes.${zodName}` : `/${regex.source}/`} is not valid in Unicode mode, which JSON Schema patterns use (${(error as Error).message})`,
      fix: zodName
        ? "use zod's default for this format (z.email() without a pattern), or another of z.regexes"
        : "escape only what needs it (write /^a-b$/, not /^a\\-b$/) and add the u flag to check it: /.../u",
    };
  }
  return undefined;
}

/**
 * `.trim()`, `.toLowerCase()`, `.normalize()` change the string before the checks after them
 * (`z.string().trim().min(2)` refuses `" a "`), which JSON Schema cannot express; alone they change
 * what the handler would read, not what is accepted.
 */
function checkAfterOverwrite(def: ZodDef): { message: string; fix: string } | undefined {
  const kinds = (def.checks ?? []).map((check) => check._zod.def.check);
  const first = kinds.indexOf("overwrite");
  if (first === -1 || !kinds.slice(first + 1).some((kind) => kind !== "overwrite")) return undefined;
  return {
    message:
      "a check after .trim(), .toLowerCase() or .normalize() tests the changed string, which JSON Schema cannot express, so the validators would test what producers sent",
    fix: "check what producers send (z.string().regex(/^\\S(.*\\S)?$/) for trimmed text) and normalize in the handler",
  };
}

/** Whether a pipe holds a transform on either side (`x.transform(f).pipe(y)`): reported as one. */
function hasTransform(def: ZodDef): boolean {
  if (def.type === "transform") return true;
  return def.type === "pipe" && (hasTransform(defOf(def.in)) || hasTransform(defOf(def.out)));
}

function childrenOf(def: ZodDef, path: string): [unknown, string][] {
  const at = (key: string | number) => `${path}/${pointerSegment(key)}`;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, unknown>;
      const entries: [unknown, string][] = Object.entries(shape).map(([key, child]) => [child, at(key)]);
      if (def.catchall) entries.push([def.catchall, path]);
      return entries;
    }
    case "array":
      return [[def.element, at("items")]];
    case "tuple":
      return [
        ...(def.items as unknown[]).map((item, index): [unknown, string] => [item, at(index)]),
        ...(def.rest ? [[def.rest, path] as [unknown, string]] : []),
      ];
    case "union":
      return (def.options as unknown[]).map((option) => [option, path]);
    case "intersection":
      return [
        [def.left, path],
        [def.right, path],
      ];
    case "record":
      return [
        [def.keyType, path],
        [def.valueType, path],
      ];
    case "pipe":
      return [
        [def.in, path],
        [def.out, path],
      ];
    case "lazy":
      return [[(def.getter as () => unknown)(), path]];
    default:
      return "innerType" in def ? [[def.innerType, path]] : [];
  }
}

/** Whether a schema is a zod object (the only shape `data` may have). */
export function isZodObject(schema: unknown): schema is z.ZodObject {
  return typeof schema === "object" && schema !== null && "_zod" in schema && defOf(schema).type === "object";
}

/**
 * Keywords that change what a schema accepts: JSON Schema 2020-12's, those ajv adds (`nullable`,
 * `$async`) or refuses (the dynamic-scope ones, see codegen/ajv.ts), and ajv-formats' `format*`
 * limits, which a consumer's ajv checks.
 * zod writes them for its own checks; from `.meta()` they make the validators check what zod does not.
 */
export const VALIDATION_KEYWORDS: ReadonlySet<string> = new Set([
  ...["type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"],
  ...["maxLength", "minLength", "pattern", "format", "maxItems", "minItems", "uniqueItems", "maxContains"],
  ...["minContains", "maxProperties", "minProperties", "required", "dependentRequired", "allOf", "anyOf", "oneOf"],
  ...["not", "if", "then", "else", "dependentSchemas", "dependencies", "prefixItems", "items", "contains"],
  ...["properties", "patternProperties", "additionalProperties", "propertyNames", "$ref", "nullable", "$async"],
  ...["formatMaximum", "formatMinimum", "formatExclusiveMaximum", "formatExclusiveMinimum"],
  ...["unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$dynamicAnchor", "$recursiveRef"],
  "$recursiveAnchor",
]);

/** A validation keyword a `.meta()` sets where zod alone would not write it, or would write another value. */
export interface MetaConstraint {
  /** Where in `data` the schema carrying the metadata sits, as findUnrepresentable writes it (`/items` for an array's items). */
  path: string;
  keyword: string;
  value: unknown;
  /** What zod writes there without the metadata, if anything. */
  zodValue: unknown;
  /** The JSON Schema `type` zod writes for that schema, if one. */
  type: unknown;
}

/**
 * The keys `propertyNames` allows, when it lists them (`z.record(z.enum(["a", "b"]), T)` writes
 * `{ enum: ["a", "b"] }`, a union of literals `anyOf` of `const`s); undefined for any other shape.
 */
export function listedKeys(names: unknown): string[] | undefined {
  if (typeof names !== "object" || names === null) return undefined;
  const schema = names as Record<string, unknown>;
  if (typeof schema.const === "string") return [schema.const];
  if (Array.isArray(schema.enum)) {
    return schema.enum.every((key) => typeof key === "string") ? (schema.enum as string[]) : undefined;
  }
  if (!Array.isArray(schema.anyOf)) return undefined;
  const keys = schema.anyOf.map(listedKeys);
  return keys.every((each) => each !== undefined) ? [...new Set(keys.flat())] : undefined;
}

/**
 * The format names zod gives its own string checks (`.startsWith()`, `.includes()`, `.lowercase()`):
 * no JSON Schema format, only the name of the last check, whose pattern (with every other check's)
 * says what it checks. (A `.regex()` last writes no format; `regex` is a JSON Schema format.) They are left out of published schemas, where a validator in strict mode
 * (ajv's default) refuses an unknown format, and out of the lockfile's canonical form.
 */
export const CHECK_FORMATS: ReadonlySet<string> = new Set([
  "starts_with",
  "ends_with",
  "includes",
  "lowercase",
  "uppercase",
]);

const DATA_JSON_SCHEMA = {
  target: "draft-2020-12",
  io: "input",
  unrepresentable: "throw",
  cycles: "ref",
  reused: "inline",
} as const;

/** What a schema's own metadata is compared with: the schema converted with none at all. */
const NO_METADATA = z.registry<Record<string, unknown>>();

/**
 * The JSON Schema of what zod accepts: `io: "input"`, so `z.object` stays open (zod strips unknown
 * keys, it does not reject them) and `z.strictObject` is closed, and defaulted fields are optional.
 * zod copies each `.meta()` key into it; `onMetaConstraint` hears of those that are validation
 * keywords zod would not write so, found while converting (most schemas carry no metadata).
 */
export function toDataJsonSchema(
  schema: z.ZodType,
  onMetaConstraint?: (found: MetaConstraint) => void,
): JsonSchemaObject {
  const json = z.toJSONSchema(schema, {
    ...DATA_JSON_SCHEMA,
    override: ({ zodSchema, jsonSchema, path }) => {
      if (CHECK_FORMATS.has(jsonSchema.format as string)) delete jsonSchema.format;
      const meta = onMetaConstraint && z.globalRegistry.get(zodSchema);
      if (meta !== undefined)
        metaConstraintsOf(zodSchema, meta, path, onMetaConstraint as (found: MetaConstraint) => void);
    },
  }) as JsonSchemaObject;
  delete json.$schema;
  return json;
}

function metaConstraintsOf(
  schema: z.core.$ZodType,
  meta: Record<string, unknown>,
  path: readonly (string | number)[],
  found: (constraint: MetaConstraint) => void,
): void {
  let own: JsonSchemaObject | undefined;
  for (const keyword of Object.keys(meta)) {
    if (!VALIDATION_KEYWORDS.has(keyword)) continue;
    own ??= z.toJSONSchema(schema, { ...DATA_JSON_SCHEMA, metadata: NO_METADATA }) as JsonSchemaObject;
    const value = meta[keyword];
    if (JSON.stringify(own[keyword]) === JSON.stringify(value)) continue;
    found({ path: dataPathOf(path), keyword, value, zodValue: own[keyword], type: own.type });
  }
}

/** Keywords of a JSON Schema path that a data path leaves out: the branches of a union, an intersection. */
const BRANCHES = new Set(["anyOf", "oneOf", "allOf"]);

/**
 * The data path of a place in zod's JSON Schema, written as findUnrepresentable writes it:
 * `properties/email` is `/email`, a branch of a union is where the union is, `items` stays.
 */
function dataPathOf(schemaPath: readonly (string | number)[]): string {
  let path = "";
  for (let index = 0; index < schemaPath.length; index++) {
    const key = schemaPath[index] as string | number;
    if (key === "properties" || key === "prefixItems") path += `/${pointerSegment(schemaPath[++index] ?? "")}`;
    else if (BRANCHES.has(String(key))) index++;
    else if (key !== "additionalProperties") path += `/${pointerSegment(key)}`;
  }
  return path;
}

/** Inngest's limits on `ts`: integer milliseconds between 1980 and 2100. */
export const TS_MIN = Date.UTC(1980, 0, 1);
export const TS_MAX = Date.UTC(2100, 0, 1);

/** The whole event envelope of one version: `{ name, data, id?, ts?, v? }`. */
export function envelopeJsonSchema(
  name: string,
  version: string,
  versioned: boolean,
  data: JsonSchemaObject,
  description: string | undefined,
): JsonSchemaObject {
  const { $defs, ...dataSchema } = envelopeRefs(data) as JsonSchemaObject;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `evreg:${name}/${version}`,
    title: `${name} ${version}`,
    ...(description ? { description } : {}),
    type: "object",
    properties: {
      name: { const: name },
      data: dataSchema,
      id: { type: "string", minLength: 1 },
      ts: { type: "integer", minimum: TS_MIN, maximum: TS_MAX },
      v: versioned ? { const: version } : { type: "string" },
    },
    required: ["name", "data"],
    ...($defs ? { $defs } : {}),
  };
}

/** `target[key] = value` as an own property, also for a key named `__proto__` (a property name in a schema). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * A `$ref` of zod's as the envelope needs it. zod writes a recursive root as `#`; inside the envelope
 * the root is `#/properties/data`. And zod writes a pointer's segments raw: a `%` in a
 * `.meta({ id })` (`#/$defs/a%zz`) reads as a percent-escape, which ajv failed to decode (a
 * URIError, reported as a bug in evreg) or decoded into another key (`a%20b` as `a b`). Each `%` is
 * written `%25`; the rest stays as zod writes it (ajv reads spaces and other characters in a
 * fragment as they are), so published schemas and lock files keep their bytes.
 */
function envelopeRef(ref: string): string {
  if (ref === "#") return "#/properties/data";
  return ref.startsWith("#") ? ref.replaceAll("%", "%25") : ref;
}

/** Each `$ref` as `envelopeRef` makes it. Copies only the objects on the way to a changed one: the rest is shared. */
function envelopeRefs(node: unknown): unknown {
  if (typeof node !== "object" || node === null) return node;
  if (Array.isArray(node)) {
    const items = node.map(envelopeRefs);
    return items.some((item, index) => item !== node[index]) ? items : node;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(node)) {
    const rerooted = key === "$ref" && typeof value === "string" ? envelopeRef(value) : envelopeRefs(value);
    if (rerooted !== value) {
      copy ??= { ...node };
      setOwn(copy, key, rerooted);
    }
  }
  return copy ?? node;
}
