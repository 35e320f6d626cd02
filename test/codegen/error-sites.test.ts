/**
 * The post-pass over ajv's standalone code (src/codegen/error-sites.ts) must not change what a
 * validator says: on generated corpora, every precompiled validator gives the verdict and the error
 * objects (instancePath, schemaPath, keyword, params, message) of the same schema compiled by plain
 * ajv with the shared set-up. The scanner itself is checked on code whose string literals look like
 * error sites.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { importValidators, type ValidatorMap } from "../../bench/load-validators.ts";
import { payloadCorpus, syntheticRegistry, versionLabel } from "../../bench/synthetic.ts";
import schemas from "../../schemas/index.ts";
import { compiledSchemaOf, createValidatorAjv, type ValidateFunction } from "../../src/codegen/ajv.ts";
import {
  compactErrorSites,
  expressionEnd,
  withoutErrorCounting,
  withoutSourceUrl,
  withShortFrame,
  withShortInstancePath,
} from "../../src/codegen/error-sites.ts";
import { shareRepeatedBlocks } from "../../src/codegen/shared-blocks.ts";
import { renderValidators } from "../../src/codegen/validators.ts";
import { defineEvent, defineRegistry, type Registry, systemRegistry } from "../../src/index.ts";
import { examplePayloads } from "../fixtures/examples.ts";

type Json = Record<string, unknown>;

/** Plain ajv (no post-pass) for every version of `registry`, by name and version. */
function plainAjvValidators(registry: Registry): Map<string, ValidateFunction> {
  const ajv = createValidatorAjv();
  return new Map(
    registry.events.flatMap((event) =>
      event.versions.map((version) => [
        `${event.name} ${version.v}`,
        ajv.compile(compiledSchemaOf(version.envelopeSchema)),
      ]),
    ),
  );
}

function expectSameOutcome(
  precompiled: ValidatorMap,
  plain: Map<string, ValidateFunction>,
  name: string,
  v: string,
  event: unknown,
) {
  const ours = precompiled[name]?.[v];
  const theirs = plain.get(`${name} ${v}`);
  if (!ours || !theirs) throw new Error(`no validator for ${name} ${v}`);
  const verdict = theirs(event);
  expect(ours(event), JSON.stringify(event)).toBe(verdict);
  if (!verdict) expect(ours.errors, JSON.stringify(event)).toEqual(theirs.errors);
  return verdict;
}

/** Most of what zod writes as JSON Schema: formats, unions, nullable, tuples, records, closed objects, odd keys. */
const kitchenSink = z.object({
  id: z.uuid(),
  at: z.iso.datetime(),
  email: z.email(),
  kind: z.enum(["a", "b"]),
  count: z.number().int().min(1).max(10).multipleOf(2),
  ratio: z.number().gt(0).lt(1),
  tags: z.array(z.string().min(1).max(5)).max(3),
  pair: z.tuple([z.string(), z.number()]),
  maybe: z.string().nullable(),
  either: z.union([z.string(), z.object({ x: z.number() })]),
  tagged: z.discriminatedUnion("type", [
    z.object({ type: z.literal("p"), p: z.number() }),
    z.object({ type: z.literal("q"), q: z.string() }),
  ]),
  map: z.record(z.string(), z.number()),
  closed: z.strictObject({ a: z.string() }),
  "odd/key~x": z.string().optional(),
  lit: z.literal(42).optional(),
  code: z.string().regex(/^[A-Z]{2}-\d+$/),
  nested: z.object({ deep: z.array(z.object({ n: z.number().int() })).min(1) }).optional(),
});
const kitchenExample: Json = {
  id: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  at: "2024-02-15T12:00:00Z",
  email: "user@example.com",
  kind: "a",
  count: 4,
  ratio: 0.5,
  tags: ["x", "yy"],
  pair: ["a", 1],
  maybe: null,
  either: { x: 1 },
  tagged: { type: "q", q: "z" },
  map: { a: 1, b: 2 },
  closed: { a: "a" },
  "odd/key~x": "odd",
  lit: 42,
  code: "AB-12",
  nested: { deep: [{ n: 1 }, { n: 2 }] },
};
/** Without the keywords that count errors (anyOf, oneOf, propertyNames), so its property checks are shared. */
const kitchenShared = kitchenSink.omit({ either: true, tagged: true, map: true });
const kitchenRegistry = defineRegistry({
  app: "error-sites-test",
  events: [
    defineEvent({ name: "test/kitchen.sank", versions: [{ v: "1.0.0", data: kitchenSink }] }),
    // in two versions, so most property checks are shared between the versions
    // (src/codegen/shared-properties.ts, shared-blocks.ts)
    defineEvent({
      name: "test/kitchen.shared",
      versions: [
        { v: "1.0.0", data: kitchenShared },
        { v: "1.1.0", data: kitchenShared.extend({ added: z.number().optional() }) },
      ],
    }),
    // the same fields again at two other paths: compiled once, and moved (shared-properties.ts `movedBody`)
    defineEvent({
      name: "test/kitchen.moved",
      versions: [
        { v: "1.0.0", data: z.object({ again: kitchenShared, also: kitchenShared }) },
        { v: "1.1.0", data: z.object({ again: kitchenShared, also: kitchenShared, added: z.number().optional() }) },
      ],
    }),
  ],
});

const values = [
  "",
  "x",
  "AB-1",
  "not-a-uuid",
  "2024-02-30T12:00:00Z",
  0,
  3,
  4,
  11,
  1.5,
  -1,
  null,
  true,
  [],
  {},
  ["a"],
  [1, 2, 3, 4],
  { x: "1" },
  { type: "p" },
];

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([key, inner]) => paths(inner, [...prefix, key]));
  return prefix.length > 0 ? [prefix, ...children] : children;
}

function mutated(payload: Json, steps: readonly [string[], "delete" | "set" | "extra", unknown][]): Json {
  const copy = structuredClone(payload);
  for (const [path, action, value] of steps) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1))
      node = typeof node === "object" && node !== null ? (node as Json)[key] : undefined;
    if (typeof node !== "object" || node === null) continue;
    const last = path.at(-1) as string;
    if (action === "delete") delete (node as Json)[last];
    else if (action === "set") (node as Json)[last] = value;
    else (node as Json)[`${last}_extra`] = value;
  }
  return copy;
}

const mutations = (example: Json) =>
  fc.array(
    fc.tuple(
      fc.constantFrom(...paths(example)),
      fc.constantFrom("delete", "set", "extra" as const),
      fc.constantFrom(...values),
    ),
    {
      minLength: 1,
      maxLength: 3,
    },
  );

describe("precompiled validators give plain ajv's verdicts and errors", () => {
  test("on 1,000 payloads of a synthetic registry", async () => {
    const { registry, events } = syntheticRegistry(30);
    const precompiled = await importValidators(renderValidators([registry]).js);
    const plain = plainAjvValidators(registry);
    let rejected = 0;
    for (const { event, version, data } of payloadCorpus(events, 1000)) {
      const v = versionLabel(event, version);
      if (!expectSameOutcome(precompiled, plain, event.name, version, { name: event.name, data, ...(v ? { v } : {}) }))
        rejected++;
    }
    expect(rejected).toBeGreaterThan(200);
  });

  test("on mutations of a schema using most of zod's JSON Schema output", async () => {
    const js = renderValidators([kitchenRegistry]).js;
    expect(js).toMatch(/\bcheck0\(/);
    const precompiled = await importValidators(js);
    const plain = plainAjvValidators(kitchenRegistry);
    const check = (data: unknown) => {
      for (const v of ["1.0.0", "1.1.0"]) {
        expectSameOutcome(precompiled, plain, "test/kitchen.shared", v, { name: "test/kitchen.shared", data, v });
        const moved = { again: kitchenExample, also: data };
        expectSameOutcome(precompiled, plain, "test/kitchen.moved", v, { name: "test/kitchen.moved", data: moved, v });
      }
      return expectSameOutcome(precompiled, plain, "test/kitchen.sank", "1.0.0", { name: "test/kitchen.sank", data });
    };
    expect(check(kitchenExample)).toBe(true);
    expect(kitchenSink.safeParse(kitchenExample).success).toBe(true);
    fc.assert(
      fc.property(mutations(kitchenExample), (steps) => void check(mutated(kitchenExample, steps))),
      { numRuns: 400, seed: 11 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (data) => void check(data)),
      { numRuns: 100, seed: 3 },
    );
  });

  test("when subschemas compiled in one batch name a property inside another's", async () => {
    // `outer.inner` and `inner` repeat across the versions, so both are compiled together
    // (shared-properties.ts `firstCompiles`): each shared check must be the block of its own property
    const fields = { outer: z.object({ inner: z.string() }), inner: z.number().int() };
    const registry = defineRegistry({
      app: "batch-test",
      events: [
        defineEvent({
          name: "test/batch.made",
          versions: [
            { v: "1.0.0", data: z.object(fields) },
            { v: "1.1.0", data: z.object({ ...fields, added: z.boolean().optional() }) },
          ],
        }),
      ],
    });
    const precompiled = await importValidators(renderValidators([registry]).js);
    const plain = plainAjvValidators(registry);
    const cases = [
      { outer: { inner: "x" }, inner: 1 },
      { outer: { inner: 1 }, inner: 1 },
      { outer: { inner: "x" }, inner: "x" },
      { outer: { inner: "x" }, inner: 1.5 },
    ];
    const verdicts = cases.map((data) =>
      ["1.0.0", "1.1.0"].map((v) =>
        expectSameOutcome(precompiled, plain, "test/batch.made", v, { name: "test/batch.made", data, v }),
      ),
    );
    expect(verdicts).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
    ]);
  });

  test("on mutations of the example registry's payloads and of whole envelopes", async () => {
    const registry = defineRegistry({ app: "examples", events: [...schemas.events, ...systemRegistry.events] });
    const precompiled = await importValidators(renderValidators([registry]).js);
    const plain = plainAjvValidators(registry);
    for (const event of registry.events) {
      for (const version of event.versions) {
        const example = examplePayloads[event.name]?.[version.v];
        if (!example) continue;
        const envelope = {
          name: event.name,
          data: example,
          id: "x-1",
          ts: 1_700_000_000_000,
          ...(event.versioned ? { v: version.v } : {}),
        };
        expect(expectSameOutcome(precompiled, plain, event.name, version.v, envelope)).toBe(true);
        fc.assert(
          fc.property(
            mutations(envelope),
            (steps) => void expectSameOutcome(precompiled, plain, event.name, version.v, mutated(envelope, steps)),
          ),
          { numRuns: 40, seed: 5 },
        );
      }
    }
  });
});

describe("compactErrorSites", () => {
  const site = (keyword: string, params: string, schemaPath = `#/properties/a/${keyword}`) =>
    `validate1.errors = [{instancePath:instancePath+"/a",schemaPath:"${schemaPath}",keyword:"${keyword}",params:${params},message:"m"}];return false;`;
  const none = () => undefined;

  test.each([
    [
      "a type error",
      site("type", '{type: "string"}'),
      'return failAt(validate1,instancePath,"/a","type",{type: "string"});',
    ],
    [
      "a schemaPath that does not follow the instance path",
      site("type", '{type: "string"}', "#/anyOf/0/type"),
      'return failWith(validate1,instancePath+"/a","#/anyOf/0","type",{type: "string"});',
    ],
    ["a keyword without a known message", site("uniqueItems", "{i: 1, j: 0}"), site("uniqueItems", "{i: 1, j: 0}")],
    ["a schemaPath not ending in the keyword", site("type", "{}", "#/x"), site("type", "{}", "#/x")],
    [
      "a site inside a string literal",
      `const s = ${JSON.stringify(site("type", "{}"))};`,
      `const s = ${JSON.stringify(site("type", "{}"))};`,
    ],
    ["a site inside a comment", `/* ${site("type", "{}")} */`, `/* ${site("type", "{}")} */`],
    ["another object's errors", `xvalidate1${site("type", "{}").slice(9)}`, `xvalidate1${site("type", "{}").slice(9)}`],
  ])("%s", (_title, code, want) => {
    expect(compactErrorSites(code, none)).toBe(want);
  });

  test("inlines the schema values params point to, and only those that resolve", () => {
    const schema = { properties: { a: { enum: ["x", "y"] } } };
    const code = site("enum", "{allowedValues: schema3.properties.a.enum}");
    expect(compactErrorSites(code, (name) => (name === "schema3" ? schema : undefined))).toContain(
      '{allowedValues: ["x","y"]}',
    );
    expect(compactErrorSites(site("enum", "{allowedValues: schema3.missing}"), () => schema)).toContain(
      "{allowedValues: schema3.missing}",
    );
  });

  test("leaves code with any text in string literals as it was, except recognised sites", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (first, second) => {
        const code = `const a = ${JSON.stringify(first)};if(x){${site("type", `{type: ${JSON.stringify(second)}}`)}}const b = '${first.replace(/['\\\n\r\u2028\u2029]/g, "")}';`;
        const compacted = compactErrorSites(code, none);
        expect(compacted).toBe(
          code.replace(
            site("type", `{type: ${JSON.stringify(second)}}`),
            `return failAt(validate1,instancePath,"/a","type",{type: ${JSON.stringify(second)}});`,
          ),
        );
      }),
      { numRuns: 300, seed: 1 },
    );
  });
});

describe("ajv writing compact error sites itself (ajv-error-sites.ts)", () => {
  /** ajv's own code for `schema` (an ajv not writing compact sites), and its schema literals by name. */
  function ajvOwnCode(schema: Json) {
    const ajv = createValidatorAjv();
    ajv.opts.code.source = true;
    const source = ajv.compile(schema).source;
    const schemas = new Map([...(source?.scopeValues.schema ?? [])].map((name) => [name.str, name.value?.ref]));
    return { code: withoutSourceUrl(source?.validateCode ?? ""), schemaOf: (name: string) => schemas.get(name) };
  }
  const envelopes = [...kitchenRegistry.events, ...schemas.events].flatMap((event) =>
    event.versions.map((version): [string, Json] => [
      `${event.name} ${version.v}`,
      compiledSchemaOf(version.envelopeSchema),
    ]),
  );

  test.each(envelopes)("%s: the code the post-pass makes of ajv's own", (_title, schema) => {
    const own = ajvOwnCode(schema);
    const direct = withoutSourceUrl(createValidatorAjv({ source: true }).compile(schema).source?.validateCode ?? "");
    expect(direct).toBe(compactErrorSites(own.code, own.schemaOf));
    // nothing left for the post-pass that ajv could have written itself
    expect(compactErrorSites(direct, own.schemaOf)).toBe(direct);
    expect(direct).not.toBe(own.code);
  });

  test("leaves the sites of other ajv instances, and the sites the post-pass keeps, as ajv writes them", () => {
    const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "array", uniqueItems: true } } };
    expect(ajvOwnCode(schema).code).toContain('validate0.errors = [{instancePath:instancePath+"/a"');
    const direct = createValidatorAjv({ source: true }).compile(schema).source?.validateCode ?? "";
    expect(direct).toContain('return failAt(validate0,instancePath,"/a","type",{type: "string"});');
    expect(direct).toContain('keyword:"uniqueItems"');
  });
});

describe("expressionEnd", () => {
  test.each([
    ['a+"/x,y"+b, next', 10],
    ["{a: [1, 2], b: {c: 3}}, next", 22],
    ["f(a, b)}", 7],
    ["'}' + \"]\"]", 9],
    ["a; b", -1],
    ["`template`, x", -1],
  ])("%s", (code, want) => {
    expect(expressionEnd(code, 0)).toBe(want);
  });
});

describe("withoutErrorCounting", () => {
  test("drops the bookkeeping of a function that never counts an error", () => {
    const code =
      'function validate0(data){let vErrors = null;let errors = 0;if(errors === 0){if(data.a !== undefined){const _errs1 = errors;if(typeof data.a !== "string"){return false;}var valid0 = _errs1 === errors;}else {var valid0 = true;}if(valid0){}}validate0.errors = vErrors;return errors === 0;}';
    const simplified = withoutErrorCounting(code);
    expect(simplified).not.toMatch(/_errs|valid0/);
    const run = (source: string) => new Function(`${source}return validate0;`)() as (data: unknown) => boolean;
    for (const data of [{}, { a: "x" }, { a: 1 }]) expect(run(simplified)(data)).toBe(run(code)(data));
  });

  test("keeps a function that counts errors (anyOf) as it is", () => {
    const code =
      'function validate0(data){let vErrors = null;let errors = 0;const _errs1 = errors;if(typeof data !== "string"){errors++;}var valid0 = _errs1 === errors;validate0.errors = vErrors;return errors === 0;}';
    expect(withoutErrorCounting(code)).toBe(code);
  });

  test("keeps a validN that is set to something else", () => {
    const code =
      "function validate0(data){let vErrors = null;let errors = 0;var valid0 = true;if(data){valid0 = false;}if(valid0){}return errors === 0;}";
    expect(withoutErrorCounting(code)).toContain("if(valid0){");
  });
});

describe("withShortFrame", () => {
  const head = 'function validate3(data, {instancePath="", parentData, parentDataProperty, rootData=data}={}){';
  const constant = `${head}let vErrors = null;let errors = 0;if(typeof data !== "string"){return failWith(validate3,instancePath,"#","type",{type: "string"});}if(data === "validate3"){}validate3.errors = vErrors;return errors === 0;}`;
  test.each([
    [
      "drops unread parameters and bookkeeping, and names the function once",
      constant,
      'function validate3(data, {instancePath=""}={}){const $v=validate3;if(typeof data !== "string"){return failWith($v,instancePath,"#","type",{type: "string"});}if(data === "validate3"){}$v.errors = null;return true;}',
    ],
    [
      "keeps the parameters a $ref call passes on",
      `${head}let vErrors = null;let errors = 0;if(!validate9(data, {instancePath,parentData,parentDataProperty,rootData})){return false;}validate3.errors = vErrors;return errors === 0;}`,
      `${head}const $v=validate3;if(!validate9(data, {instancePath,parentData,parentDataProperty,rootData})){return false;}$v.errors = null;return true;}`,
    ],
    [
      "keeps the bookkeeping of a function that counts errors",
      `${head}let vErrors = null;let errors = 0;errors++;validate3.errors = vErrors;return errors === 0;}`,
      'function validate3(data, {instancePath=""}={}){const $v=validate3;let vErrors = null;let errors = 0;errors++;$v.errors = vErrors;return errors === 0;}',
    ],
    ["leaves a frame ajv did not write", "function other(data){return true;}", "function other(data){return true;}"],
  ])("%s", (_title, code, want) => {
    expect(withShortFrame(code)).toBe(want);
  });

  test("the shortened function answers and reports as before", () => {
    const run = (code: string) =>
      new Function(
        "failWith",
        `${code.replace(/^function (validate\d+)/, "const validate3 = function $1")};return validate3;`,
      )((validate: { errors: unknown }, instancePath: string, schemaPath: string, keyword: string, params: unknown) => {
        validate.errors = [{ instancePath, schemaPath: `${schemaPath}/${keyword}`, keyword, params }];
        return false;
      }) as ((data: unknown) => boolean) & { errors: unknown };
    const before = run(constant);
    const after = run(withShortFrame(constant));
    for (const data of ["x", 1, "validate3"]) {
      expect(after(data)).toBe(before(data));
      expect(after.errors).toEqual(before.errors);
    }
  });
});

describe("withShortInstancePath", () => {
  test.each([
    [
      "a validate function's parameter and its uses",
      'function validate1(data, {instancePath="", rootData=data}={}){return failAt(validate1,instancePath+"/a",instancePath);}',
      'function validate1(data, {instancePath:$p="", rootData=data}={}){return failAt(validate1,$p+"/a",$p);}',
    ],
    [
      "keys kept, shorthands given the value",
      'f({instancePath,schemaPath:"#"});validate2(x, {instancePath:instancePath+"/b",parentData:data});',
      'f({instancePath:$p,schemaPath:"#"});validate2(x, {instancePath:$p+"/b",parentData:data});',
    ],
    [
      "properties, literals and blocks",
      'err.instancePath = "instancePath" + instancePath;{instancePath += x;}return {instancePath};',
      'err.instancePath = "instancePath" + $p;{$p += x;}return {instancePath:$p};',
    ],
    ["a method named instancePath: unchanged", "x = {a: 1, instancePath(){}};", "x = {a: 1, instancePath(){}};"],
    ["unbalanced brackets: unchanged", "f(instancePath;", "f(instancePath;"],
    [
      "longer names, a regex and a division",
      "a = myinstancePath + instancePathX + instancePath / 2 + /instancePath[)]/.test(instancePath);",
      "a = myinstancePath + instancePathX + $p / 2 + /instancePath[)]/.test($p);",
    ],
    ["an unterminated string: unchanged", 'f(instancePath, "abc);', 'f(instancePath, "abc);'],
  ])("%s", (_title, code, want) => {
    expect(withShortInstancePath(code)).toBe(want);
  });

  test("a validate function calling another keeps passing and reporting the path", () => {
    const code = `function inner(data, {instancePath=""}={}){inner.errors = [{instancePath, message: "bad"}];return false;}
function outer(data, {instancePath=""}={}){if(!inner(data.a, {instancePath:instancePath+"/a"})){outer.errors = inner.errors;return false;}return true;}`;
    const run = (source: string) => {
      const outer = new Function(`${source}return outer;`)() as ((data: unknown, cxt?: object) => boolean) & {
        errors?: unknown;
      };
      return [outer({ a: 1 }, { instancePath: "/root" }), outer.errors];
    };
    expect(withShortInstancePath(code)).not.toMatch(/[^{]instancePath[^:]/);
    expect(run(withShortInstancePath(code))).toEqual(run(code));
    expect(run(code)).toEqual([false, [{ instancePath: "/root/a", message: "bad" }]]);
  });
});

test("withoutSourceUrl removes ajv's sourceURL comment only at the start of a function", () => {
  expect(withoutSourceUrl('function validate3(data, {a}={}){/*# sourceURL="evreg:a/b.c/1" */;let x;')).toBe(
    "function validate3(data, {a}={}){let x;",
  );
  expect(withoutSourceUrl('let y;/*# sourceURL="x" */;')).toBe('let y;/*# sourceURL="x" */;');
});

describe("shareRepeatedBlocks", () => {
  const fn = (n: number, body: string) => ({
    name: `validate${n}`,
    code: `function validate${n}(data, {instancePath=""}={}){let vErrors = null;let errors = 0;let data1 = data;${body}validate${n}.errors = vErrors;return errors === 0;}`,
  });
  const plan = (n: number, validate: number) =>
    `if(data1.plan !== undefined){let data${n} = data1.plan;if(typeof data${n} !== "string"){return failAt(validate${validate},instancePath,"/plan","type",{type: "string"});}}`;

  test("shares a block repeated in two functions, whatever ajv numbered its locals", () => {
    const { functions, shared } = shareRepeatedBlocks([fn(1, plan(2, 1)), fn(3, plan(7, 3))]);
    expect(shared).toBe(
      'function check0($0,$v,instancePath){if($0 === undefined)return true;if(typeof $0 !== "string"){return failAt($v,instancePath,"/plan","type",{type: "string"});}return true;}',
    );
    expect(functions[0]).toContain(
      "let data1 = data;if(!check0(data1.plan,validate1,instancePath))return false;validate1",
    );
    expect(functions[1]).toContain("check0(data1.plan,validate3,instancePath)");
  });

  test.each([
    ["a block seen once", [fn(1, plan(2, 1)), fn(3, "")]],
    [
      "a block reading a local of the function around it",
      [1, 3].map((n) =>
        fn(n, `if(data1.plan !== undefined){let data${n + 1} = data1.plan;if(data${n + 1} !== data1){return false;}}`),
      ),
    ],
    [
      "a block counting errors",
      [1, 3].map((n) =>
        fn(n, `if(data1.plan !== undefined){let data${n + 1} = data1.plan;if(!data${n + 1}){errors++;}}`),
      ),
    ],
  ])("keeps %s inline", (_title, functions) => {
    const result = shareRepeatedBlocks(functions);
    expect(result.shared).toBe("");
    expect(result.functions).toEqual(functions.map(({ code }) => code));
  });
});
