/**
 * Whether one JSON value is valid under a schema node: a small validator for the finite cases the
 * diff decides by evaluation (`enum`, `const`, `null`, booleans, tiny integer ranges). `format` is
 * an annotation here; a pattern JavaScript cannot compile is treated as matching.
 */
import type { JsonSchema, JsonSchemaObject } from "../registry/json-schema.ts";
import { canonicalJson, jsonEqual } from "./canonical.ts";
import { deref, isSchemaObject, type Located } from "./document.ts";

export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

const patternCache = new Map<string, RegExp | undefined>();
export function compilePattern(pattern: string): RegExp | undefined {
  if (!patternCache.has(pattern)) {
    let compiled: RegExp | undefined;
    try {
      compiled = new RegExp(pattern, "u");
    } catch {
      try {
        compiled = new RegExp(pattern);
      } catch {
        compiled = undefined;
      }
    }
    patternCache.set(pattern, compiled);
  }
  return patternCache.get(pattern);
}

function typeMatches(type: unknown, value: unknown): boolean {
  const actual = jsonTypeOf(value);
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

const child = (located: Located, schema: unknown): Located => ({ schema: schema as JsonSchema, doc: located.doc });

/** True when `value` is valid under the schema (undecidable parts count as valid). */
export function valueMatches(located: Located, value: unknown, depth = 0): boolean {
  const resolved = deref(located, "");
  const schema = resolved.schema;
  if (typeof schema === "boolean") return schema;
  // A schema that recurses without consuming the value (allOf: [{ $ref: "#" }]) adds nothing more.
  if (depth > 64) return true;
  const s = schema as JsonSchemaObject;
  const sub = (node: unknown, v: unknown) => valueMatches(child(resolved, node), v, depth + 1);
  if (s.type !== undefined && !typeMatches(s.type, value)) return false;
  if (Array.isArray(s.enum) && !s.enum.some((option) => jsonEqual(option, value))) return false;
  if ("const" in s && !jsonEqual(s.const, value)) return false;
  if (typeof value === "number" && !numberMatches(s, value)) return false;
  if (typeof value === "string" && !stringMatches(s, value)) return false;
  if (Array.isArray(value) && !arrayMatches(resolved, s, value, sub)) return false;
  if (isSchemaObject(value) && !objectMatches(s, value, sub)) return false;
  if (Array.isArray(s.allOf) && !s.allOf.every((branch) => sub(branch, value))) return false;
  if (Array.isArray(s.anyOf) && !s.anyOf.some((branch) => sub(branch, value))) return false;
  if (Array.isArray(s.oneOf) && s.oneOf.filter((branch) => sub(branch, value)).length !== 1) return false;
  if (s.not !== undefined && sub(s.not, value)) return false;
  if (s.if !== undefined) {
    const branch = sub(s.if, value) ? s.then : s.else;
    if (branch !== undefined && !sub(branch, value)) return false;
  }
  return true;
}

function numberMatches(s: JsonSchemaObject, value: number): boolean {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf } = s;
  if (typeof minimum === "number" && (exclusiveMinimum === true ? value <= minimum : value < minimum)) return false;
  if (typeof maximum === "number" && (exclusiveMaximum === true ? value >= maximum : value > maximum)) return false;
  if (typeof exclusiveMinimum === "number" && value <= exclusiveMinimum) return false;
  if (typeof exclusiveMaximum === "number" && value >= exclusiveMaximum) return false;
  if (typeof multipleOf === "number" && multipleOf > 0) {
    const quotient = value / multipleOf;
    if (Math.abs(quotient - Math.round(quotient)) > 1e-9) return false;
  }
  return true;
}

function stringMatches(s: JsonSchemaObject, value: string): boolean {
  const length = [...value].length;
  if (typeof s.minLength === "number" && length < s.minLength) return false;
  if (typeof s.maxLength === "number" && length > s.maxLength) return false;
  if (typeof s.pattern === "string") {
    const pattern = compilePattern(s.pattern);
    if (pattern && !pattern.test(value)) return false;
  }
  return true;
}

function arrayMatches(
  located: Located,
  s: JsonSchemaObject,
  value: unknown[],
  sub: (node: unknown, v: unknown) => boolean,
): boolean {
  const { prefix, rest } = arrayShape(located, s);
  for (const [index, item] of value.entries()) {
    const itemSchema = index < prefix.length ? prefix[index] : rest;
    if (itemSchema !== undefined && !sub(itemSchema, item)) return false;
  }
  if (typeof s.minItems === "number" && value.length < s.minItems) return false;
  if (typeof s.maxItems === "number" && value.length > s.maxItems) return false;
  if (s.uniqueItems === true && new Set(value.map(canonicalJson)).size !== value.length) return false;
  if (s.contains !== undefined) {
    const count = value.filter((item) => sub(s.contains, item)).length;
    const min = typeof s.minContains === "number" ? s.minContains : 1;
    if (count < min) return false;
    if (typeof s.maxContains === "number" && count > s.maxContains) return false;
  }
  return true;
}

/** Tuple positions and the schema of the items after them, across drafts. */
export function arrayShape(
  _located: Located,
  s: JsonSchemaObject,
): { prefix: unknown[]; rest: unknown; prefixKeyword: string; restKeyword: string } {
  if (Array.isArray(s.prefixItems))
    return { prefix: s.prefixItems, rest: s.items, prefixKeyword: "prefixItems", restKeyword: "items" };
  if (Array.isArray(s.items))
    return { prefix: s.items, rest: s.additionalItems, prefixKeyword: "items", restKeyword: "additionalItems" };
  return { prefix: [], rest: s.items, prefixKeyword: "prefixItems", restKeyword: "items" };
}

function objectMatches(
  s: JsonSchemaObject,
  value: JsonSchemaObject,
  sub: (node: unknown, v: unknown) => boolean,
): boolean {
  const properties = isSchemaObject(s.properties) ? s.properties : {};
  const patterns = isSchemaObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
  const keys = Object.keys(value);
  if (Array.isArray(s.required) && !s.required.every((name) => typeof name !== "string" || name in value)) return false;
  if (typeof s.minProperties === "number" && keys.length < s.minProperties) return false;
  if (typeof s.maxProperties === "number" && keys.length > s.maxProperties) return false;
  for (const key of keys) {
    const item = value[key];
    let declared = false;
    if (Object.hasOwn(properties, key)) {
      declared = true;
      if (!sub(properties[key], item)) return false;
    }
    for (const [pattern, schema] of patterns) {
      if (compilePattern(pattern)?.test(key)) {
        declared = true;
        if (!sub(schema, item)) return false;
      }
    }
    const extra = s.additionalProperties ?? s.unevaluatedProperties;
    if (!declared && extra !== undefined && !sub(extra, item)) return false;
    if (s.propertyNames !== undefined && !sub(s.propertyNames, key)) return false;
  }
  const dependentRequired = isSchemaObject(s.dependentRequired) ? s.dependentRequired : {};
  const dependencies = isSchemaObject(s.dependencies) ? s.dependencies : {};
  for (const [key, needs] of [...Object.entries(dependentRequired), ...Object.entries(dependencies)]) {
    if (!(key in value)) continue;
    if (Array.isArray(needs)) {
      if (!needs.every((name) => typeof name !== "string" || name in value)) return false;
    } else if (!sub(needs, value)) return false;
  }
  return true;
}
