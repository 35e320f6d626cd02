import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { compiledSchemaOf, createValidatorAjv } from "../../src/codegen/ajv.ts";
import { exampleEnvelope, exampleValue, sampleFromPattern } from "../../src/codegen/catalog/example.ts";
import { diffVersions } from "../../src/codegen/catalog/field-diff.ts";
import { describeConstraints, schemaFields } from "../../src/codegen/catalog/fields.ts";
import type { CompatibilityMode } from "../../src/registry/define.ts";
import { fillIdTemplate, type Registry } from "../../src/registry/define.ts";
import { toDataJsonSchema } from "../../src/registry/json-schema.ts";
import { loadRegistry } from "../../src/registry/load.ts";
import { systemRegistry } from "../../src/registry/system.ts";

const schemaOf = (data: z.ZodObject) => toDataJsonSchema(data);

let registry: Registry;
beforeAll(async () => {
  registry = await loadRegistry("schemas/index.ts");
});

describe("schemaFields", () => {
  const cases: [string, z.ZodObject, { path: string; types: string; required: boolean; constraints: string }[]][] = [
    [
      "flat fields with constraints",
      z.object({
        id: z.string().startsWith("ord_"),
        n: z.number().int().positive(),
        tag: z.enum(["a", "b"]).optional(),
      }),
      [
        { path: "id", types: "string", required: true, constraints: 'starts with "ord_"' },
        { path: "n", types: "integer", required: true, constraints: "> 0" },
        { path: "tag", types: "string", required: false, constraints: 'one of "a", "b"' },
      ],
    ],
    [
      "nested objects and arrays of objects",
      z.object({
        meta: z.strictObject({ at: z.iso.datetime() }),
        items: z.array(z.object({ sku: z.string().regex(/^[A-Z]{3}$/) })).min(1),
      }),
      [
        { path: "meta", types: "object", required: true, constraints: "no other keys" },
        { path: "meta.at", types: "string", required: true, constraints: "format date-time" },
        { path: "items", types: "array", required: true, constraints: "min items 1" },
        { path: "items[]", types: "object", required: true, constraints: "" },
        { path: "items[].sku", types: "string", required: true, constraints: "pattern ^[A-Z]{3}$" },
      ],
    ],
    [
      "nullable and bounded",
      z.object({ note: z.string().max(10).nullable(), score: z.number().min(0).max(5) }),
      [
        { path: "note", types: "null | string", required: true, constraints: "max length 10" },
        { path: "score", types: "number", required: true, constraints: "≥ 0; ≤ 5" },
      ],
    ],
    [
      // zod names the format of its last check (ends_with) and writes every check as a pattern
      "strings with several checks",
      z.object({
        sku: z.string().startsWith("SKU-").endsWith("-X"),
        mail: z.email().endsWith("@x.io"),
        slug: z.string().lowercase().includes("-"),
        code: z
          .string()
          .regex(/^[a-z]+$/)
          .regex(/^.{3}$/),
      }),
      [
        { path: "sku", types: "string", required: true, constraints: 'starts with "SKU-"; ends with "-X"' },
        { path: "mail", types: "string", required: true, constraints: 'format email; ends with "@x.io"' },
        { path: "slug", types: "string", required: true, constraints: 'lowercase; includes "-"' },
        { path: "code", types: "string", required: true, constraints: "pattern ^[a-z]+$; pattern ^.{3}$" },
      ],
    ],
    [
      "records and catchalls: their keys, and a row for the value of every key",
      z.object({
        tags: z.record(z.enum(["eu", "us"]), z.number().multipleOf(0.01)),
        some: z.partialRecord(z.enum(["a", "b"]), z.string()),
        byCode: z.record(z.string().regex(/^[A-Z]{2}$/), z.boolean()),
        open: z.object({ id: z.string() }).catchall(z.number()),
        anything: z.record(z.string(), z.unknown()),
      }),
      [
        { path: "tags", types: "object", required: true, constraints: 'keys "eu", "us", each required' },
        { path: "tags.*", types: "number", required: false, constraints: "multiple of 0.01" },
        { path: "some", types: "object", required: true, constraints: 'keys among "a", "b"' },
        { path: "some.*", types: "string", required: false, constraints: "" },
        { path: "byCode", types: "object", required: true, constraints: "keys match ^[A-Z]{2}$" },
        { path: "byCode.*", types: "boolean", required: false, constraints: "" },
        { path: "open", types: "object", required: true, constraints: "" },
        { path: "open.id", types: "string", required: true, constraints: "" },
        { path: "open.*", types: "number", required: false, constraints: "" },
        { path: "anything", types: "object", required: true, constraints: "" },
      ],
    ],
  ];
  it.each(cases)("%s", (_title, data, want) => {
    const rows = schemaFields(schemaOf(data)).map((row) => ({
      path: row.path,
      types: row.types.join(" | "),
      required: row.required,
      constraints: describeConstraints(row).join("; "),
    }));
    expect(rows).toEqual(want);
  });

  it("stops at recursion instead of looping", () => {
    type Node = { name: string; next?: Node | undefined };
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), next: node.optional() }));
    const rows = schemaFields(schemaOf(z.object({ head: node })));
    expect(rows.map((row) => row.path)).toContain("head.name");
    expect(rows.length).toBeLessThan(10);
  });
});

describe("diffVersions", () => {
  const base = z.object({ id: z.string(), amount: z.number().int(), tier: z.enum(["a", "b"]).optional() });
  const cases: [string, z.ZodObject, CompatibilityMode, { kind: string; path: string; ok: boolean }[], boolean][] = [
    [
      "optional field added",
      base.extend({ note: z.string().optional() }),
      "FULL_TRANSITIVE",
      [{ kind: "added", path: "note", ok: true }],
      true,
    ],
    [
      "required field added",
      base.extend({ note: z.string() }),
      "FULL",
      [{ kind: "added", path: "note", ok: false }],
      false,
    ],
    [
      "required field added is forward-compatible",
      base.extend({ note: z.string() }),
      "FORWARD",
      [{ kind: "added", path: "note", ok: true }],
      true,
    ],
    [
      "required field removed",
      base.omit({ amount: true }),
      "BACKWARD",
      [{ kind: "removed", path: "amount", ok: true }],
      true,
    ],
    [
      "required field removed breaks forward",
      base.omit({ amount: true }),
      "FORWARD",
      [{ kind: "removed", path: "amount", ok: false }],
      false,
    ],
    [
      "type widened",
      base.extend({ amount: z.number() }),
      "BACKWARD",
      [{ kind: "changed", path: "amount", ok: true }],
      true,
    ],
    [
      "type changed",
      base.extend({ amount: z.string() }),
      "BACKWARD",
      [{ kind: "changed", path: "amount", ok: false }],
      false,
    ],
    [
      "enum value added",
      base.extend({ tier: z.enum(["a", "b", "c"]).optional() }),
      "FULL",
      [{ kind: "changed", path: "tier", ok: false }],
      false,
    ],
    [
      "field became required",
      base.extend({ tier: z.enum(["a", "b"]) }),
      "BACKWARD",
      [{ kind: "changed", path: "tier", ok: false }],
      false,
    ],
    ["no change", base, "FULL", [], true],
    [
      "anything goes under NONE",
      base.extend({ amount: z.string() }),
      "NONE",
      [{ kind: "changed", path: "amount", ok: true }],
      true,
    ],
  ];
  it.each(cases)("%s", (_title, newer, mode, want, compatible) => {
    const diff = diffVersions(
      { v: "1.0.0", dataSchema: schemaOf(base) },
      { v: "2.0.0", dataSchema: schemaOf(newer) },
      mode,
    );
    const verdict = (change: { backward: boolean; forward: boolean }) =>
      mode === "NONE" ||
      (mode.startsWith("BACKWARD")
        ? change.backward
        : mode.startsWith("FORWARD")
          ? change.forward
          : change.backward && change.forward);
    expect(diff.changes.map((change) => ({ kind: change.kind, path: change.path, ok: verdict(change) }))).toEqual(want);
    expect(diff.compatible).toBe(compatible);
  });

  it("reports user/profile.updated's auditInfo as one compatible addition", () => {
    const event = registry.get("user/profile.updated");
    const [older, newer] = event?.versions ?? [];
    const diff = diffVersions(older!, newer!, event!.compatibility);
    expect(diff.changes).toEqual([
      { kind: "added", path: "auditInfo", detail: "optional field added", backward: true, forward: true },
    ]);
    expect(diff.compatible).toBe(true);
  });
});

describe("example payloads", () => {
  it("every example-registry and system event version gets an envelope its own schema accepts", () => {
    const ajv = createValidatorAjv();
    for (const event of [...registry.events, ...systemRegistry.events]) {
      for (const version of event.versions) {
        const example = exampleEnvelope(event, version, fillIdTemplate);
        const validate = ajv.compile(compiledSchemaOf(version.envelopeSchema));
        expect(validate(example), `${event.name} ${version.v}: ${JSON.stringify(validate.errors)}`).toBe(true);
        expect(version.data.safeParse(example.data).success, `${event.name} ${version.v} (zod)`).toBe(true);
      }
    }
  });

  it("is deterministic", () => {
    const event = registry.get("payment/charge.succeeded")!;
    expect(exampleEnvelope(event, event.versions[0]!, fillIdTemplate)).toEqual(
      exampleEnvelope(event, event.versions[0]!, fillIdTemplate),
    );
  });

  const patterns = [
    "^cus_.*",
    "^[a-z]{3}$",
    "^\\d{4}$",
    "^(?:eu|us)-[0-9]+$",
    "^[A-Z][a-z]+ [A-Z]\\.$",
    "^v\\d+\\.\\d+\\.\\d+$",
    "^[^@]+@x\\.io$",
  ];
  it.each(patterns)("samples a string matching %s", (pattern) => {
    const sample = sampleFromPattern(pattern);
    expect(sample).toBeDefined();
    expect(new RegExp(pattern, "u").test(sample as string)).toBe(true);
  });

  // Random zod objects built from the field kinds schemas use: the example must satisfy zod and ajv.
  const leaf = fc.oneof(
    fc.record({ min: fc.nat(5), extra: fc.nat(10) }).map(({ min, extra }) =>
      z
        .string()
        .min(min)
        .max(min + extra),
    ),
    fc.constantFrom(
      z.email(),
      z.iso.datetime(),
      z.uuid(),
      z.url(),
      z.string().startsWith("pre_"),
      z.string().regex(/^[a-z]{2}-\d{3}$/),
      // several patterns: zod writes them as allOf parts of one string
      z
        .string()
        .startsWith("ab")
        .endsWith("yz"),
      z.string().startsWith("ab").includes("mm").endsWith("yz").min(12),
      z.ipv4(),
      z.ipv6(),
      z.cidrv4(),
      z.base64(),
      z.nanoid(),
      z.cuid2(),
      z.ulid(),
      z.ksuid(),
      z.hash("sha256"),
      z.iso.date(),
      z.iso.time(),
      z.iso.duration(),
      z.e164(),
    ),
    fc.record({ lo: fc.integer({ min: -50, max: 50 }), span: fc.nat(100) }).map(({ lo, span }) =>
      z
        .number()
        .int()
        .min(lo)
        .max(lo + span),
    ),
    fc.record({ lo: fc.integer({ min: -50, max: 50 }) }).map(({ lo }) => z.number().gt(lo)),
    fc.constantFrom(z.boolean(), z.null(), z.enum(["x", "y"]), z.literal("fixed")),
  );
  const field = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.tuple(tie("node"), fc.nat(3)).map(([item, min]) => z.array(item as z.ZodType).min(min)),
      fc
        .dictionary(fc.constantFrom("a", "b", "c", "d"), tie("node"), { maxKeys: 3 })
        .map((shape) => z.object(shape as Record<string, z.ZodType>)),
      // records over listed keys: every key required, or none (partialRecord)
      tie("node").map((inner) => z.record(z.enum(["eu", "us"]), inner as z.ZodType)),
      tie("node").map((inner) => z.record(z.union([z.literal("a"), z.literal("b")]), inner as z.ZodType)),
      tie("node").map((inner) => z.partialRecord(z.enum(["eu", "us"]), inner as z.ZodType)),
      tie("node").map((inner) => (inner as z.ZodType).optional()),
      tie("node").map((inner) => (inner as z.ZodType).nullable()),
    ),
  })).node;
  it("example values satisfy random schemas (zod and ajv agree)", () => {
    const ajv = createValidatorAjv();
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("id", "items", "meta", "note"), field, { minKeys: 1, maxKeys: 4 }),
        (shape) => {
          const data = z.object(shape as Record<string, z.ZodType>);
          const schema = schemaOf(data);
          const value = exampleValue(schema);
          expect(data.safeParse(value).success, JSON.stringify({ schema, value })).toBe(true);
          expect(ajv.validate(compiledSchemaOf(schema), value)).toBe(true);
        },
      ),
      { numRuns: 200, seed: 8 },
    );
  });
});
