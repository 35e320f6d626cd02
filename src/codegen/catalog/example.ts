/**
 * A deterministic example payload for a JSON Schema: the same schema always gives the same value,
 * and the value satisfies the schema (the catalog tests check every example with the shared ajv).
 * Strings honour enum, format, pattern (a small regex sampler) and length; numbers their bounds.
 */
import type { JsonSchemaObject } from "../../registry/json-schema.ts";
import { resolveRef } from "./fields.ts";

type Schema = JsonSchemaObject;

/** Sample values for the formats zod writes; each also matches zod's own pattern for it. */
const FORMAT_SAMPLES: Record<string, string> = {
  email: "jane.doe@example.com",
  "date-time": "2024-01-15T09:30:00Z",
  date: "2024-01-15",
  time: "09:30:00",
  duration: "P1D",
  uuid: "3f1c9a52-8d4e-4b7a-9c1e-2a6b5d7e8f90",
  guid: "3f1c9a52-8d4e-4b7a-9c1e-2a6b5d7e8f90",
  uri: "https://example.com/",
  url: "https://example.com/",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  cidrv4: "192.0.2.0/24",
  cidrv6: "2001:db8::/32",
  hostname: "example.com",
  base64: "ZXhhbXBsZQ==",
  base64url: "ZXhhbXBsZQ",
  cuid: "cjld2cjxh0000qzrmn831i7rn",
  cuid2: "tz4a98xxat96iws9zmbrgj3a",
  ulid: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
  nanoid: "V1StGXR8_Z5jdHi6B-myT",
  emoji: "🙂",
  e164: "+14155552671",
  jwt: "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
  lowercase: "example",
  uppercase: "EXAMPLE",
};

const EXAMPLE_TS = Date.UTC(2024, 0, 15, 9, 30);
const MAX_DEPTH = 6;

/** A value of `schema`; `root` resolves `$ref`s, `key` names the field (for readable strings). */
export function exampleValue(schema: Schema, root: Schema = schema, key = "value", depth = 0): unknown {
  if (typeof schema.$ref === "string") {
    const target = resolveRef(root, schema.$ref);
    return target ? exampleValue(target, root, key, depth + 1) : null;
  }
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(options) && options.length > 0) {
    const branch = options.find((option) => option.type !== "null") ?? (options[0] as Schema);
    return exampleValue(branch, root, key, depth);
  }
  if (Array.isArray(schema.allOf)) {
    // zod writes several patterns on one string (`.startsWith("a").endsWith("z")`) as allOf parts
    const { allOf, ...rest } = schema;
    const parts = [rest, ...(allOf as Schema[])];
    const patterns = parts.flatMap((part) => (typeof part.pattern === "string" ? [part.pattern] : []));
    return exampleValue(
      Object.assign({}, ...parts, patterns.length > 1 ? { pattern: patterns } : {}),
      root,
      key,
      depth,
    );
  }
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== "null") : schema.type;
  switch (type ?? (schema.properties ? "object" : undefined)) {
    case "string":
      return exampleString(schema, key);
    case "integer":
    case "number":
      return exampleNumber(schema, type === "integer");
    case "boolean":
      return true;
    case "null":
      return null;
    case "array":
      return exampleArray(schema, root, key, depth);
    case "object":
      return exampleObject(schema, root, depth);
    default:
      return null;
  }
}

function exampleObject(schema: Schema, root: Schema, depth: number): Record<string, unknown> {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(properties)) {
    // Optional fields show what a payload may carry, until recursion would make the example endless.
    const isAny = Object.keys(child).length === 0;
    if (!required.has(key) && (depth >= MAX_DEPTH || isAny || typeof child.$ref === "string")) continue;
    result[key] = exampleValue(child, root, key, depth + 1);
  }
  // Required keys no property declares: a record over listed keys (`z.record(z.enum([...]), T)`).
  const extra = typeof schema.additionalProperties === "object" ? (schema.additionalProperties as Schema) : {};
  for (const key of required)
    if (!Object.hasOwn(properties, key)) result[key] = exampleValue(extra, root, key, depth + 1);
  return result;
}

function exampleArray(schema: Schema, root: Schema, key: string, depth: number): unknown[] {
  const prefix = (schema.prefixItems as Schema[] | undefined) ?? [];
  const values = prefix.map((item, index) => exampleValue(item, root, `${key}${index}`, depth + 1));
  const items = schema.items;
  const wanted = Math.max(typeof schema.minItems === "number" ? schema.minItems : 0, prefix.length === 0 ? 1 : 0);
  if (typeof items === "object" && items !== null && depth < MAX_DEPTH) {
    while (values.length < wanted) {
      const value = exampleValue(items as Schema, root, singular(key), depth + 1);
      values.push(schema.uniqueItems === true && typeof value === "string" ? `${value}${values.length || ""}` : value);
    }
  }
  return values;
}

function singular(key: string): string {
  return key.endsWith("s") && key.length > 1 ? key.slice(0, -1) : key;
}

function exampleNumber(schema: Schema, integer: boolean): number {
  const step = typeof schema.multipleOf === "number" ? schema.multipleOf : integer ? 1 : undefined;
  let value = 1;
  if (typeof schema.minimum === "number") value = Math.max(value, schema.minimum);
  if (typeof schema.exclusiveMinimum === "number") value = Math.max(value, schema.exclusiveMinimum + (step ?? 0.5));
  if (typeof schema.maximum === "number") value = Math.min(value, schema.maximum);
  if (typeof schema.exclusiveMaximum === "number") value = Math.min(value, schema.exclusiveMaximum - (step ?? 0.5));
  if (step !== undefined) value = Math.ceil(value / step) * step;
  return value;
}

/** Each pattern compiled and sampled once: zod repeats the same few (uuid, datetime) on every field. */
const patterns = new Map<string, { regex: RegExp; sample: string | undefined }>();

function compiledPattern(source: string): { regex: RegExp; sample: string | undefined } {
  let compiled = patterns.get(source);
  if (compiled === undefined) {
    compiled = { regex: new RegExp(source, "u"), sample: sampleFromPattern(source) };
    patterns.set(source, compiled);
  }
  return compiled;
}

/**
 * A string for `schema`. Several patterns (from `allOf`) are sampled together: anchored at the start
 * first, then unanchored, then anchored at the end, as `.startsWith("ab").includes("m").endsWith("z")`
 * needs; each candidate is kept only if every pattern matches it.
 */
function exampleString(schema: Schema, key: string): string {
  const sources = Array.isArray(schema.pattern)
    ? (schema.pattern as string[])
    : typeof schema.pattern === "string"
      ? [schema.pattern]
      : [];
  const compiled = sources.map(compiledPattern);
  const rank = (source: string) => (source.startsWith("^") ? 0 : source.endsWith("$") ? 2 : 1);
  const combined =
    compiled.length > 0 && compiled.every((each) => each.sample !== undefined)
      ? sources
          .map((source, index) => ({ rank: rank(source), sample: compiled[index]?.sample as string }))
          .sort((a, b) => a.rank - b.rank)
          .map((each) => each.sample)
          .join("")
      : undefined;
  const candidates = [
    typeof schema.format === "string" ? FORMAT_SAMPLES[schema.format] : undefined,
    combined,
    `${key}-1`,
  ];
  const fits = (value: string) => fitLength(value, schema);
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    const value = fits(candidate);
    if (compiled.every((each) => each.regex.test(value))) return value;
  }
  return fits(candidates.find((candidate) => candidate !== undefined) ?? "");
}

function fitLength(value: string, schema: Schema): string {
  const min = typeof schema.minLength === "number" ? schema.minLength : 0;
  const max = typeof schema.maxLength === "number" ? schema.maxLength : Number.POSITIVE_INFINITY;
  const padded = value.length < min ? value + "x".repeat(min - value.length) : value;
  return padded.length > max ? padded.slice(0, max) : padded;
}

/**
 * A string matching a regular expression, for the subset schemas use: literals, escapes (\d \w \s),
 * classes, groups with alternation (first branch), quantifiers (minimum count, at least one for `*`;
 * a wildcard `.` gives `example`).
 */
export function sampleFromPattern(pattern: string): string | undefined {
  let index = 0;
  const peek = () => pattern[index];

  const parseAlternation = (): string => {
    const first = parseSequence();
    while (peek() === "|") {
      index++;
      parseSequence();
    }
    return first;
  };
  const parseSequence = (): string => {
    let out = "";
    while (index < pattern.length && peek() !== "|" && peek() !== ")") {
      const wildcard = peek() === ".";
      const atom = parseAtom();
      const count = parseQuantifier();
      // `prefix_.*` reads better as `prefix_example` than as `prefix_a`.
      out += wildcard && count > 0 ? "example" : atom.repeat(count);
    }
    return out;
  };
  const parseQuantifier = (): number => {
    const char = peek();
    let count = 1;
    if (char === "*" || char === "+") {
      index++;
      count = 1;
    } else if (char === "?") {
      index++;
      count = 0;
    } else if (char === "{") {
      const match = /^\{(\d+)(,\d*)?\}/.exec(pattern.slice(index));
      if (!match) return 1;
      index += match[0].length;
      count = Number(match[1]);
    } else {
      return 1;
    }
    if (peek() === "?" || peek() === "+") index++;
    return count;
  };
  const parseAtom = (): string => {
    const char = pattern[index++] ?? "";
    switch (char) {
      case "^":
      case "$":
        return "";
      case ".":
        return "a";
      case "(": {
        if (peek() === "?") {
          if (pattern.slice(index, index + 2) === "?:") index += 2;
          else throw new Error("lookaround");
        }
        const inner = parseAlternation();
        index++;
        return inner;
      }
      case "[":
        return parseClass();
      case "\\":
        return escaped(pattern[index++] ?? "");
      default:
        return char;
    }
  };
  const parseClass = (): string => {
    const negated = peek() === "^";
    if (negated) index++;
    const members: string[] = [];
    while (index < pattern.length && peek() !== "]") {
      let char = pattern[index++] ?? "";
      if (char === "\\") char = escaped(pattern[index++] ?? "");
      if (peek() === "-" && pattern[index + 1] !== "]") {
        index++;
        let end = pattern[index++] ?? "";
        if (end === "\\") end = escaped(pattern[index++] ?? "");
        for (let code = char.charCodeAt(0); code <= end.charCodeAt(0) && members.length < 200; code++) {
          members.push(String.fromCharCode(code));
        }
      } else {
        members.push(char);
      }
    }
    index++;
    if (!negated) return members[0] ?? "";
    return [..."a0A_-"].find((candidate) => !members.includes(candidate)) ?? "";
  };
  try {
    const sample = parseAlternation();
    return index >= pattern.length ? sample : undefined;
  } catch {
    return undefined;
  }
}

function escaped(char: string): string {
  const classes: Record<string, string> = { d: "1", w: "a", s: " ", D: "a", W: "-", S: "a", b: "", B: "" };
  return classes[char] ?? char;
}

/** A whole example envelope of one version: `{ name, data, id?, ts, v? }`. */
export function exampleEnvelope(
  event: { name: string; versioned: boolean; idTemplate: string | undefined },
  version: { v: string; dataSchema: Schema },
  fillId: (template: string, data: Record<string, unknown>) => string,
): Record<string, unknown> {
  const data = exampleValue(version.dataSchema) as Record<string, unknown>;
  return {
    name: event.name,
    data,
    ...(event.idTemplate ? { id: fillId(event.idTemplate, data) } : {}),
    ts: EXAMPLE_TS,
    ...(event.versioned ? { v: version.v } : {}),
  };
}
