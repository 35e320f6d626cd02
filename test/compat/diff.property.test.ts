import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createValidatorAjv } from "../../src/codegen/ajv.ts";
import { diffSchemas } from "../../src/compat/diff.ts";
import { checkCompatibility } from "../../src/compat/verdict.ts";

type Schema = Record<string, unknown>;
const KEYS = ["a", "b", "c"] as const;

// Bounds or an enum, never both, so every generated schema accepts some value.
const stringSchema = fc.oneof(
  fc.record(
    {
      type: fc.constant("string"),
      minLength: fc.integer({ min: 0, max: 4 }),
      maxLength: fc.integer({ min: 4, max: 10 }),
    },
    { requiredKeys: ["type"] },
  ),
  fc.record({
    type: fc.constant("string"),
    enum: fc.uniqueArray(fc.constantFrom("x", "yy", "zzzz", "wwwww"), { minLength: 1 }),
  }),
);
const numberSchema = fc.record(
  {
    type: fc.constantFrom("number", "integer"),
    minimum: fc.integer({ min: -5, max: 5 }),
    maximum: fc.integer({ min: 5, max: 15 }),
  },
  { requiredKeys: ["type"] },
);
const leafSchema: fc.Arbitrary<Schema> = fc.oneof(
  stringSchema,
  numberSchema,
  fc.constant({ type: "boolean" }),
  fc.constant({ type: ["string", "null"] }),
);
const objectSchema: fc.Arbitrary<Schema> = fc
  .record({
    properties: fc.dictionary(fc.constantFrom(...KEYS), leafSchema, { maxKeys: 3 }),
    required: fc.subarray([...KEYS]),
    closed: fc.boolean(),
  })
  .map(({ properties, required, closed }) => ({
    type: "object",
    properties,
    required: required.filter((key) => key in properties),
    ...(closed ? { additionalProperties: false } : {}),
  }));
const schemaArb = fc.oneof(
  leafSchema,
  objectSchema,
  leafSchema.map((items) => ({ type: "array", items, maxItems: 3 })),
);

/** Edits that only let more data in (BACKWARD-safe under strict set semantics). */
function relax(schema: Schema, pick: number): Schema {
  const copy = structuredClone(schema);
  const keys = Object.keys(copy).filter((key) =>
    ["minLength", "maxLength", "enum", "minimum", "maximum", "required", "additionalProperties", "maxItems"].includes(
      key,
    ),
  );
  const key = keys[pick % Math.max(keys.length, 1)];
  if (key === "required") copy.required = [];
  else if (key) delete copy[key];
  else if (typeof copy.type === "string") copy.type = [copy.type, "null"];
  return copy;
}

/** Edits that reject some data the old schema accepted. */
function tighten(schema: Schema): Schema | undefined {
  if (Array.isArray(schema.enum)) return { ...schema, enum: schema.enum.length > 1 ? schema.enum.slice(1) : ["other"] };
  if (schema.type === "string") return { ...schema, maxLength: ((schema.maxLength as number | undefined) ?? 10) - 1 };
  if (schema.type === "object") {
    const properties = { ...(schema.properties as Schema), d: { type: "string" } };
    return { ...schema, properties, required: [...(schema.required as string[]), "d"] };
  }
  return undefined;
}

const valueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    fc.constantFrom("x", "yy", "zzzz", "wwwww", "", "abcdefghijk", null, true, false, 0, -5, 5, 7.5, 15, 20),
    fc.dictionary(fc.constantFrom("a", "b", "c", "d"), tie("leaf"), { maxKeys: 4 }),
    fc.array(tie("leaf"), { maxLength: 4 }),
  ),
  leaf: fc.constantFrom("x", "yy", "zzzz", "wwwww", "", "abcdefghijk", null, true, 0, 3, 5, 7.5, 15),
})).value;

const ajv = createValidatorAjv();
const validatorOf = (schema: Schema) => ajv.compile(JSON.parse(JSON.stringify(schema)));

describe("diff properties", () => {
  it("a schema diffed with a copy of itself has no incompatible change", () => {
    fc.assert(
      fc.property(schemaArb, (schema) => {
        const changes = diffSchemas(schema, structuredClone(schema));
        expect(changes.filter((change) => !change.backward || !change.forward)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("relaxing edits are BACKWARD compatible and tightening edits are not", () => {
    fc.assert(
      fc.property(schemaArb, fc.nat(), (schema, pick) => {
        expect(checkCompatibility(relax(schema, pick), [schema], "BACKWARD").compatible).toBe(true);
        const tighter = tighten(schema);
        if (tighter) expect(checkCompatibility(tighter, [schema], "BACKWARD").compatible).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with ajv: when BACKWARD holds, every sampled value valid under old is valid under new", () => {
    fc.assert(
      fc.property(
        schemaArb.chain((old) =>
          fc.tuple(
            fc.constant(old),
            fc.oneof(
              schemaArb,
              fc.nat().map((pick) => relax(old, pick)),
            ),
          ),
        ),
        fc.array(valueArb, { minLength: 10, maxLength: 30 }),
        ([old, next], values) => {
          const verdict = checkCompatibility(next, [old], "BACKWARD").compatible;
          if (!verdict) return;
          const oldValid = validatorOf(old);
          const newValid = validatorOf(next);
          for (const value of values)
            if (oldValid(value)) expect(newValid(value), JSON.stringify({ old, next, value })).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
