/**
 * JSON Schema (as `z.toJSONSchema` writes it) to TypeScript type text, so the generated client
 * carries plain types: no zod inference for the compiler to redo at 1,000 events.
 */
import { type JsonSchema, listedKeys } from "../registry/json-schema.ts";

export interface TypeContext {
  /** Type name for a `$ref` target (`#/$defs/x`, `#/properties/data`). */
  refName: (ref: string) => string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

function literal(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `readonly [${value.map(literal).join(", ")}]`;
  return `{ ${Object.entries(value)
    .map(([key, inner]) => `readonly ${propertyKey(key)}: ${literal(inner)}`)
    .join("; ")} }`;
}

/**
 * Whether one of `operators` (` | `, ` & `, `=>`) stands at the top level of `type`, outside
 * brackets, string literals and doc comments: a union or an intersection inside an object type
 * (`{ plan: "free" | "pro" }`) is not one.
 */
function hasTopLevel(type: string, operators: readonly string[]): boolean {
  let depth = 0;
  for (let at = 0; at < type.length; at++) {
    if (depth === 0 && operators.some((operator) => type.startsWith(operator, at))) return true;
    const char = type[at] as string;
    if (char === '"') {
      for (at++; at < type.length && type[at] !== '"'; at++) if (type[at] === "\\") at++;
    } else if (type.startsWith("/*", at)) {
      const end = type.indexOf("*/", at + 2);
      at = end === -1 ? type.length : end + 1;
    } else if (type.startsWith("=>", at)) at++;
    else if ("([{<".includes(char)) depth++;
    else if (")]}>".includes(char)) depth--;
  }
  return false;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  if (unique.length === 0) return "never";
  return unique.length === 1
    ? (unique[0] as string)
    : unique.map((part) => (hasTopLevel(part, ["=>"]) ? `(${part})` : part)).join(" | ");
}

function doc(description: string | undefined): string {
  return description ? `/** ${description.replaceAll("*/", "*\\/")} */ ` : "";
}

/** The TypeScript type of values valid under `schema`. */
export function typeOf(schema: JsonSchema | undefined, context: TypeContext): string {
  if (schema === undefined || schema === true) return "unknown";
  if (schema === false) return "never";
  if (typeof schema.$ref === "string") return context.refName(schema.$ref);
  if ("const" in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  const anyOf = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (anyOf) return union(anyOf.map((option) => typeOf(option, context)));
  if (Array.isArray(schema.allOf)) {
    return schema.allOf.map((part: JsonSchema) => wrap(typeOf(part, context))).join(" & ");
  }
  const types = Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === "string"
      ? [schema.type]
      : [];
  if (types.length === 0) {
    if (schema.properties || schema.additionalProperties !== undefined) return objectType(schema, context);
    if (schema.items || schema.prefixItems) return arrayType(schema, context);
    return "unknown";
  }
  return union(types.map((type) => typeOfPrimitive(type, schema, context)));
}

/**
 * `type` as an array's element or a part of an intersection: in parentheses when its top level
 * would bind otherwise (`(A & B)[]`, not `A & B[]`, which is `A & (B[])`).
 */
function wrap(type: string): string {
  return type.startsWith("readonly ") || hasTopLevel(type, [" | ", " & ", "=>"]) ? `(${type})` : type;
}

function typeOfPrimitive(type: string, schema: Record<string, unknown>, context: TypeContext): string {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return arrayType(schema, context);
    case "object":
      return objectType(schema, context);
    default:
      return "unknown";
  }
}

function arrayType(schema: Record<string, unknown>, context: TypeContext): string {
  const prefix = schema.prefixItems as JsonSchema[] | undefined;
  if (prefix) {
    const rest =
      schema.items === false || schema.items === undefined
        ? ""
        : `, ...${wrap(typeOf(schema.items as JsonSchema, context))}[]`;
    // items past `minItems` may be left out (zod: `z.tuple([a, b.optional()])` has minItems 1)
    const required = typeof schema.minItems === "number" ? schema.minItems : 0;
    const items = prefix.map((item, index) =>
      index < required ? typeOf(item, context) : `${wrap(typeOf(item, context))}?`,
    );
    return `[${items.join(", ")}${rest}]`;
  }
  return `${wrap(typeOf(schema.items as JsonSchema, context))}[]`;
}

export interface ObjectMembers {
  properties: { name: string; type: string; optional: boolean; description: string | undefined }[];
  /** Value type of `[key: string]: T` when the object is open (additional or pattern properties). */
  indexType: string | undefined;
}

/** The members of an object type, for interfaces (as structures) and inline objects (as text) alike. */
export function objectMembers(schema: Record<string, unknown>, context: TypeContext): ObjectMembers {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const extra = schema.additionalProperties;
  const patterned = schema.patternProperties as Record<string, JsonSchema> | undefined;
  // A record over listed keys (zod's `z.record(z.enum(...), T)`, all required, or `z.partialRecord`).
  const keys = schema.properties || patterned || extra === false ? undefined : listedKeys(schema.propertyNames);
  if (keys) {
    const type = typeOf(extra as JsonSchema | undefined, context);
    const properties = keys.map((key) => ({
      name: propertyKey(key),
      type,
      optional: !required.has(key),
      description: undefined,
    }));
    return { properties, indexType: undefined };
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const members = Object.entries(properties).map(([key, property]) => ({
    name: propertyKey(key),
    type: typeOf(property, context),
    optional: !required.has(key),
    description:
      typeof property === "object" && typeof property.description === "string" ? property.description : undefined,
  }));
  // Known members must fit the index signature, so an open object with declared fields takes `unknown`.
  let indexType: string | undefined;
  if (extra !== undefined && extra !== false) {
    indexType = members.length > 0 || patterned ? "unknown" : typeOf(extra as JsonSchema, context);
  } else if (patterned) {
    indexType = members.length > 0 ? "unknown" : union(Object.values(patterned).map((value) => typeOf(value, context)));
  }
  return { properties: members, indexType };
}

function objectType(schema: Record<string, unknown>, context: TypeContext): string {
  const { properties, indexType } = objectMembers(schema, context);
  const members = properties.map(
    (member) => `${doc(member.description)}${member.name}${member.optional ? "?" : ""}: ${member.type}`,
  );
  if (indexType) members.push(`[key: string]: ${indexType}`);
  if (members.length > 0) return `{ ${members.join("; ")} }`;
  return schema.additionalProperties === false ? "Record<string, never>" : "{ [key: string]: unknown }";
}
