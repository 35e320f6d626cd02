/**
 * One JSON Schema document as the diff sees it: its dialect (draft-04 to 2020-12), every embedded
 * `$id`/`$anchor`, and local `$ref` resolution. Bad input (not a schema, a `$ref` that points
 * nowhere, a `$ref` loop with no schema in between) is a CompatibilityError, never a crash.
 */
import { CompatibilityError, type Issue, pointerKey } from "../errors.ts";
import type { JsonSchema, JsonSchemaObject } from "../registry/json-schema.ts";

export type Dialect = "draft-04" | "draft-06" | "draft-07" | "2019-09" | "2020-12";

export interface SchemaDocument {
  readonly label: string;
  readonly root: JsonSchema;
  readonly dialect: Dialect;
  /** Absolute URI (no fragment) -> schema, for the root and every embedded `$id`. */
  readonly resources: ReadonlyMap<string, JsonSchema>;
  /** `uri#name` -> schema, for `$anchor` and draft-07 `"$id": "#name"`. */
  readonly anchors: ReadonlyMap<string, JsonSchema>;
  /** The base URI each object node was found under. */
  readonly bases: WeakMap<object, string>;
}

/** A schema node together with the document it lives in. */
export interface Located {
  readonly schema: JsonSchema;
  readonly doc: SchemaDocument;
}

const DEFAULT_BASE = "evreg:/schema.json";

export function dialectOf(root: JsonSchema, fallback: Dialect = "2020-12"): Dialect {
  const uri = typeof root === "object" && typeof root.$schema === "string" ? root.$schema : "";
  if (uri.includes("draft-04")) return "draft-04";
  if (uri.includes("draft-06")) return "draft-06";
  if (uri.includes("draft-07")) return "draft-07";
  if (uri.includes("2019-09")) return "2019-09";
  if (uri.includes("2020-12")) return "2020-12";
  return fallback;
}

function badSchema(label: string, message: string, fix: string, path?: string): CompatibilityError {
  const issue: Issue = { rule: "compat/bad-schema", severity: "error", file: label, message, fix };
  if (path !== undefined) issue.path = path;
  return new CompatibilityError(`${label} cannot be compared:`, [issue]);
}

export function isSchemaObject(value: unknown): value is JsonSchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function resolveUri(reference: string, base: string): string {
  try {
    return new URL(reference, base).href;
  } catch {
    return reference;
  }
}

function splitFragment(uri: string): [string, string | undefined] {
  const hash = uri.indexOf("#");
  return hash < 0 ? [uri, undefined] : [uri.slice(0, hash), decodedFragment(uri.slice(hash + 1))];
}

/** A fragment with its percent-escapes decoded; a `%` that starts none (`#/$defs/a%zz`) is read as it is. */
function decodedFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}

/** Keywords whose values are schemas, maps of schemas or arrays of schemas: where `$id` may appear. */
export const SCHEMA_KEYWORDS = new Set([
  "additionalItems",
  "additionalProperties",
  "contains",
  "else",
  "if",
  "items",
  "not",
  "propertyNames",
  "then",
  "unevaluatedItems",
  "unevaluatedProperties",
  "contentSchema",
]);
export const SCHEMA_MAP_KEYWORDS = new Set([
  "$defs",
  "definitions",
  "dependentSchemas",
  "patternProperties",
  "properties",
  "dependencies",
]);
export const SCHEMA_ARRAY_KEYWORDS = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);

/** Every keyword of JSON Schema draft-04 to 2020-12; any other key of a schema is an annotation. */
export const JSON_SCHEMA_KEYWORDS = new Set([
  ...SCHEMA_KEYWORDS,
  ...SCHEMA_MAP_KEYWORDS,
  ...SCHEMA_ARRAY_KEYWORDS,
  ...["$schema", "$id", "id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"],
  ...["$vocabulary", "$comment", "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum"],
  ...["exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains"],
  ...["minContains", "maxProperties", "minProperties", "required", "dependentRequired", "format", "contentEncoding"],
  ...["contentMediaType", "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples"],
]);

/**
 * How deep a document may nest, counting objects and arrays: far past any schema written by hand or
 * by zod, and well inside the stack the diff's recursion needs (it ran out between 1,300 and 2,500).
 */
export const MAX_DEPTH = 500;

/** Whether `value` nests objects and arrays more than `limit` deep; read without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [node: unknown, depth: number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/**
 * Reads a schema document; throws a CompatibilityError when `root` is not an object or a boolean,
 * or nests deeper than MAX_DEPTH.
 */
export function loadSchemaDocument(root: unknown, label: string, fallback: Dialect = "2020-12"): SchemaDocument {
  if (typeof root !== "boolean" && !isSchemaObject(root)) {
    throw badSchema(
      label,
      `a JSON Schema is an object or a boolean, not ${Array.isArray(root) ? "an array" : root === null ? "null" : typeof root}`,
      'pass a JSON Schema document such as { "type": "object", "properties": { ... } }',
    );
  }
  if (nestsDeeperThan(root, MAX_DEPTH)) {
    throw badSchema(
      label,
      `the document nests objects and arrays more than ${MAX_DEPTH} levels deep`,
      "check that it was not generated by mistake; share repeated parts through $defs and $ref",
    );
  }
  const dialect = dialectOf(root, fallback);
  const resources = new Map<string, JsonSchema>();
  const anchors = new Map<string, JsonSchema>();
  const bases = new WeakMap<object, string>();
  const visit = (node: unknown, base: string): void => {
    if (!isSchemaObject(node)) return;
    let here = base;
    if (typeof node.$id === "string") {
      const [uri, fragment] = splitFragment(resolveUri(node.$id, base));
      if (fragment) anchors.set(`${uri || base}#${fragment}`, node);
      else {
        here = uri;
        resources.set(uri, node);
      }
    }
    if (typeof node.id === "string" && dialect === "draft-04" && !node.id.startsWith("#")) {
      here = splitFragment(resolveUri(node.id, base))[0];
      resources.set(here, node);
    }
    if (typeof node.$anchor === "string") anchors.set(`${here}#${node.$anchor}`, node);
    bases.set(node, here);
    for (const [key, value] of Object.entries(node)) {
      if (SCHEMA_KEYWORDS.has(key)) visit(value, here);
      if (SCHEMA_MAP_KEYWORDS.has(key) && isSchemaObject(value)) {
        for (const child of Object.values(value)) visit(child, here);
      }
      if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
        for (const child of value) visit(child, here);
      }
      if (
        key !== "enum" &&
        key !== "const" &&
        key !== "default" &&
        key !== "examples" &&
        !SCHEMA_KEYWORDS.has(key) &&
        !SCHEMA_MAP_KEYWORDS.has(key) &&
        !SCHEMA_ARRAY_KEYWORDS.has(key) &&
        isSchemaObject(value)
      ) {
        // Unknown keywords may hold $ref targets (e.g. "#/components/x"); index them for pointers only.
        bases.set(value, here);
      }
    }
  };
  const rootBase =
    isSchemaObject(root) && typeof root.$id === "string"
      ? splitFragment(resolveUri(root.$id, DEFAULT_BASE))[0]
      : DEFAULT_BASE;
  resources.set(DEFAULT_BASE, root);
  resources.set(rootBase, root);
  visit(root, rootBase);
  return { label, root, dialect, resources, anchors, bases };
}

function walkPointer(schema: JsonSchema, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return schema;
  let node: unknown = schema;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const key = pointerKey(raw);
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isSchemaObject(node) && Object.hasOwn(node, key)) node = node[key];
    else return undefined;
  }
  return node;
}

function resolveReference(located: Located, reference: string, path: string): JsonSchema {
  const { doc } = located;
  const base = isSchemaObject(located.schema) ? (doc.bases.get(located.schema) ?? DEFAULT_BASE) : DEFAULT_BASE;
  const [uri, fragment] = splitFragment(resolveUri(reference, base));
  const resource = doc.resources.get(uri || base);
  let target: unknown;
  if (resource !== undefined) {
    if (fragment === undefined || fragment === "") target = resource;
    else if (fragment.startsWith("/")) target = walkPointer(resource, fragment);
    else target = doc.anchors.get(`${uri || base}#${fragment}`);
  }
  if (typeof target !== "boolean" && !isSchemaObject(target)) {
    throw badSchema(
      doc.label,
      `$ref "${reference}" does not resolve to a schema in this document`,
      "point $ref at a schema inside the same file (e.g. #/$defs/Name); remote references are not fetched",
      path,
    );
  }
  if (isSchemaObject(target) && !doc.bases.has(target)) doc.bases.set(target, uri || base);
  return target;
}

/** Keywords that annotate a schema without constraining what it accepts. */
export const ANNOTATION_KEYWORDS = new Set([
  "$schema",
  "$id",
  "id",
  "$anchor",
  "$comment",
  "$defs",
  "definitions",
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$dynamicAnchor",
  "$vocabulary",
]);

/**
 * Follows `$ref` until a schema without one. Draft-07 and older ignore a `$ref`'s siblings;
 * 2019-09 and later apply them too, which becomes `allOf: [target, siblings]`.
 */
export function deref(located: Located, path: string): Located {
  const seen = new Set<unknown>();
  let current = located;
  for (;;) {
    const { schema, doc } = current;
    if (!isSchemaObject(schema) || typeof schema.$ref !== "string") return current;
    if (seen.has(schema)) {
      throw badSchema(
        doc.label,
        `$ref "${schema.$ref}" loops back to itself without a schema in between`,
        "make the reference point at a schema that describes data",
        path,
      );
    }
    seen.add(schema);
    const target = resolveReference(current, schema.$ref, path);
    const { $ref: _ref, ...siblings } = schema;
    const constraining = Object.keys(siblings).filter((key) => !ANNOTATION_KEYWORDS.has(key));
    const legacy = doc.dialect === "draft-04" || doc.dialect === "draft-06" || doc.dialect === "draft-07";
    if (legacy || constraining.length === 0) {
      current = { schema: target, doc };
      continue;
    }
    const combined: JsonSchemaObject = {
      ...siblings,
      allOf: [...((siblings.allOf as JsonSchema[] | undefined) ?? []), target],
    };
    doc.bases.set(combined, doc.bases.get(schema) ?? DEFAULT_BASE);
    return { schema: combined, doc };
  }
}
