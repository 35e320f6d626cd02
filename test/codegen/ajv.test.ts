import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { compiledSchemaOf, createValidatorAjv } from "../../src/codegen/ajv.ts";
import { validatorsCode } from "../../src/codegen/validator-module.ts";
import type { JsonSchemaObject } from "../../src/registry/json-schema.ts";
import { tempDir } from "../support/temp.ts";

/** ajv as it comes, with the options of createValidatorAjv that change what `required` checks. */
function ajvAsItComes() {
  return new Ajv2020({
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    validateSchema: false,
    logger: false,
  });
}

const names = fc.uniqueArray(fc.constantFrom("a", "b", "plan", "c d", "'q'", '"dq"', "0", "toString", "é", "\u2028"), {
  minLength: 1,
  maxLength: 6,
});

describe("createValidatorAjv's required check", () => {
  test("reports what ajv's own reports, first missing property and order of checks included", () => {
    const ours = createValidatorAjv();
    const theirs = ajvAsItComes();
    fc.assert(
      fc.property(
        names,
        fc.dictionary(
          fc.constantFrom("a", "b", "plan", "c d", "'q'", "toString", "é"),
          fc.constantFrom(1, "x", undefined),
        ),
        fc.boolean(),
        (required, data, typed) => {
          // `typed`: a property of the wrong type beside a missing one, to see which error comes first
          const schema = { type: "object", required, ...(typed ? { properties: { a: { type: "string" } } } : {}) };
          const mine = ours.compile(schema);
          const plain = theirs.compile(schema);
          expect(mine(data)).toBe(plain(data));
          expect(mine.errors).toEqual(plain.errors);
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });

  test("is one chain of conditionals from two properties on, and ajv's own below", () => {
    const ajv = createValidatorAjv({ source: true });
    const two = ajv.compile({ type: "object", required: ["a", "c d"] }).source?.validateCode ?? "";
    expect(two).toContain('(missing0 = data.a === undefined ? "a" : data["c d"] === undefined ? "c d" : undefined)');
    const one = ajv.compile({ type: "object", required: ["a"] }).source?.validateCode ?? "";
    expect(one).toContain('(data.a === undefined) && (missing0 = "a")');
  });
});

describe("createValidatorAjv compiles what zod writes, with zod's verdicts", () => {
  test.each<[string, z.ZodType, unknown[]]>([
    // zod writes a tuple with a rest element or optional ones as `prefixItems` + `minItems` (+ `items`
    // or `maxItems`): ajv's strictTuples refused to compile it, and generate failed
    ["a tuple with a rest element", z.tuple([z.string()], z.number()), [["a"], ["a", 1, 2], [], ["a", "b"], [1]]],
    [
      "a tuple with an optional element",
      z.tuple([z.string(), z.number().optional()]),
      [["a"], ["a", 1], [], ["a", 1, 2], ["a", "b"]],
    ],
    ["a fixed-length tuple", z.tuple([z.string(), z.number()]), [["a", 1], ["a"], ["a", 1, 2]]],
    // zod writes several patterns as allOf parts and names the format of its last check (`ends_with`,
    // `includes`), which ajv's strict mode refused as an unknown format: generate failed
    ["startsWith and endsWith", z.string().startsWith("SKU-").endsWith("-X"), ["SKU-1-X", "SKU-1", "1-X", "SKU-X"]],
    ["two includes", z.string().includes("a").includes("b"), ["ab", "ba", "a", "b", ""]],
    ["an email ending in a domain", z.email().endsWith("@x.io"), ["jo@x.io", "jo@y.io", "x.io", "@x.io"]],
    ["a domain, then an email", z.string().endsWith("@x.io").email(), ["jo@x.io", "jo@y.io", "@x.io"]],
    ["lowercase and a prefix", z.string().lowercase().startsWith("id_"), ["id_a", "id_A", "ID_a", "xid_a"]],
  ])("%s", (_title, schema, values) => {
    const validate = createValidatorAjv().compile(
      compiledSchemaOf(z.toJSONSchema(schema, { io: "input" }) as JsonSchemaObject),
    );
    for (const value of values) expect(validate(value), JSON.stringify(value)).toBe(schema.safeParse(value).success);
  });
});

describe("createValidatorAjv counts, divides and parses URLs as zod does", () => {
  // zod 4.6 counts a string's length in code points, and `.multipleOf` with a tolerance for the
  // rounding of decimal steps; ajv counted UTF-16 units (unicode: false) and refused 19.99 for 0.01
  test.each<[string, z.ZodType, unknown[]]>([
    ["max length", z.string().max(2), ["😀😀", "😀😀😀", "ab", "abc", "\ud83d\ud83d", "a\ude00"]],
    ["min length", z.string().min(3), ["😀😀", "😀😀😀", "abc", "ab", "a😀", "\ud83d\ud83d\ud83d"]],
    ["exact length", z.string().length(2), ["😀😀", "😀", "ab", "a😀", "😀😀😀"]],
    ["a multiple of 0.01", z.number().multipleOf(0.01), [19.99, 0.07, 4.35, 100.1, 0.001, 1.005, 2.03, 1e-9]],
    ["a multiple of 0.1", z.number().multipleOf(0.1), [0.3, 0.7, 1.1, 0.35, 123.4, 0.30000000000000004]],
    ["a multiple of 7", z.number().multipleOf(7), [14, 15, -21, 0, 7.000000000000001]],
    ["a multiple of 0.07", z.number().multipleOf(0.07), [2.03, 0.21, 0.2]],
    // zod parses the trimmed string with the WHATWG URL parser; ajv-formats' RFC 3986 regex disagreed
    [
      "a URL",
      z.url(),
      [
        "https://example.com",
        " https://example.com ",
        "https://例え.jp/",
        "https://example.com/ä",
        "http://",
        "http://1.2.3.4:99999/",
        "foo:bar",
        "example.com",
        "http://exa mple.com",
        "",
      ],
    ],
  ])("%s, compiled at run time and precompiled", async (_title, schema, values) => {
    const json = z.toJSONSchema(schema, { io: "input" }) as JsonSchemaObject;
    const file = path.join(await tempDir("ajv-zod"), "validators.mjs");
    await writeFile(file, validatorsCode([["check", json]]));
    const precompiled = ((await import(pathToFileURL(file).href)) as { check: (value: unknown) => boolean }).check;
    const validate = createValidatorAjv().compile(compiledSchemaOf(json));
    for (const value of values) {
      const zod = schema.safeParse(value).success;
      expect(validate(value), JSON.stringify(value)).toBe(zod);
      expect(precompiled(value), `${JSON.stringify(value)} (precompiled)`).toBe(zod);
    }
  });
});

describe("createValidatorAjv and zod's IPv6 addresses", () => {
  // zod 4.6 checks IPv6 with the WHATWG URL parser, which takes an embedded IPv4 address that zod's
  // own regex (the pattern it writes) refuses: the validators check ajv-formats' RFC 4291 regex
  const hextet = fc.oneof(
    fc.constantFrom("0", "ffff", "FFFF", "00000", "0db8", "12345", "g", ""),
    fc.stringMatching(/^[0-9a-fA-F]{1,4}$/),
  );
  const ipv4 = fc.oneof(
    fc.constantFrom("192.0.2.1", "01.2.3.4", "1.2.3"),
    fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((parts) => parts.join(".")),
  );
  const address = fc
    .tuple(
      fc.array(hextet, { maxLength: 9 }),
      fc.nat(9),
      fc.boolean(),
      ipv4,
      fc.constantFrom("", "%eth0", " ", "::", ":"),
    )
    .map(([parts, at, embedded, tail, junk]) => {
      const groups = [...parts];
      if (at % 2 === 0 && at <= groups.length) groups.splice(at, 0, ""); // a "::"
      const text = groups.join(":");
      return `${text}${embedded ? `${text.endsWith(":") ? "" : ":"}${tail}` : ""}${junk}`;
    });
  const prefix = fc.oneof(fc.constantFrom("", "00", "128", "129", "-0", "+1", "01", "1/2"), fc.nat(200).map(String));
  test.each<[string, z.ZodType, string, fc.Arbitrary<string>]>([
    ["z.ipv6()", z.ipv6(), "::ffff:192.0.2.1", address],
    ["z.cidrv6()", z.cidrv6(), "::ffff:192.0.2.1/96", fc.tuple(address, prefix).map(([ip, bits]) => `${ip}/${bits}`)],
  ])("%s gives zod's verdicts", (_title, schema, embedded, values) => {
    const validate = createValidatorAjv().compile(
      compiledSchemaOf(z.toJSONSchema(schema, { io: "input" }) as JsonSchemaObject),
    );
    expect(validate(embedded)).toBe(true);
    fc.assert(
      fc.property(values, (value) => {
        expect(validate(value), value).toBe(schema.safeParse(value).success);
      }),
      { numRuns: 3000 },
    );
  });
});

test("a precompiled module with every function-backed check loads as plain ES module", async () => {
  // ajv-formats' uri made the module `require` ajv-formats, which an ES module cannot
  const schema = z.object({ link: z.url(), name: z.string().min(2), price: z.number().multipleOf(0.01) });
  const dir = await tempDir("ajv-esm");
  await writeFile(
    path.join(dir, "validators.mjs"),
    validatorsCode([["check", z.toJSONSchema(schema, { io: "input" }) as JsonSchemaObject]]),
  );
  const script = path.join(dir, "main.mjs");
  await writeFile(
    script,
    'import { check } from "./validators.mjs";\nconsole.log(JSON.stringify([check({ link: "https://x.io", name: "😀😀", price: 19.99 }), check({ link: "http://", name: "ab", price: 1 })]));\n',
  );
  const { stdout } = await promisify(execFile)(process.execPath, [script]);
  expect(JSON.parse(stdout)).toEqual([true, false]);
});

describe("createValidatorAjv on random zod schemas", () => {
  // Schemas built from the checks whose semantics zod and ajv define apart (lengths, multipleOf,
  // URLs, several patterns, records over listed keys, defaults, closed and open objects), and
  // values near and far from valid: the compiled validator must give zod's verdict on each.
  interface Case {
    schema: z.ZodType;
    value: fc.Arbitrary<unknown>;
  }
  const text = fc.string({ unit: fc.constantFrom(..."aZ09-_ .@:/😀é"), maxLength: 8 });
  const anything = fc.oneof(
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(19.99, 0.07, 0.3, 2 ** 53, -0),
  );
  const either = (...values: fc.Arbitrary<unknown>[]) => fc.oneof(...values, anything);
  const leaf: fc.Arbitrary<Case> = fc.oneof(
    fc.tuple(fc.nat(4), fc.nat(4)).map(([min, span]) => ({
      schema: z
        .string()
        .min(min)
        .max(min + span),
      value: anything,
    })),
    fc.nat(3).map((length) => ({ schema: z.string().length(length), value: anything })),
    fc.constantFrom("a", "-", "😀").map((prefix) => ({
      schema: z.string().startsWith(prefix).endsWith("z"),
      value: either(text.map((middle) => `${prefix}${middle}z`)),
    })),
    fc.constantFrom(0.01, 0.1, 0.25, 3, 0.07).map((step) => ({
      schema: z.number().multipleOf(step),
      value: either(fc.integer({ min: -500, max: 500 }).map((times) => Math.round(times * step * 100) / 100)),
    })),
    fc.tuple(fc.integer({ min: -5, max: 5 }), fc.nat(10)).map(([low, span]) => ({
      schema: z
        .int()
        .gte(low)
        .lt(low + span),
      value: anything,
    })),
    fc.constant({ schema: z.enum(["a", "b"]), value: either(fc.constantFrom("a", "b", "c")) }),
    fc.constant({
      schema: z.url(),
      value: either(fc.constantFrom("https://a.io", " http://x ", "http://", "a:b", "例え")),
    }),
    fc.constant({
      schema: z.iso.datetime(),
      value: either(fc.constantFrom("2024-01-01T00:00:00Z", "2024-02-30T00:00:00Z")),
    }),
    fc.constant({
      schema: z.templateLiteral(["id-", z.int()]),
      value: either(
        fc.integer().map((n) => `id-${n}`),
        fc.constant("id-1.5"),
      ),
    }),
    fc.constant({ schema: z.null(), value: anything }),
  );
  const node = fc.letrec<{ node: Case }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.tuple(tie("node"), fc.nat(2)).map(([item, min]) => ({
        schema: z
          .array(item.schema)
          .min(min)
          .max(min + 2),
        value: fc.array(item.value, { maxLength: 4 }),
      })),
      fc
        .tuple(tie("node"), tie("node"))
        .map(([a, b]) => ({ schema: z.union([a.schema, b.schema]), value: fc.oneof(a.value, b.value) })),
      fc
        .tuple(tie("node"), tie("node"), fc.boolean(), fc.constantFrom("strict", "loose", "plain"))
        .map(([a, b, optional, mode]) => {
          const shape = { a: optional ? a.schema.optional() : a.schema, b: b.schema.nullable().default(null) };
          const schema =
            mode === "strict" ? z.strictObject(shape) : mode === "loose" ? z.looseObject(shape) : z.object(shape);
          return { schema, value: fc.record({ a: a.value, b: b.value, c: anything }, { requiredKeys: [] }) };
        }),
      fc.tuple(tie("node"), fc.boolean()).map(([item, partial]) => ({
        schema: (partial ? z.partialRecord : z.record)(z.enum(["x", "y"]), item.schema),
        value: fc.dictionary(fc.constantFrom("x", "y", "z"), item.value, { maxKeys: 3 }),
      })),
      tie("node").map((item) => ({
        schema: z.record(z.string().min(2), item.schema),
        value: fc.dictionary(fc.constantFrom("x", "yy", "😀"), item.value, { maxKeys: 3 }),
      })),
    ),
  })).node;

  test("give zod's verdicts", () => {
    const ajv = createValidatorAjv();
    fc.assert(
      fc.property(
        node.chain((each) => fc.tuple(fc.constant(each.schema), fc.array(each.value, { minLength: 5, maxLength: 5 }))),
        ([schema, values]) => {
          const json = z.toJSONSchema(schema, { io: "input" }) as JsonSchemaObject;
          const validate = ajv.compile(compiledSchemaOf(json));
          for (const value of values) {
            expect(validate(value), `${JSON.stringify(json)} on ${JSON.stringify(value)}`).toBe(
              schema.safeParse(value).success,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
