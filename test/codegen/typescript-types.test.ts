import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { typeOf } from "../../src/codegen/typescript-types.ts";
import { type JsonSchema, toDataJsonSchema } from "../../src/registry/json-schema.ts";

const context = { refName: (ref: string) => `Ref<${JSON.stringify(ref)}>` };
/** A zod schema as `generate` converts it, or a JSON Schema zod would not write from one. */
const typeOfSchema = (schema: z.ZodType | JsonSchema) =>
  typeOf(schema instanceof z.ZodType ? (z.toJSONSchema(schema, { io: "input" }) as JsonSchema) : schema, context);

/** The kind of the outermost node TypeScript parses `type` into. */
function rootKind(type: string): string {
  const file = ts.createSourceFile("t.ts", `type T = ${type};`, ts.ScriptTarget.Latest);
  const alias = file.statements[0] as ts.TypeAliasDeclaration;
  expect((file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
  return ts.SyntaxKind[alias.type.kind] as string;
}

const withUnionMember = z.object({ plan: z.enum(["free", "pro"]) });

describe("typeOf: parentheses only where the top level would bind otherwise", () => {
  it.each<[string, z.ZodType | JsonSchema, string, string]>([
    ["array of a union", z.array(z.union([z.string(), z.number()])), "(string | number)[]", "ArrayType"],
    ["array of arrays of a union", z.array(z.array(z.enum(["a", "b"]))), '("a" | "b")[][]', "ArrayType"],
    ["array of an object holding a union", z.array(withUnionMember), '{ plan: "free" | "pro" }[]', "ArrayType"],
    [
      "array of an intersection zod cannot merge",
      z.array(z.intersection(z.object({ a: z.string() }), z.record(z.string(), z.string()))),
      "({ a: string } & { [key: string]: string })[]",
      "ArrayType",
    ],
    ["array of a string literal holding ' | '", z.array(z.literal("a | b")), '"a | b"[]', "ArrayType"],
    [
      "array of an object whose doc comment holds ' | ' and brackets",
      z.array(z.object({ id: z.string().describe("uuid | slug (see [docs]) => {x}") })),
      "{ /** uuid | slug (see [docs]) => {x} */ id: string }[]",
      "ArrayType",
    ],
    [
      "array of an object with a quoted key",
      z.array(z.object({ "a | b": z.string() })),
      '{ "a | b": string }[]',
      "ArrayType",
    ],
    [
      "intersection with a union part (zod distributes its own)",
      {
        allOf: [
          { type: "object", properties: { a: { type: "string" } } },
          { anyOf: [{ type: "string" }, { type: "null" }] },
        ],
      },
      "{ a?: string } & (string | null)",
      "IntersectionType",
    ],
    [
      "union of objects holding unions",
      z.union([withUnionMember, z.string()]),
      '{ plan: "free" | "pro" } | string',
      "UnionType",
    ],
  ])("%s", (_name, schema, expected, kind) => {
    const type = typeOfSchema(schema);
    expect(type).toBe(expected);
    expect(rootKind(type)).toBe(kind);
  });
});

describe("typeOf: records over listed keys have those keys, as zod's own types do", () => {
  // [name, schema, printed type, values the type must refuse (zod refuses them too)]
  it.each<[string, z.ZodType, string, unknown[]]>([
    [
      "enum keys, all required",
      z.record(z.enum(["a", "b-c"]), z.number()),
      '{ a: number; "b-c": number }',
      [{ a: 1 }, { a: 1, "b-c": 2, d: 3 }],
    ],
    ["partial record", z.partialRecord(z.enum(["a", "b"]), z.string()), "{ a?: string; b?: string }", [{ c: "x" }]],
    [
      "union of literal keys",
      z.record(z.union([z.literal("a"), z.literal("b")]), z.boolean()),
      "{ a: boolean; b: boolean }",
      [{ b: true }],
    ],
    ["one literal key", z.record(z.literal("x"), z.null()), "{ x: null }", [{}]],
    [
      "keys by pattern stay an index signature",
      z.record(z.string().regex(/^x/), z.number()),
      "{ [key: string]: number }",
      [],
    ],
  ])("%s", (_name, schema, expected, refused) => {
    const type = typeOfSchema(schema);
    expect(type).toBe(expected);
    for (const value of refused) expect(schema.safeParse(value).success).toBe(false);
    const declarations = refused.map(
      (value, index) => `export const refused${index}: ${type} = ${JSON.stringify(value)};`,
    );
    expect(typeErrors(declarations.join("\n"))).toHaveLength(refused.length);
  });
});

/** A zod schema and values it accepts, built side by side. */
interface Case {
  schema: z.ZodType;
  value: fc.Arbitrary<unknown>;
}

/** Text for names, literals and doc comments: quotes, backslashes, brackets, `|`, `&`, `=>`, `*\/`. */
const text = fc.string({ unit: fc.constantFrom(..."ab |&=>()[]{}<>\"'\\*/\n\u2028\u00e9"), maxLength: 8 });
const described = (schema: z.ZodType, description: string | null) =>
  description === null ? schema : schema.describe(description);

const cases = fc.letrec<{ node: Case; object: Case }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant({ schema: z.string(), value: fc.string() }),
    fc.constant({ schema: z.number(), value: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
    fc.constant({ schema: z.boolean(), value: fc.boolean() }),
    fc.constant({ schema: z.null(), value: fc.constant(null) }),
    text.map((each) => ({ schema: z.literal(each), value: fc.constant(each) })),
    fc
      .uniqueArray(text, { minLength: 1, maxLength: 4 })
      .map((values) => ({ schema: z.enum(values as [string, ...string[]]), value: fc.constantFrom(...values) })),
    tie("node").map((item) => ({ schema: z.array(item.schema), value: fc.array(item.value, { maxLength: 3 }) })),
    // tuples: optional elements at the end (each may be left out), perhaps a rest element
    fc
      .tuple(fc.array(tie("node"), { minLength: 1, maxLength: 3 }), fc.nat(2), fc.option(tie("node")))
      .map(([items, optional, rest]) => {
        const required = Math.max(0, items.length - optional);
        const schemas = items.map((item, index) => (index < required ? item.schema : item.schema.optional()));
        return {
          schema: rest
            ? z.tuple(schemas as [z.ZodType, ...z.ZodType[]], rest.schema)
            : z.tuple(schemas as [z.ZodType, ...z.ZodType[]]),
          value: fc
            .tuple(
              fc.tuple(...items.map((item) => item.value)),
              fc.nat(items.length - required),
              rest ? fc.array(rest.value, { maxLength: 2 }) : fc.constant([]),
            )
            // with a rest element every optional one is given; without, trailing optional ones may go
            .map(([values, dropped, more]) => (rest ? [...values, ...more] : values.slice(0, values.length - dropped))),
        };
      }),
    fc.tuple(tie("node"), tie("node")).map(([a, b]) => ({
      schema: z.union([a.schema, b.schema]),
      value: fc.oneof(a.value, b.value),
    })),
    tie("node").map((item) => ({ schema: item.schema.nullable(), value: fc.option(item.value, { nil: null }) })),
    tie("node").map((item) => ({
      schema: z.record(z.string(), item.schema),
      value: fc.dictionary(text, item.value, { maxKeys: 3 }),
    })),
    fc
      .tuple(fc.uniqueArray(text, { minLength: 1, maxLength: 3 }), tie("node"), fc.boolean())
      .map(([keys, item, partial]) => {
        const enumKeys = z.enum(keys as [string, ...string[]]);
        return {
          schema: partial ? z.partialRecord(enumKeys, item.schema) : z.record(enumKeys, item.schema),
          value: fc.record(Object.fromEntries(keys.map((key) => [key, item.value])), {
            requiredKeys: partial ? [] : keys,
          }),
        };
      }),
    tie("object"),
    // an intersection zod cannot merge into one object: it stays `allOf`
    fc
      .uniqueArray(text, { maxLength: 3 })
      .map((keys) => ({
        schema: z.intersection(
          z.object(Object.fromEntries(keys.map((name) => [name, z.string()]))),
          z.record(z.string(), z.string()),
        ),
        value: fc
          .tuple(fc.tuple(...keys.map(() => fc.string())), fc.dictionary(text, fc.string(), { maxKeys: 2 }))
          .map(([values, extra]) => ({ ...extra, ...Object.fromEntries(keys.map((name, at) => [name, values[at]])) })),
      })),
  ),
  object: fc
    .uniqueArray(fc.tuple(text, tie("node"), fc.boolean(), fc.option(text)), {
      selector: ([name]) => name,
      maxLength: 4,
    })
    .map((fields) => ({
      schema: z.object(
        Object.fromEntries(
          fields.map(([name, field, optional, description]) => [
            name,
            described(optional ? field.schema.optional() : field.schema, description),
          ]),
        ),
      ),
      value: fc.record(Object.fromEntries(fields.map(([name, field]) => [name, field.value])), {
        requiredKeys: fields.filter(([, , optional]) => !optional).map(([name]) => name),
      }),
    })),
})).node;

/** Library files read once: each property run compiles one small program. */
const libraries = new Map<string, ts.SourceFile | undefined>();
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  types: [],
  skipLibCheck: true,
};

/** TypeScript's errors for `source`, as `line: message`. */
function typeErrors(source: string): string[] {
  const host = ts.createCompilerHost(OPTIONS);
  const libraryFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, language) => {
    if (fileName === "/cases.ts") return ts.createSourceFile(fileName, source, language);
    if (!libraries.has(fileName)) libraries.set(fileName, libraryFile(fileName, language));
    return libraries.get(fileName);
  };
  const program = ts.createProgram(["/cases.ts"], OPTIONS, host);
  const file = program.getSourceFile("/cases.ts");
  const diagnostics = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
  return diagnostics.map((diagnostic) => {
    const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line ?? -1;
    return `${line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
  });
}

describe("typeOf agrees with zod", () => {
  it("types every value zod accepts, for random schemas (one program per run)", () => {
    const sampled = cases.chain((each) =>
      fc.tuple(fc.constant(each), fc.array(each.value, { minLength: 1, maxLength: 3 })),
    );
    fc.assert(
      fc.property(fc.array(sampled, { minLength: 20, maxLength: 20 }), (batch) => {
        const lines: string[] = [];
        batch.forEach(([{ schema }, values], index) => {
          lines.push(`type T${index} = ${typeOf(toDataJsonSchema(schema), context)};`);
          values.forEach((value, at) => {
            expect(schema.safeParse(value).success).toBe(true);
            lines.push(`export const v${index}_${at}: T${index} = ${JSON.stringify(value)};`);
          });
        });
        const source = lines.join("\n");
        expect(typeErrors(source), source).toEqual([]);
      }),
      { numRuns: 12 },
    );
  });
});
