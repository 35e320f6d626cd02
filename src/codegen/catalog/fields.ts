/**
 * Flattens a version's data JSON Schema into one row per field (`changes.preferences.theme`,
 * `items[].id`), the shape both the catalog's field table and its version diff read.
 */

import { z } from "zod";
import { pointerKey } from "../../errors.ts";
import { type JsonSchemaObject, listedKeys } from "../../registry/json-schema.ts";

/** The keywords that narrow a value, as written in the schema. */
export const CONSTRAINT_KEYWORDS = [
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "exclusiveMinimum",
  "maximum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
] as const;
export type ConstraintKeyword = (typeof CONSTRAINT_KEYWORDS)[number];

export interface FieldRow {
  /** Dotted path from `data`; array items add `[]`: `items[].id`. */
  path: string;
  /** JSON types the field accepts, sorted; `"any"` when the schema is `{}`. */
  types: string[];
  /** Required by its parent object (array items count as required). */
  required: boolean;
  enum?: unknown[];
  const?: unknown;
  constraints: Partial<Record<ConstraintKeyword, unknown>>;
  /** For objects: whether unknown keys are rejected (`additionalProperties: false`). */
  closed?: boolean;
  /** For a `$ref` the catalog does not expand (recursion): the target pointer. */
  ref?: string;
  /** For a record over listed keys (`z.record(z.enum([...]), T)`): the keys, and whether all are required. */
  keys?: { listed: string[]; required: boolean };
  /** For a record whose keys must match a pattern (`z.record(z.string().regex(...), T)`). */
  keyPattern?: string;
  description?: string;
}

type Schema = JsonSchemaObject;

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** Resolves a local `$ref` (`#`, `#/$defs/x`) against the root schema. */
export function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = pointerKey(raw);
    node = (node as Record<string, unknown> | undefined)?.[key];
  }
  return typeof node === "object" && node !== null ? (node as Schema) : undefined;
}

/** The branches of `anyOf`/`oneOf`, without the `null` branch that only makes a field nullable. */
function unionBranches(schema: Schema): { branches: Schema[]; nullable: boolean } | undefined {
  const options = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (!Array.isArray(options)) return undefined;
  const branches = options.filter((option) => option.type !== "null");
  return { branches, nullable: branches.length < options.length };
}

function typesOf(schema: Schema): string[] {
  if (Array.isArray(schema.enum) || "const" in schema) {
    const values = Array.isArray(schema.enum) ? schema.enum : [schema.const];
    return [
      ...new Set(values.map((value) => (value === null ? "null" : Array.isArray(value) ? "array" : typeof value))),
    ].sort();
  }
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return [...(schema.type as string[])].sort();
  if (schema.properties) return ["object"];
  const union = unionBranches(schema);
  if (union) {
    const types = new Set(union.branches.flatMap(typesOf));
    if (union.nullable) types.add("null");
    return [...types].sort();
  }
  return ["any"];
}

function constraintsOf(schema: Schema): FieldRow["constraints"] {
  const constraints: FieldRow["constraints"] = {};
  for (const keyword of CONSTRAINT_KEYWORDS) {
    if (schema[keyword] === undefined) continue;
    // zod writes JavaScript's safe-integer range for every .int(); it says nothing to a reader.
    if (keyword === "maximum" && schema[keyword] === SAFE_INTEGER) continue;
    if (keyword === "minimum" && schema[keyword] === -SAFE_INTEGER) continue;
    constraints[keyword] = schema[keyword];
  }
  // zod writes several patterns on one string as allOf parts (`.startsWith("a").endsWith("z")`)
  const parts = Array.isArray(schema.allOf) ? (schema.allOf as Schema[]) : [];
  const patterns = [constraints.pattern, ...parts.map((part) => part.pattern)].filter(
    (pattern): pattern is string => typeof pattern === "string",
  );
  if (patterns.length > 1) constraints.pattern = patterns;
  else if (patterns.length === 1) constraints.pattern = patterns[0];
  return constraints;
}

/** Rows by schema: the catalog shows a version's fields and diffs them with both its neighbours. */
const rowsOf = new WeakMap<Schema, readonly FieldRow[]>();

/** One row per field of `schema` (a data schema: an object), depth first, in declaration order. */
export function schemaFields(schema: Schema): readonly FieldRow[] {
  let rows = rowsOf.get(schema);
  if (rows === undefined) {
    rows = collectFields(schema);
    rowsOf.set(schema, rows);
  }
  return rows;
}

function collectFields(schema: Schema): FieldRow[] {
  const rows: FieldRow[] = [];
  const visit = (node: Schema, path: string, required: boolean, trail: Set<Schema>): void => {
    if (typeof node.$ref === "string") {
      const target = resolveRef(schema, node.$ref);
      if (!target || trail.has(target)) {
        rows.push({ path, types: target ? typesOf(target) : ["any"], required, constraints: {}, ref: node.$ref });
        return;
      }
      visit({ ...target, ...withoutRef(node) }, path, required, new Set([...trail, target]));
      return;
    }
    const union = unionBranches(node);
    const single = union?.branches.length === 1 ? union.branches[0] : undefined;
    const shape: Schema = single ? { ...single, ...withoutUnion(node) } : node;
    const row: FieldRow = { path, types: typesOf(node), required, constraints: constraintsOf(shape) };
    if (Array.isArray(shape.enum)) row.enum = shape.enum;
    if ("const" in shape) row.const = shape.const;
    if (typeof shape.description === "string") row.description = shape.description;
    if (shape.properties || row.types.includes("object")) row.closed = shape.additionalProperties === false;
    const listed = listedKeys(shape.propertyNames);
    if (listed) {
      const requiredKeys = new Set((shape.required as string[] | undefined) ?? []);
      row.keys = { listed, required: listed.every((key) => requiredKeys.has(key)) };
    } else if (typeof (shape.propertyNames as Schema | undefined)?.pattern === "string") {
      row.keyPattern = (shape.propertyNames as Schema).pattern as string;
    }
    if (path !== "") rows.push(row);
    walkChildren(shape, path, trail);
  };
  const walkChildren = (node: Schema, path: string, trail: Set<Schema>): void => {
    const properties = (node.properties ?? {}) as Record<string, Schema>;
    const required = new Set((node.required as string[] | undefined) ?? []);
    // Read-only below here, so the children share one.
    const inner = trail.has(node) ? trail : new Set([...trail, node]);
    for (const [key, child] of Object.entries(properties)) {
      visit(child, path === "" ? key : `${path}.${key}`, required.has(key), inner);
    }
    if (typeof node.items === "object" && node.items !== null) {
      visit(node.items as Schema, `${path}[]`, true, inner);
    }
    // the value of every other key, when it is said: a record's values, a catchall's
    const extra = node.additionalProperties;
    if (typeof extra === "object" && extra !== null && Object.keys(extra).length > 0) {
      visit(extra as Schema, path === "" ? "*" : `${path}.*`, false, inner);
    }
    const prefix = node.prefixItems as Schema[] | undefined;
    for (const [index, item] of (prefix ?? []).entries()) {
      visit(item, `${path}[${index}]`, true, inner);
    }
  };
  visit(schema, "", true, new Set([schema]));
  return rows;
}

function withoutRef(node: Schema): Schema {
  const { $ref: _ref, ...rest } = node;
  return rest;
}

function withoutUnion(node: Schema): Schema {
  const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
  return rest;
}

/** Literal text of a regex fragment made only of plain and escaped characters, else undefined. */
function literalText(fragment: string): string | undefined {
  return /^(?:[^.*+?^${}()|[\]\\]|\\.)+$/.test(fragment) ? fragment.replace(/\\(.)/g, "$1") : undefined;
}

/** zod's string formats by the pattern zod writes for each, made on first use. */
let formatsByPattern: Map<string, string> | undefined;

function formatOfPattern(pattern: string): string | undefined {
  formatsByPattern ??= new Map(
    [
      z.email(),
      z.uuid(),
      z.guid(),
      z.iso.datetime(),
      z.iso.date(),
      z.iso.time(),
      z.iso.duration(),
      z.ipv4(),
      z.ipv6(),
      z.cidrv4(),
      z.cidrv6(),
      z.cuid(),
      z.cuid2(),
      z.ulid(),
      z.nanoid(),
      z.xid(),
      z.ksuid(),
      z.base64(),
      z.base64url(),
      z.e164(),
      z.emoji(),
      z.hostname(),
      z.hex(),
      z.mac(),
    ].flatMap((schema) => {
      const { format, pattern } = z.toJSONSchema(schema) as { format?: string; pattern?: string };
      return pattern === undefined ? [] : [[pattern, format ?? "string"] as const];
    }),
  );
  return formatsByPattern.get(pattern);
}

/** A pattern as the zod check that writes it reads (`starts with "cus_"`, `format email`), if it is one. */
function describePattern(pattern: string): string | undefined {
  const format = formatOfPattern(pattern);
  if (format) return `format ${format}`;
  if (pattern === "^[^A-Z]*$") return "lowercase";
  if (pattern === "^[^a-z]*$") return "uppercase";
  const starts = /^\^(.+)\.\*$/.exec(pattern)?.[1];
  const ends = /^\.\*(.+)\$$/.exec(pattern)?.[1];
  const text = literalText(starts ?? ends ?? pattern);
  if (text === undefined) return undefined;
  return `${starts !== undefined ? "starts with" : ends !== undefined ? "ends with" : "includes"} ${JSON.stringify(text)}`;
}

/** Human-readable constraint list for a row: `min length 1`, `starts with "cus_"`, `format email`. */
export function describeConstraints(row: FieldRow): string[] {
  const c = row.constraints;
  const parts: string[] = [];
  if (row.enum) parts.push(`one of ${row.enum.map((value) => JSON.stringify(value)).join(", ")}`);
  if ("const" in row) parts.push(`exactly ${JSON.stringify(row.const)}`);
  // a format (email, uuid) stands for its own pattern
  const format = typeof c.format === "string" ? c.format : undefined;
  if (format) parts.push(`format ${format}`);
  const patterns = Array.isArray(c.pattern)
    ? (c.pattern as string[])
    : typeof c.pattern === "string"
      ? [c.pattern]
      : [];
  for (const pattern of patterns) {
    const described = describePattern(pattern);
    if (described && !parts.includes(described)) parts.push(described);
    else if (!described && !format) parts.push(`pattern ${pattern}`);
  }
  if (row.keys) {
    const keys = row.keys.listed.map((key) => JSON.stringify(key)).join(", ");
    parts.push(row.keys.required ? `keys ${keys}, each required` : `keys among ${keys}`);
  }
  if (row.keyPattern) parts.push(`keys match ${row.keyPattern}`);
  const labels: [ConstraintKeyword, string][] = [
    ["minLength", "min length"],
    ["maxLength", "max length"],
    ["minimum", "≥"],
    ["exclusiveMinimum", ">"],
    ["maximum", "≤"],
    ["exclusiveMaximum", "<"],
    ["multipleOf", "multiple of"],
    ["minItems", "min items"],
    ["maxItems", "max items"],
    ["minProperties", "min keys"],
    ["maxProperties", "max keys"],
  ];
  for (const [keyword, label] of labels) if (c[keyword] !== undefined) parts.push(`${label} ${String(c[keyword])}`);
  if (c.uniqueItems === true) parts.push("unique items");
  if (row.closed) parts.push("no other keys");
  if (row.ref) parts.push(`recursive (${row.ref})`);
  return parts;
}
