/**
 * Canonical JSON: object keys sorted, no whitespace. Two values are equal as JSON exactly when their
 * canonical forms are equal; the lockfile hashes this form.
 */
import { createHash } from "node:crypto";
import { isSchemaObject } from "./document.ts";

export function canonicalJson(value: unknown): string {
  // JSON.stringify is native: schemas read from the lockfile, written with sorted keys, take it
  return stringifiesCanonically(value) ? JSON.stringify(value) : sortedJson(value);
}

function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (isSchemaObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Whether `JSON.stringify(value)` is its canonical JSON: plain JSON only, every object's keys in order. */
function stringifiesCanonically(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (item === undefined || !stringifiesCanonically(item)) return false;
    return true;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  let previous: string | undefined;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if ((previous !== undefined && !(previous < key)) || child === undefined || !stringifiesCanonically(child))
      return false;
    previous = key;
  }
  return true;
}

/**
 * The same JSON value, keys in any order: a sufficient test of `jsonEqual` that builds no strings.
 * With `refused`, a key of it anywhere in `a` answers false (the diff refuses references).
 */
export function sameJson(a: unknown, b: unknown, refused?: ReadonlySet<string>): boolean {
  if (typeof a !== "object" || a === null) return a === b;
  if (a === b && refused === undefined) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index++) if (!sameJson(a[index], b[index], refused)) return false;
    return true;
  }
  if (!isSchemaObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (refused?.has(key) || !Object.hasOwn(b, key)) return false;
    if (!sameJson((a as Record<string, unknown>)[key], b[key], refused)) return false;
  }
  return true;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // a string's or a boolean's JSON equals only its own (enum values are compared here most)
  if (typeof a === "string" || typeof b === "string" || typeof a === "boolean" || typeof b === "boolean") return false;
  return sameJson(a, b) || canonicalJson(a) === canonicalJson(b);
}

/** sha256 (hex) of a value's canonical JSON. */
export function sha256OfJson(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

/** Pretty JSON with sorted keys and a final newline: deterministic file content. */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isSchemaObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}
