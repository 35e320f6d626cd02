/**
 * The precompiled validators' non-timing goals on a synthetic registry (the benchmark's generator,
 * small sizes): zod and the validators agree on a generated corpus; zod's default formats are
 * checked once by zod's own regex, with readable errors; unused schema literals are gone and the
 * output is smaller than naive ajv standalone code.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { bytesPerValidator, importValidators } from "../../bench/load-validators.ts";
import { payloadCorpus, syntheticRegistry } from "../../bench/synthetic.ts";
import { invalidEvent, TYPICAL_NAME, TYPICAL_VERSION, typicalRegistry, validEvent } from "../../bench/typical.ts";
import { corpusAgreement, naiveStandalone } from "../../bench/validation.ts";
import { compiledSchemaOf, createValidatorAjv } from "../../src/codegen/ajv.ts";
import { planOutput } from "../../src/codegen/generate.ts";
import { type ValidatorEntry, validatorsCode } from "../../src/codegen/validator-module.ts";
import { renderValidators, startCompilerThread, startValidators } from "../../src/codegen/validators.ts";
import { ANNOTATED_NAME, annotatedPayloads, annotatedRegistry, zodAccepts } from "../fixtures/annotated.ts";
import { repoRoot, tempDir } from "../support/temp.ts";

const run = promisify(execFile);

const { registry, events } = syntheticRegistry(30);
const js = renderValidators([registry]).js;
const count = registry.events.reduce((sum, event) => sum + event.versions.length, 0);

describe("precompiled validators on a synthetic registry", () => {
  test("accept exactly what zod accepts on 1,000 generated payloads", async () => {
    const corpus = payloadCorpus(events, 1000);
    const result = corpusAgreement(registry, await importValidators(js), corpus);
    expect(result.disagreements).toEqual([]);
    // the corpus really mixes both verdicts
    expect(result.accepted).toBeGreaterThan(200);
    expect(result.accepted).toBeLessThan(800);
  });

  test("are less than half the size of naive ajv standalone output", () => {
    // error sites, error counting and repeated property checks shared (error-sites.ts, shared-blocks.ts)
    expect(bytesPerValidator(js, count)).toBeLessThan(bytesPerValidator(naiveStandalone(registry), count) * 0.5);
  });

  test("declare no schema literal the code does not use", () => {
    for (const [declaration, name] of js.matchAll(/const (schema\d+) = /g)) {
      expect(js.split(new RegExp(`\\b${name}\\b`)).length - 1, declaration).toBeGreaterThan(1);
    }
  });

  test("hold each of zod's format regexes once", () => {
    expect(js.split("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8]").length - 1).toBe(1);
  });
});

describe("compiledSchemaOf", () => {
  const table: [string, z.ZodType, Record<string, unknown>][] = [
    ["zod's uuid: format kept, pattern dropped", z.uuid(), { type: "string", format: "uuid" }],
    ["zod's date-time: format kept", z.iso.datetime(), { type: "string", format: "date-time" }],
    [
      "uuid v4 (another pattern): pattern kept, format dropped",
      z.uuidv4(),
      { type: "string", pattern: (z.toJSONSchema(z.uuidv4()) as { pattern: string }).pattern },
    ],
    [
      "date-time with offset: pattern kept",
      z.iso.datetime({ offset: true }),
      { type: "string", pattern: (z.toJSONSchema(z.iso.datetime({ offset: true })) as { pattern: string }).pattern },
    ],
    ["plain regex untouched", z.string().regex(/^cus_/), { type: "string", pattern: "^cus_" }],
  ];
  test.each(table)("%s", (_title, schema, want) => {
    const { $schema: _, ...json } = z.toJSONSchema(schema) as Record<string, unknown>;
    expect(compiledSchemaOf(json)).toEqual(want);
  });

  const data = { foo: 1, "x-pii": { minimum: 3 } };
  // [title, given, want]: keys ajv does not know are left out at keyword positions only
  const annotations: [string, Record<string, unknown>, Record<string, unknown>][] = [
    [
      "annotations beside keywords",
      { type: "string", foo: 1, "x-pii": true, title: "t" },
      { type: "string", title: "t" },
    ],
    [
      "names in properties, patternProperties, $defs and dependentSchemas stay",
      {
        properties: { foo: { type: "string", owner: "a" }, minimum: { type: "number" } },
        patternProperties: { "^x-": { foo: 1 } },
        $defs: { foo: { type: "integer", "x-pii": true } },
        dependentSchemas: { foo: { required: ["minimum"], foo: 1 } },
      },
      {
        properties: { foo: { type: "string" }, minimum: { type: "number" } },
        patternProperties: { "^x-": {} },
        $defs: { foo: { type: "integer" } },
        dependentSchemas: { foo: { required: ["minimum"] } },
      },
    ],
    [
      "subschemas of single, and array keywords",
      {
        items: { foo: 1 },
        additionalProperties: { foo: 1, not: { foo: 1 } },
        propertyNames: { foo: 1 },
        contains: { foo: 1 },
        if: { foo: 1 },
        // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test.
        then: { foo: 1 },
        else: { foo: 1 },
        anyOf: [{ foo: 1 }, true],
        allOf: [{ foo: 1 }],
        oneOf: [{ foo: 1 }],
        prefixItems: [{ type: "string", foo: 1 }],
      },
      {
        items: {},
        additionalProperties: { not: {} },
        propertyNames: {},
        contains: {},
        if: {},
        // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test.
        then: {},
        else: {},
        anyOf: [{}, true],
        allOf: [{}],
        oneOf: [{}],
        prefixItems: [{ type: "string" }],
      },
    ],
    [
      "data in const, enum, default and examples is not rewritten",
      { const: data, enum: [data, "foo"], default: data, examples: [data], required: ["foo"] },
      { const: data, enum: [data, "foo"], default: data, examples: [data], required: ["foo"] },
    ],
    [
      "keywords evreg switched off stay, for strict mode to refuse",
      { unevaluatedProperties: false, foo: 1 },
      { unevaluatedProperties: false },
    ],
  ];
  test.each(annotations)("%s", (_title, given, want) => {
    const before = structuredClone(given);
    expect(compiledSchemaOf(given)).toEqual(want);
    expect(given).toEqual(before);
  });

  test.each([
    "unevaluatedProperties",
    "unevaluatedItems",
  ])("a schema using %s, which evreg switched off, still fails to compile", (keyword) => {
    const schema = compiledSchemaOf({ type: "object", [keyword]: false });
    expect(() => createValidatorAjv().compile(schema)).toThrow(`strict mode: unknown keyword: "${keyword}"`);
  });
});

describe("annotations from .meta()", () => {
  test("stay in the published JSON Schema", async () => {
    const files = await planOutput(annotatedRegistry, { catalog: false });
    const text = String(files.get(`schemas/${ANNOTATED_NAME}/1.0.0.json`));
    const data = JSON.parse(text).properties.data;
    expect(data["x-retention"]).toBe("30d");
    expect(data.properties.profile).toMatchObject({ owner: "team-a" });
    expect(data.properties.profile.properties.email).toEqual({ type: "string", foo: 1, "x-pii": true });
    expect(data.properties.tags).toMatchObject({ "x-pii": false, items: { "x-source": { system: "crm" } } });
  });

  test("are ignored by the validators, which give zod's verdicts", async () => {
    const validate = (await importValidators(renderValidators([annotatedRegistry]).js))[ANNOTATED_NAME]?.["1.0.0"];
    for (const [title, data, accepted] of annotatedPayloads) {
      expect(zodAccepts(data), title).toBe(accepted);
      expect(validate?.({ name: ANNOTATED_NAME, data }), title).toBe(accepted);
    }
  });
});

describe("createValidatorAjv", () => {
  const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };

  test("with source, writes the same code but compiles functions that throw", () => {
    const source = createValidatorAjv({ source: true }).compile(schema);
    const runnable = createValidatorAjv({ source: true });
    delete runnable.opts.code.process;
    expect(source.source?.validateCode).toBe(runnable.compile(schema).source?.validateCode);
    expect(() => source({ a: "x" })).toThrow(/compiled for its source only/);
  });

  test("without source, compiles functions that run", () => {
    const validate = createValidatorAjv().compile(schema);
    expect(validate({ a: "x" })).toBe(true);
    expect(validate({ a: 1 })).toBe(false);
  });
});

describe("errors of the typical event", () => {
  test("keep instancePath, keyword, params and message; formats are named, not quoted as regexes", async () => {
    const validate = (await importValidators(renderValidators([typicalRegistry()]).js))[TYPICAL_NAME]?.[
      TYPICAL_VERSION
    ];
    expect(validate?.(validEvent)).toBe(true);
    expect(validate?.(invalidEvent)).toBe(false);
    expect(validate?.errors?.[0]).toMatchObject({
      instancePath: "/data/items/1/quantity",
      keyword: "type",
      params: { type: "integer" },
      message: "must be integer",
    });
    expect(validate?.({ ...validEvent, data: { ...validEvent.data, orderId: "not-a-uuid" } })).toBe(false);
    expect(validate?.errors?.[0]).toMatchObject({
      instancePath: "/data/orderId",
      keyword: "format",
      params: { format: "uuid" },
      message: 'must match format "uuid"',
    });
  });
});

describe("compiled on a thread of its own", () => {
  const entries = registry.events.flatMap((event) =>
    event.versions.map((version): ValidatorEntry => [`${event.name}__${version.v}`, version.envelopeSchema]),
  );
  const unclaimed = () => new Int32Array(new SharedArrayBuffer(4));

  test("the thread writes the code this thread writes", async () => {
    const code = await startCompilerThread().compile(entries, unclaimed());
    expect(code).toBe(validatorsCode(entries));
  });

  test("the thread leaves validators its caller claimed first", async () => {
    const claimed = unclaimed();
    claimed[0] = 1;
    expect(await startCompilerThread().compile(entries, claimed)).toBeUndefined();
  });

  test("validators.js is the same whichever thread compiles it", async () => {
    // finished at once, this thread claims the validators (the new thread is still loading ajv);
    // finished later, the thread has; without a thread, this one compiles them
    const atOnce = startValidators([registry], startCompilerThread()).finish();
    const thread = startCompilerThread();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const later = startValidators([registry], thread).finish();
    for (const rendered of await Promise.all([atOnce, later, startValidators([registry]).finish()]))
      expect(rendered.js).toBe(js);
  });

  test("a failure on the thread comes back with its message", async () => {
    const broken: ValidatorEntry[] = [["a__1", { type: "object", unevaluatedProperties: false }]];
    // as this thread would have thrown it: ajv's message alone (the stack is the thread's)
    const error = await startCompilerThread()
      .compile(broken, unclaimed())
      .catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('strict mode: unknown keyword: "unevaluatedProperties"');
    expect((error as Error).stack).toMatch(/checkStrictMode/);
  });

  test("an idle thread does not keep the process alive", async () => {
    // a command that fails before compiling must still end: the process exits with the thread idle
    const script = path.join(await tempDir("compiler-thread"), "idle.mjs");
    await writeFile(
      script,
      [
        'import { createJiti } from "jiti";',
        `const jiti = createJiti(${JSON.stringify(script)});`,
        `const { startCompilerThread } = await jiti.import(${JSON.stringify(path.join(repoRoot, "src/codegen/validators.ts"))});`,
        "startCompilerThread();",
        'console.log("started");',
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, [script], { timeout: 20_000 });
    expect(stdout).toBe("started\n");
  });
});
