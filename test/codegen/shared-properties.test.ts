/**
 * Planning shared property checks before ajv compiles (src/codegen/shared-properties.ts): which
 * subschemas are compiled on their own, how often, and where the calls go. That the validators
 * built this way say what plain ajv says is checked on corpora in error-sites.test.ts.
 */
import { describe, expect, test } from "vitest";
import { createValidatorAjv } from "../../src/codegen/ajv.ts";
import { movedBody, sharePropertyChecks } from "../../src/codegen/shared-properties.ts";
import type { JsonSchemaObject } from "../../src/registry/json-schema.ts";

const text = { type: "string", minLength: 1 };
/** An envelope of its own objects, as compiledSchemaOf makes them. */
const envelope = (data: Record<string, unknown>, name = "a/b.c"): JsonSchemaObject =>
  JSON.parse(
    JSON.stringify({
      type: "object",
      properties: { name: { const: name }, data: { type: "object", properties: data } },
    }),
  );

/** Plans `envelopes` with a stand-in compiler; returns what it was asked for and one envelope's code. */
function planned(envelopes: JsonSchemaObject[], refuse: readonly string[] = [], constLiteral = true) {
  const ajv = createValidatorAjv({ source: true });
  const asked: string[] = [];
  const leaves: unknown[] = [];
  const bodies = sharePropertyChecks(ajv, envelopes, (wrapper, path) => {
    asked.push(path.join("/"));
    // the wrapper leads to the subschema through single-property objects
    let node = wrapper as { properties?: Record<string, unknown> };
    for (const name of path) {
      expect(Object.keys(node.properties ?? {})).toEqual([name]);
      node = node.properties?.[name] as typeof node;
    }
    leaves.push(node);
    if (refuse.includes(path.join("/"))) return undefined;
    // a string constant's body holds its string, as ajv writes it
    const constant = (node as { const?: unknown }).const;
    return typeof constant === "string" && constLiteral
      ? `if(${JSON.stringify(constant)} !== $0)return failAt(validate,instancePath,"/${path.join("/")}","const",{allowedValue: ${JSON.stringify(constant)}});`
      : `return failAt(validate,instancePath,"/${path.join("/")}","type",{});`;
  });
  const code = ajv.compile(envelopes[0] as JsonSchemaObject).source?.validateCode ?? "";
  return { asked, leaves, bodies, code };
}

describe("sharePropertyChecks", () => {
  test("compiles a repeated subschema once, moves it to other paths, and calls it where ajv checked it", () => {
    const { asked, leaves, bodies, code } = planned([
      envelope({ a: text, b: { type: "integer" }, c: text }),
      envelope({ a: text, b: { type: "integer" }, c: text, d: { type: "boolean" } }),
    ]);
    // `name` repeats too; `data` differs between the envelopes, so its properties are looked at,
    // each compiled at depth 1 (the shortest wrapper) and moved where it is
    expect(asked).toEqual(["name", "a", "b"]);
    expect(leaves).toEqual([{ const: "evreg\u0000const" }, text, { type: "integer" }]);
    expect(bodies).toEqual([
      'if("a/b.c" !== $0)return failAt(validate,instancePath,"/name","const",{allowedValue: "a/b.c"});',
      ...["/data/a", "/data/b", "/data/c"].map((path) => `return failAt(validate,instancePath,"${path}","type",{});`),
    ]);
    const calls = [...code.matchAll(/!(check\d+)\((data\d*)\.(\w+),validate\d+,instancePath\)/g)].map(
      ([, check, , property]) => `${check} ${property}`,
    );
    // `c` is `a` moved: its own body, not a second compile
    expect(calls).toEqual(["check0 name", "check1 a", "check2 b", "check3 c"]);
    expect(code).not.toContain("minLength");
  });

  test("leaves ajv only the subschemas it still checks: a call stands for each of the others", () => {
    const envelopes = [
      envelope({ a: text, b: { type: "integer" }, once: text }),
      envelope({ a: text, b: { type: "integer" } }),
    ];
    planned(envelopes, ["b"]);
    // ajv resolved and stringified every envelope it compiled, all of it: now `true` in their place
    expect(envelopes[0]).toEqual({
      type: "object",
      properties: {
        name: true,
        data: { type: "object", properties: { a: true, b: { type: "integer" }, once: text } },
      },
    });
  });

  test("leaves ajv every subschema of an envelope with a $ref into its own properties", () => {
    const pointer = { $ref: "#/properties/data/properties/a" };
    const envelopes = [envelope({ a: text, b: pointer }), envelope({ a: text, b: pointer })];
    const { asked } = planned(envelopes);
    // `a` is still compiled on its own and called, but the $ref must find it in the envelope
    expect(asked).toContain("a");
    expect((envelopes[0] as { properties: { data: { properties: unknown } } }).properties.data.properties).toEqual({
      a: text,
      b: pointer,
    });
  });

  test("refuses to compile a planned envelope with options other than createValidatorAjv's", () => {
    const ajv = createValidatorAjv({ source: true });
    const envelopes = [envelope({ a: text }), envelope({ a: text })];
    sharePropertyChecks(ajv, envelopes, () => "return true;");
    ajv.opts.allErrors = true;
    expect(() => ajv.compile(envelopes[0] as JsonSchemaObject)).toThrow(/createValidatorAjv's options/);
  });

  test("compiles string constants at one path once, each body with its own string", () => {
    const names = ["a/b.c", 'quote"d/x.y', "line\u2028sep/x.y"];
    const { asked, bodies } = planned(names.flatMap((name) => [envelope({ a: text }, name), envelope({}, name)]));
    expect(asked.filter((path) => path === "name")).toHaveLength(1);
    expect(bodies.filter((body) => body.includes('"/name"'))).toEqual(
      names.map((name) => {
        // as ajv writes a string: JSON, with the two line separators JSON leaves raw escaped
        const literal = JSON.stringify(name).replace(/\u2028/g, "\\u2028");
        return `if(${literal} !== $0)return failAt(validate,instancePath,"/name","const",{allowedValue: ${literal}});`;
      }),
    );
  });

  test("keeps string constants inline when their body does not hold the string as a literal", () => {
    const envelopes = ["a/b.c", "x/y.z"].flatMap((name) => [envelope({ a: text }, name), envelope({}, name)]);
    const { asked, bodies, code } = planned(envelopes, [], false);
    expect(asked.filter((path) => path === "name")).toHaveLength(1);
    expect(bodies.filter((body) => body.includes('"/name"'))).toEqual([]);
    expect(code).not.toMatch(/check\d+\(data\.name/);
  });

  test("keeps a subschema its compiler refuses inline, and a subschema seen once", () => {
    const { asked, code } = planned(
      [envelope({ a: text, b: { type: "integer" } }), envelope({ a: text, b: { type: "integer" }, once: text })],
      ["b"],
    );
    expect(asked).toEqual(["name", "a", "b"]);
    expect(code).toMatch(/if\(data\d+\.b !== undefined\)/);
    expect(code).not.toMatch(/check\d+\(data\d+\.b/);
  });

  test("plans nothing inside a subschema it shares, nor through items or anyOf", () => {
    const nested = { type: "object", properties: { inner: text } };
    const items = { type: "array", items: { type: "object", properties: { a: text } } };
    const either = { anyOf: [{ type: "object", properties: { a: text } }, { type: "null" }] };
    const { asked } = planned(
      [envelope({ nested, items, either }), envelope({ nested, items, either, extra: text })],
      ["items", "either"],
    );
    expect(asked).toEqual(["name", "nested", "items", "either"]);
  });
});

test("refuses envelopes sharing an object, since the plan goes by object", () => {
  const shared = { type: "object", properties: { a: text } };
  const envelopes = [{ type: "object", properties: { x: shared, y: shared } }];
  expect(() => sharePropertyChecks(createValidatorAjv({ source: true }), envelopes, () => undefined)).toThrow(
    /share objects/,
  );
});

describe("movedBody", () => {
  const from = ["data", "a"];
  const to = ["data", "copy", "b"];
  test.each([
    [
      "instance and schema paths",
      'failAt(validate,instancePath,"/data/a","type",{});failWith(validate,instancePath+"/data/a/x","#/properties/data/properties/a/anyOf/0","type",{});',
      'failAt(validate,instancePath,"/data/copy/b","type",{});failWith(validate,instancePath+"/data/copy/b/x","#/properties/data/properties/copy/properties/b/anyOf/0","type",{});',
    ],
    [
      "paths through array items: only their start moves",
      'failAt(validate,instancePath,["/data/a/",$2,"/data/a"],"type",{});failWith(validate,instancePath+"/data/a/" + i0+"/data/a","#/x","type",{});',
      'failAt(validate,instancePath,["/data/copy/b/",$2,"/data/a"],"type",{});failWith(validate,instancePath+"/data/copy/b/" + i0+"/data/a","#/x","type",{});',
    ],
    [
      "a path of a longer name, untouched",
      'failAt(validate,instancePath,"/data/ab","type",{});',
      'failAt(validate,instancePath,"/data/ab","type",{});',
    ],
    ["a body naming its wrapper's schema literal", "schema3.properties.data.properties.a.enum", undefined],
  ])("%s", (_title, body, expected) => {
    expect(movedBody(body, from, to, '{"type":"string"}')).toBe(expected);
  });

  test.each([
    ['{"const":"/data/a"}'],
    ['{"const":"/data/copy/b"}'],
    ['{"pattern":"#/x"}'],
  ])("refuses a subschema holding path-like text: %s", (json) => {
    expect(movedBody('failAt(validate,instancePath,"/data/a","const",{});', from, to, json)).toBeUndefined();
  });
});
