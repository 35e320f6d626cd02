/**
 * Canonical JSON: object keys sorted, no whitespace. Two values are equal as JSON exactly when their
 * canonical forms are equal; the lockfile hashes this form.
 */
import { createHash } from "node:crypto";
import { isSchemaObject } from "./document.ts";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isSchemaObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // a string's or a boolean's JSON equals only its own (enum values are compared here most)
  if (typeof a === "string" || typeof b === "string" || typeof a === "boolean" || typeof b === "boolean") return false;
  return canonicalJson(a) === canonicalJson(b);
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
