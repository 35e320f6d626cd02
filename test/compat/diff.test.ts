import { describe, expect, it } from "vitest";
import { canonicalJson, jsonEqual } from "../../src/compat/canonical.ts";
import { diffSchemas } from "../../src/compat/diff.ts";
import { MAX_DEPTH } from "../../src/compat/document.ts";
import { checkCompatibility } from "../../src/compat/verdict.ts";
import { CompatibilityError } from "../../src/errors.ts";

type Case = [
  title: string,
  {
    old: unknown;
    new: unknown;
    kinds: string[];
    backward: boolean;
    forward: boolean;
    options?: Parameters<typeof diffSchemas>[2];
  },
];

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  ...extra,
});

const cases: Case[] = [
  ["identical schemas", { old: { type: "string" }, new: { type: "string" }, kinds: [], backward: true, forward: true }],
  [
    "type widened",
    {
      old: { type: "string" },
      new: { type: ["string", "null"] },
      kinds: ["TYPE_EXTENDED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "type narrowed",
    {
      old: { type: ["string", "null"] },
      new: { type: "string" },
      kinds: ["TYPE_NARROWED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "type changed",
    { old: { type: "string" }, new: { type: "number" }, kinds: ["TYPE_CHANGED"], backward: false, forward: false },
  ],
  [
    "integer to number",
    { old: { type: "integer" }, new: { type: "number" }, kinds: ["TYPE_EXTENDED"], backward: true, forward: false },
  ],
  [
    "maxLength decreased",
    {
      old: { type: "string", maxLength: 10 },
      new: { type: "string", maxLength: 5 },
      kinds: ["MAX_LENGTH_DECREASED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "maxLength increased",
    {
      old: { type: "string", maxLength: 5 },
      new: { type: "string", maxLength: 10 },
      kinds: ["MAX_LENGTH_INCREASED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "minLength added",
    {
      old: { type: "string" },
      new: { type: "string", minLength: 1 },
      kinds: ["MIN_LENGTH_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "minLength removed",
    {
      old: { type: "string", minLength: 1 },
      new: { type: "string" },
      kinds: ["MIN_LENGTH_REMOVED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "pattern added",
    {
      old: { type: "string" },
      new: { type: "string", pattern: "^a" },
      kinds: ["PATTERN_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "pattern changed",
    {
      old: { type: "string", pattern: "^a" },
      new: { type: "string", pattern: "^b" },
      kinds: ["PATTERN_CHANGED"],
      backward: false,
      forward: false,
    },
  ],
  [
    "format added",
    {
      old: { type: "string" },
      new: { type: "string", format: "email" },
      kinds: ["FORMAT_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "format as annotation",
    {
      old: { type: "string", format: "email" },
      new: { type: "string", format: "uuid" },
      kinds: [],
      backward: true,
      forward: true,
      options: { formatAssertion: false },
    },
  ],
  [
    "maximum increased",
    {
      old: { type: "number", maximum: 5 },
      new: { type: "number", maximum: 9 },
      kinds: ["MAXIMUM_INCREASED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "minimum increased",
    {
      old: { type: "number", minimum: 0 },
      new: { type: "number", minimum: 1 },
      kinds: ["MINIMUM_INCREASED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "exclusive bound at the same value is tighter",
    {
      old: { type: "number", maximum: 10 },
      new: { type: "number", exclusiveMaximum: 10 },
      kinds: ["EXCLUSIVE_MAXIMUM_DECREASED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "draft-04 exclusiveMaximum dropped",
    {
      old: { $schema: "http://json-schema.org/draft-04/schema#", type: "number", maximum: 10, exclusiveMaximum: true },
      new: { $schema: "http://json-schema.org/draft-04/schema#", type: "number", maximum: 10 },
      kinds: ["MAXIMUM_INCREASED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "integer exclusiveMinimum equals minimum + 1",
    {
      old: { type: "integer", minimum: 5 },
      new: { type: "integer", exclusiveMinimum: 4 },
      kinds: [],
      backward: true,
      forward: true,
    },
  ],
  [
    "multipleOf reduced",
    {
      old: { type: "number", multipleOf: 4 },
      new: { type: "number", multipleOf: 2 },
      kinds: ["MULTIPLE_OF_REDUCED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "multipleOf expanded",
    {
      old: { type: "number", multipleOf: 2 },
      new: { type: "number", multipleOf: 4 },
      kinds: ["MULTIPLE_OF_EXPANDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "multipleOf changed",
    {
      old: { type: "number", multipleOf: 2 },
      new: { type: "number", multipleOf: 3 },
      kinds: ["MULTIPLE_OF_CHANGED"],
      backward: false,
      forward: false,
    },
  ],
  [
    "enum extended",
    {
      old: { enum: ["a", "b"] },
      new: { enum: ["a", "b", "c"] },
      kinds: ["ENUM_ARRAY_EXTENDED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "enum narrowed",
    { old: { enum: ["a", "b"] }, new: { enum: ["a"] }, kinds: ["ENUM_ARRAY_NARROWED"], backward: false, forward: true },
  ],
  [
    "enum changed",
    {
      old: { enum: ["a", "b"] },
      new: { enum: ["a", "c"] },
      kinds: ["ENUM_ARRAY_CHANGED"],
      backward: false,
      forward: false,
    },
  ],
  [
    "enum added to a string",
    {
      old: { type: "string" },
      new: { type: "string", enum: ["a"] },
      kinds: ["ENUM_ARRAY_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "const changed",
    { old: { const: 1 }, new: { const: 2 }, kinds: ["CONST_CHANGED"], backward: false, forward: false },
  ],
  [
    "const inside the old type",
    { old: { type: "number" }, new: { const: 5 }, kinds: ["CONST_ADDED"], backward: false, forward: true },
  ],
  [
    "optional property added to an open object",
    {
      old: obj({ a: { type: "string" } }),
      new: obj({ a: { type: "string" }, b: { type: "string" } }),
      kinds: ["PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
      backward: false,
      forward: true,
    },
  ],
  [
    "optional property added to an open object, typed writers",
    {
      old: obj({ a: { type: "string" } }),
      new: obj({ a: { type: "string" }, b: { type: "string" } }),
      kinds: ["PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"],
      backward: true,
      forward: true,
      options: { undeclaredProperties: "declared-only" },
    },
  ],
  [
    "property with empty schema added to an open object",
    {
      old: obj({}),
      new: obj({ b: {} }),
      kinds: ["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"],
      backward: true,
      forward: true,
    },
  ],
  [
    "optional property added to a closed object",
    {
      old: obj({}, { additionalProperties: false }),
      new: obj({ b: { type: "string" } }, { additionalProperties: false }),
      kinds: ["PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"],
      backward: true,
      forward: false,
    },
  ],
  [
    "property added, covered by the partially open model",
    {
      old: obj({}, { additionalProperties: { type: "string" } }),
      new: obj({ b: { type: "string" } }, { additionalProperties: { type: "string" } }),
      kinds: ["PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL"],
      backward: true,
      forward: true,
    },
  ],
  [
    "property added, not covered by the partially open model",
    {
      old: obj({}, { additionalProperties: { type: "string" } }),
      new: obj({ b: { type: "number" } }, { additionalProperties: { type: "string" } }),
      kinds: ["PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL"],
      backward: false,
      forward: false,
    },
  ],
  [
    "property removed from an open object",
    {
      old: obj({ a: { type: "string" } }),
      new: obj({}),
      kinds: ["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"],
      backward: true,
      forward: false,
    },
  ],
  [
    "property removed from a closed object",
    {
      old: obj({ a: { type: "string" } }, { additionalProperties: false }),
      new: obj({}, { additionalProperties: false }),
      kinds: ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"],
      backward: false,
      forward: true,
    },
  ],
  [
    "forbidden property removed from a closed object",
    {
      old: obj({ a: false }, { additionalProperties: false }),
      new: obj({}, { additionalProperties: false }),
      kinds: ["PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"],
      backward: true,
      forward: true,
    },
  ],
  [
    "required property added",
    {
      old: obj({ a: { type: "string" } }),
      new: obj({ a: { type: "string" } }, { required: ["a"] }),
      kinds: ["REQUIRED_PROPERTY_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "required property with default added",
    {
      old: obj({ a: { type: "string" } }),
      new: obj({ a: { type: "string", default: "x" } }, { required: ["a"] }),
      kinds: ["DEFAULT_CHANGED", "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED"],
      backward: true,
      forward: true,
    },
  ],
  [
    "required property removed",
    {
      old: obj({ a: { type: "string" } }, { required: ["a"] }),
      new: obj({ a: { type: "string" } }),
      kinds: ["REQUIRED_PROPERTY_REMOVED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "additionalProperties false added",
    {
      old: obj({}),
      new: obj({}, { additionalProperties: false }),
      kinds: ["ADDITIONAL_PROPERTIES_REMOVED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "additionalProperties false dropped",
    {
      old: obj({}, { additionalProperties: false }),
      new: obj({}),
      kinds: ["ADDITIONAL_PROPERTIES_ADDED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "additionalProperties narrowed to a schema",
    {
      old: obj({}),
      new: obj({}, { additionalProperties: { type: "string" } }),
      kinds: ["ADDITIONAL_PROPERTIES_NARROWED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "unevaluatedProperties false added",
    {
      old: obj({}),
      new: obj({}, { unevaluatedProperties: false }),
      kinds: ["UNEVALUATED_PROPERTIES_REMOVED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "patternProperties added to an open object",
    {
      old: obj({}),
      new: obj({}, { patternProperties: { "^x": { type: "number" } } }),
      kinds: ["PATTERN_PROPERTY_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "propertyNames added",
    {
      old: obj({}),
      new: obj({}, { propertyNames: { maxLength: 3 } }),
      kinds: ["PROPERTY_NAMES_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "maxProperties decreased",
    {
      old: obj({}, { maxProperties: 5 }),
      new: obj({}, { maxProperties: 3 }),
      kinds: ["MAX_PROPERTIES_DECREASED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "dependentRequired added",
    {
      old: obj({}),
      new: obj({}, { dependentRequired: { a: ["b"] } }),
      kinds: ["DEPENDENCY_ARRAY_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "draft-07 dependencies array extended",
    {
      old: obj({}, { dependencies: { a: ["b"] } }),
      new: obj({}, { dependencies: { a: ["b", "c"] } }),
      kinds: ["DEPENDENCY_ARRAY_EXTENDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "array items narrowed",
    {
      old: { type: "array", items: { type: ["string", "null"] } },
      new: { type: "array", items: { type: "string" } },
      kinds: ["TYPE_NARROWED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "maxItems increased",
    {
      old: { type: "array", maxItems: 2 },
      new: { type: "array", maxItems: 4 },
      kinds: ["MAX_ITEMS_INCREASED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "uniqueItems added",
    {
      old: { type: "array" },
      new: { type: "array", uniqueItems: true },
      kinds: ["UNIQUE_ITEMS_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "contains added",
    {
      old: { type: "array" },
      new: { type: "array", contains: { type: "string" } },
      kinds: ["CONTAINS_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "tuple position added to a closed tuple",
    {
      old: { type: "array", prefixItems: [{ type: "string" }], items: false },
      new: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false },
      kinds: ["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"],
      backward: true,
      forward: false,
    },
  ],
  [
    "tuple position added to an open tuple",
    {
      old: { type: "array", prefixItems: [{ type: "string" }] },
      new: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] },
      kinds: ["ITEM_ADDED_TO_OPEN_CONTENT_MODEL"],
      backward: false,
      forward: true,
    },
  ],
  [
    "draft-07 tuple: additionalItems false added",
    {
      old: { $schema: "http://json-schema.org/draft-07/schema#", type: "array", items: [{ type: "string" }] },
      new: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "array",
        items: [{ type: "string" }],
        additionalItems: false,
      },
      kinds: ["ADDITIONAL_ITEMS_REMOVED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "anyOf gains a branch",
    {
      old: { anyOf: [{ type: "string" }, { type: "number" }] },
      new: { anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }] },
      kinds: ["SUM_TYPE_EXTENDED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "anyOf loses a branch",
    {
      old: { anyOf: [{ type: "string" }, { type: "number" }] },
      new: { anyOf: [{ type: "string" }] },
      kinds: ["TYPE_CHANGED", "SUM_TYPE_NARROWED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "oneOf to anyOf",
    {
      old: { oneOf: [{ type: "string" }, { type: "number" }] },
      new: { anyOf: [{ type: "string" }, { type: "number" }] },
      kinds: ["COMBINED_TYPE_EXTENDED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "anyOf to oneOf",
    {
      old: { anyOf: [{ type: "string" }, { type: "number" }] },
      new: { oneOf: [{ type: "string" }, { type: "number" }] },
      kinds: ["COMBINED_TYPE_CHANGED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "allOf gains a constraint",
    {
      old: { allOf: [{ type: "string" }] },
      new: { allOf: [{ type: "string" }, { minLength: 2 }] },
      kinds: ["MIN_LENGTH_ADDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    // zod writes `.startsWith(a).endsWith(b)` as allOf parts in call order
    "allOf parts in another order",
    {
      old: { type: "string", allOf: [{ pattern: "^a.*" }, { pattern: ".*z$" }] },
      new: { type: "string", allOf: [{ pattern: ".*z$" }, { pattern: "^a.*" }] },
      kinds: [],
      backward: true,
      forward: true,
    },
  ],
  [
    // raw zod output names the format after the last check; no validator asserts those names
    "zod's format name for a string's last check changes with the order of checks",
    {
      old: { type: "string", format: "ends_with", allOf: [{ pattern: "^a.*" }, { pattern: ".*z$" }] },
      new: { type: "string", format: "starts_with", allOf: [{ pattern: ".*z$" }, { pattern: "^a.*" }] },
      kinds: [],
      backward: true,
      forward: true,
    },
  ],
  [
    "not added on a disjoint type",
    {
      old: { type: "string" },
      new: { not: { type: "number" } },
      kinds: ["TYPE_EXTENDED", "NOT_TYPE_ADDED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "not widened excludes more",
    {
      old: { not: { type: "string", maxLength: 3 } },
      new: { not: { type: "string" } },
      kinds: ["NOT_TYPE_EXTENDED"],
      backward: false,
      forward: true,
    },
  ],
  [
    "boolean true to a type",
    { old: true, new: { type: "string" }, kinds: ["TYPE_NARROWED"], backward: false, forward: true },
  ],
  [
    "false to a schema",
    { old: false, new: { type: "string" }, kinds: ["FALSE_SCHEMA_WIDENED"], backward: true, forward: false },
  ],
  [
    "schema to false",
    { old: { type: "string" }, new: false, kinds: ["SCHEMA_NARROWED_TO_FALSE"], backward: false, forward: true },
  ],
  [
    "contradictions compare as false",
    { old: { type: "array", items: false, minItems: 1 }, new: false, kinds: [], backward: true, forward: true },
  ],
  [
    "an enum none of whose values has its type compares as false",
    { old: { type: "string", enum: [1, 2] }, new: false, kinds: [], backward: true, forward: true },
  ],
  [
    "an enum with one value of its type is not false",
    {
      old: { type: "string", enum: [1, "a"] },
      new: false,
      kinds: ["SCHEMA_NARROWED_TO_FALSE"],
      backward: false,
      forward: true,
    },
  ],
  [
    "integer bounds with no integer between them compare as false",
    { old: false, new: { type: "integer", minimum: 1.2, maximum: 1.8 }, kinds: [], backward: true, forward: true },
  ],
  [
    "a required property that accepts nothing makes its object false",
    {
      old: obj({ a: { type: "boolean", enum: ["yes"] } }, { required: ["a"] }),
      new: false,
      kinds: [],
      backward: true,
      forward: true,
    },
  ],
  [
    "$ref into $defs followed",
    {
      old: { $defs: { A: { type: "string" } }, $ref: "#/$defs/A" },
      new: { $defs: { A: { type: "number" } }, $ref: "#/$defs/A" },
      kinds: ["TYPE_CHANGED"],
      backward: false,
      forward: false,
    },
  ],
  [
    "the same text around a $ref whose target changed",
    {
      old: { $defs: { A: { type: "string" } }, properties: { a: obj({ b: { $ref: "#/$defs/A" } }) } },
      new: { $defs: { A: { type: "number" } }, properties: { a: obj({ b: { $ref: "#/$defs/A" } }) } },
      kinds: ["TYPE_CHANGED"],
      backward: false,
      forward: false,
    },
  ],
  [
    "draft-07 definitions followed",
    {
      old: { definitions: { A: { type: "string", maxLength: 3 } }, properties: { a: { $ref: "#/definitions/A" } } },
      new: { definitions: { A: { type: "string" } }, properties: { a: { $ref: "#/definitions/A" } } },
      kinds: ["MAX_LENGTH_REMOVED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "recursive schema with an optional field",
    {
      old: obj({ children: { type: "array", items: { $ref: "#" } } }, { additionalProperties: false }),
      new: obj(
        { children: { type: "array", items: { $ref: "#" } }, name: { type: "string" } },
        { additionalProperties: false },
      ),
      kinds: ["PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"],
      backward: true,
      forward: false,
    },
  ],
  [
    "if/then with the same condition, then relaxed",
    {
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test.
      old: { if: { required: ["a"] }, then: { required: ["b"] } },
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test.
      new: { if: { required: ["a"] }, then: {} },
      kinds: ["REQUIRED_PROPERTY_REMOVED"],
      backward: true,
      forward: false,
    },
  ],
  [
    "description change is compatible",
    {
      old: { type: "string", description: "x" },
      new: { type: "string", description: "y" },
      kinds: ["DESCRIPTION_CHANGED"],
      backward: true,
      forward: true,
    },
  ],
];

describe("diffSchemas change kinds", () => {
  it.each(cases)("%s", (_title, { old, new: next, kinds, backward, forward, options }) => {
    const changes = diffSchemas(old, next, options);
    expect(changes.map((change) => change.kind).sort()).toEqual([...kinds].sort());
    expect(changes.every((change) => change.backward)).toBe(backward);
    expect(changes.every((change) => change.forward)).toBe(forward);
    for (const change of changes) expect(change.path).toMatch(/^\//);
  });
});

describe("checkCompatibility modes", () => {
  const v1 = obj({ a: { type: "string" } });
  const v2 = obj({ a: { type: "string" }, b: { type: "string" } }, { additionalProperties: false });
  const v3 = obj({ a: { type: "string" } }, { additionalProperties: false });
  it.each([
    ["BACKWARD", [v1], v2, false],
    ["FORWARD", [v1], v2, true],
    ["FULL", [v1], v2, false],
    ["NONE", [v1], v2, true],
    ["BACKWARD", [v1, v2], v3, false],
    ["FORWARD", [v2], v3, true],
    ["FORWARD_TRANSITIVE", [v2, v2], v3, true],
    ["BACKWARD", [v2], v3, false],
    ["BACKWARD_TRANSITIVE", [v3, v3], v3, true],
  ] as const)("%s against %# earlier versions", (mode, previous, next, compatible) => {
    expect(checkCompatibility(next, previous, mode).compatible).toBe(compatible);
  });

  it("checks every earlier version only when transitive", () => {
    const wide = { type: "string" };
    const narrow = { type: "string", maxLength: 3 };
    expect(checkCompatibility(narrow, [wide, narrow], "BACKWARD").compatible).toBe(true);
    const transitive = checkCompatibility(narrow, [wide, narrow], "BACKWARD_TRANSITIVE");
    expect(transitive.compatible).toBe(false);
    expect(transitive.verdicts.map((verdict) => [verdict.against, verdict.compatible])).toEqual([
      [0, false],
      [1, true],
    ]);
  });
});

/** A schema nesting `depth` objects: each the `items` of the one around it. */
const nestedItems = (depth: number): unknown =>
  Array.from({ length: depth - 1 }).reduce<unknown>((inner) => ({ items: inner }), {});

describe("bad input", () => {
  it("resolves a $ref whose fragment holds a % that starts no escape, as written", () => {
    const schema = { $defs: { "a%zz": { type: "string" } }, $ref: "#/$defs/a%zz" };
    expect(diffSchemas(schema, { type: "string" })).toEqual([]);
  });

  it("compares a schema nested up to MAX_DEPTH levels", () => {
    expect(diffSchemas(nestedItems(MAX_DEPTH), { type: "string" })).not.toHaveLength(0);
  });

  it.each([
    ["a schema nested past MAX_DEPTH", nestedItems(MAX_DEPTH + 1), /nests objects and arrays more than 500 levels/],
    ["a schema nested far past it (the diff's recursion ran out of stack)", nestedItems(5_000), /more than 500 levels/],
    ["an array", [1], /object or a boolean/],
    ["null", null, /object or a boolean/],
    ["an unresolvable $ref", { $ref: "#/$defs/missing" }, /does not resolve/],
    ["a $ref loop", { $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" }, /loops back/],
  ])("rejects %s with a CompatibilityError", (_title, schema, message) => {
    expect(() => diffSchemas(schema, { type: "string" })).toThrow(CompatibilityError);
    expect(() => diffSchemas({ type: "string" }, schema)).toThrow(message);
  });
});

describe("jsonEqual: equal as JSON, what enum and const comparisons use", () => {
  it.each([
    ["the same string", "paid", "paid", true],
    ["two strings", "paid", "shipped", false],
    ["a string and the number it spells", "1", 1, false],
    ["a boolean and its name", true, "true", false],
    ["two booleans", true, false, false],
    ["a boolean and a number", true, 1, false],
    ["1 and 1.0", 1, 1.0, true],
    ["0 and -0 (both JSON 0)", 0, -0, true],
    ["null and null", null, null, true],
    ["null and a string", null, "null", false],
    ["objects with keys in another order", { a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 }, true],
    ["objects that differ deep down", { a: [1, { c: "x" }] }, { a: [1, { c: "y" }] }, false],
    ["an array and an object", [1], { 0: 1 }, false],
    ["an object with a key more", { a: 1 }, { a: 1, b: 2 }, false],
    ["the same keys, one value differs", { a: 1, b: 2 }, { b: 2, a: 3 }, false],
    ["an undefined field and a null one (both JSON null)", { a: undefined }, { a: null }, true],
  ])("%s", (_title, a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
    expect(jsonEqual(b, a)).toBe(equal);
  });
});

describe("canonicalJson: keys sorted at every depth, whatever order they were written in", () => {
  it.each([
    [
      "keys already in order (what the lockfile holds)",
      { a: 1, b: { c: [1, "x"], d: null } },
      '{"a":1,"b":{"c":[1,"x"],"d":null}}',
    ],
    ["keys out of order deep down", { b: [{ d: 1, c: 2 }], a: true }, '{"a":true,"b":[{"c":2,"d":1}]}'],
    ["integer-like keys, which objects list in numeric order", { 9: "a", 10: "b" }, '{"10":"b","9":"a"}'],
    ["an undefined field", { b: 1, a: undefined }, '{"a":null,"b":1}'],
    ["undefined in an array", [undefined, 1], "[null,1]"],
    ["-0 and a non-finite number", [-0, Number.NaN], "[0,null]"],
    ["an object without a prototype", Object.assign(Object.create(null), { b: 1, a: 2 }), '{"a":2,"b":1}'],
    [
      "an own __proto__ key (JSON.parse makes them)",
      JSON.parse('{"__proto__":{"y":1,"x":2}}'),
      '{"__proto__":{"x":2,"y":1}}',
    ],
  ])("%s", (_title, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });
});
