import ts from "typescript";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { typeOf } from "../../src/codegen/typescript-types.ts";
import type { JsonSchema } from "../../src/registry/json-schema.ts";

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
