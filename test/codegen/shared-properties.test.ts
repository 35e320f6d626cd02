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

/**
 * Plans `envelopes` with a stand-in compiler; returns the paths it was asked for (each compile's in
 * order), the subschemas there, and one envelope's code.
 */
function planned(envelopes: JsonSchemaObject[], refuse: readonly string[] = [], constLiteral = true) {
  const ajv = createValidatorAjv({ source: true });
  const compiles: string[][] = [];
  const leaves: unknown[] = [];
  const bodies = sharePropertyChecks(ajv, envelopes, (wrapper, paths) => {
    compiles.push(paths.map((path) => path.join("/")));
    // one subschema: a wrapper leading to it through single-property objects; a batch: one
    // property per subschema, each at depth 1
    const root = wrapper as { properties?: Record<string, unknown> };
    if (paths.length > 1) expect(Object.keys(root.properties ?? {})).toEqual(paths.map((path) => path.join("/")));
    return paths.map((path) => {
      let node = root;
      for (const name of path) {
        if (paths.length === 1) expect(Object.keys(node.properties ?? {})).toEqual([name]);
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
  });
  const code = ajv.compile(envelopes[0] as JsonSchemaObject).source?.validateCode ?? "";
  return { compiles, asked: compiles.flat(), leaves, bodies, code };
}

describe("sharePropertyChecks", () => {
  test("compiles a repeated subschema once, moves it to other paths, and calls it where ajv checked it", () => {
    const { compiles, leaves, bodies, code } = planned([
      envelope({ a: text, b: { type: "integer" }, c: text }),
      envelope({ a: text, b: { type: "integer" }, c: text, d: { type: "boolean" } }),
    ]);
    // `data` differs between the envelopes, so its properties are looked at: the repeated ones
    // compiled together first, each at depth 1 (the shortest wrapper), and moved where they are;
    // `name` repeats too, a string constant compiled on its own (see below)
    expect(compiles).toEqual([["a", "b"], ["name"]]);
    expect(leaves).toEqual([text, { type: "integer" }, { const: "evreg\u0000const" }]);
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

  test("compiles repeated subschemas in batches of at most 32, each name once per batch", () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, { type: "string", maxLength: i }]));
    const both = [envelope(many), envelope({ ...many, extra: { type: "boolean" } })];
    expect(planned(both).compiles.map((paths) => paths.length)).toEqual([32, 8, 1]);
    // `a` twice, with two subschemas: one batch cannot hold both, since each is found by its name
    const { compiles, leaves } = planned([
      envelope({ a: text, b: { type: "integer" } }),
      envelope({ a: text, b: { type: "integer" }, c: text }),
      envelope({ a: { type: "boolean" } }, "x/y.z"),
      envelope({ a: { type: "boolean" }, c: text }, "x/y.z"),
    ]);
    expect(compiles).toEqual([["a", "b"], ["a"], ["name"]]);
    expect(leaves.slice(0, 3)).toEqual([text, { type: "integer" }, { type: "boolean" }]);
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
    sharePropertyChecks(ajv, envelopes, (_wrapper, paths) => paths.map(() => "return true;"));
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
    const { compiles, code } = planned(
      [envelope({ a: text, b: { type: "integer" } }), envelope({ a: text, b: { type: "integer" }, once: text })],
      ["b"],
    );
    // refused in its batch, `b` is compiled alone too: a batch-mate may have been the cause
    expect(compiles).toEqual([["a", "b"], ["b"], ["name"]]);
    expect(code).toMatch(/if\(data\d+\.b !== undefined\)/);
    expect(code).not.toMatch(/check\d+\(data\d+\.b/);
  });

  test("plans nothing inside a subschema it shares, nor through items or anyOf", () => {
    const nested = { type: "object", properties: { inner: text } };
    const items = { type: "array", items: { type: "object", properties: { a: text } } };
    const either = { anyOf: [{ type: "object", properties: { a: text } }, { type: "null" }] };
    const { compiles } = planned(
      [envelope({ nested, items, either }), envelope({ nested, items, either, extra: text })],
      ["items", "either"],
    );
    // `either` counts errors (anyOf): compiled on its own, never in a batch
    expect(compiles).toEqual([["nested", "items"], ["items"], ["name"], ["either"]]);
  });
});

test("refuses envelopes sharing an object, since the plan goes by object", () => {
  const shared = { type: "object", properties: { a: text } };
  const envelopes = [{ type: "object", properties: { x: shared, y: shared } }];
  expect(() =>
    sharePropertyChecks(createValidatorAjv({ source: true }), envelopes, (_wrapper, paths) =>
      paths.map(() => undefined),
    ),
  ).toThrow(/share objects/);
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
