/**
 * The one ajv set-up shared by the precompiled validators and by anything that compiles at run
 * time, so both accept exactly what zod accepts:
 * - draft 2020-12 (`ajv/dist/2020`), the dialect `z.toJSONSchema` writes;
 * - `unicode: false`: minLength/maxLength count UTF-16 units as zod's `.length` does;
 * - where zod wrote both `format` and a `pattern` (uuid, email, date-time...), the pattern is zod's
 *   own check, so the format is dropped from the compiled copy: one regex per field instead of two,
 *   and no disagreement between ajv-formats and zod. Formats without a pattern use ajv-formats.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { JsonSchemaObject } from "../registry/json-schema.ts";

export type { ValidateFunction, ErrorObject } from "ajv";

export function createValidatorAjv(options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    unicode: false,
    logger: false,
    code: options.source ? { source: true, esm: true, lines: false } : {},
  } as ConstructorParameters<typeof Ajv2020>[0]);
  addFormats.default(ajv);
  return ajv;
}

/** The schema ajv compiles: the same as the published one minus formats that a pattern already checks. */
export function compiledSchemaOf(schema: JsonSchemaObject): JsonSchemaObject {
  return dropCoveredFormats(schema) as JsonSchemaObject;
}

function dropCoveredFormats(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropCoveredFormats);
  if (typeof node !== "object" || node === null) return node;
  const source = node as Record<string, unknown>;
  const covered = typeof source.pattern === "string" && typeof source.format === "string";
  return Object.fromEntries(
    Object.entries(source)
      .filter(([key]) => !(covered && key === "format"))
      .map(([key, value]) => [key, dropCoveredFormats(value)]),
  );
}
