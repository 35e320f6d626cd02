import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { z } from "zod";
import { compiledSchemaOf, createValidatorAjv } from "../../src/codegen/ajv.ts";
import { defineEvent, defineRegistry, fillIdTemplate, RegistryError } from "../../src/index.ts";
import { VALIDATION_KEYWORDS } from "../../src/registry/json-schema.ts";
import { compareVersions, versionStyle } from "../../src/registry/versions.ts";

const data = z.object({ orderId: z.string() });

function registryError(declare: () => unknown): RegistryError {
  try {
    declare();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error("expected a RegistryError");
}

// [title, declaration, rule, message fragment]
const invalid: [string, () => unknown, string, string][] = [
  [
    "bad version label",
    () => defineEvent({ name: "a/b.c", versions: [{ v: "v1", data }] }),
    "registry/version-label",
    '"v1" is not valid',
  ],
  [
    "impossible date label",
    () => defineEvent({ name: "a/b.c", versions: [{ v: "2024-02-30.1", data }] }),
    "registry/version-label",
    "2024-02-30.1",
  ],
  [
    "date counter from 1",
    () => defineEvent({ name: "a/b.c", versions: [{ v: "2024-02-03.0", data }] }),
    "registry/version-label",
    "2024-02-03.0",
  ],
  [
    "unordered versions",
    () =>
      defineEvent({
        name: "a/b.c",
        versions: [
          { v: "1.2.0", data },
          { v: "1.1.0", data },
        ],
      }),
    "registry/version-order",
    "version 1.1.0 comes after 1.2.0",
  ],
  [
    "repeated version",
    () =>
      defineEvent({
        name: "a/b.c",
        versions: [
          { v: "2024-01-15.1", data },
          { v: "2024-01-15.1", data },
        ],
      }),
    "registry/version-order",
    "not newer",
  ],
  [
    "mixed styles",
    () =>
      defineEvent({
        name: "a/b.c",
        versions: [
          { v: "1.0.0", data },
          { v: "2024-01-15.1", data },
        ],
      }),
    "registry/version-style",
    "mix semver and date labels",
  ],
  [
    "non-object data",
    () => defineEvent({ name: "a/b.c", versions: [{ v: "1.0.0", data: z.array(z.string()) as never }] }),
    "registry/data-object",
    "not a zod object",
  ],
  [
    "transform",
    () => defineEvent({ name: "a/b.c", data: z.object({ n: z.string().transform((s) => s.length) }) }),
    "registry/unrepresentable",
    "transform",
  ],
  [
    "refinement",
    () => defineEvent({ name: "a/b.c", data: z.object({ n: z.string().refine((s) => s.length > 1) }) }),
    "registry/unrepresentable",
    "refinement",
  ],
  [
    "pipe (its second schema's checks are not in the input's JSON Schema)",
    () => defineEvent({ name: "a/b.c", data: z.object({ n: z.string().pipe(z.string().min(1)) }) }),
    "registry/unrepresentable",
    "pipe",
  ],
  [
    "codec (z.stringbool rejects strings its JSON Schema accepts)",
    () => defineEvent({ name: "a/b.c", data: z.object({ on: z.stringbool() }) }),
    "registry/unrepresentable",
    "codec",
  ],
  [
    "z.jwt() (it decodes the token's header in code)",
    () => defineEvent({ name: "a/b.c", data: z.object({ token: z.jwt() }) }),
    "registry/unrepresentable",
    "z.jwt()",
  ],
  [
    "z.stringFormat with a function",
    () => defineEvent({ name: "a/b.c", data: z.object({ sku: z.stringFormat("sku", (value) => value.length > 3) }) }),
    "registry/unrepresentable",
    'z.stringFormat("sku", fn)',
  ],
  [
    "z.httpUrl() (its protocol and hostname rules are not written)",
    () => defineEvent({ name: "a/b.c", data: z.object({ link: z.httpUrl() }) }),
    "registry/unrepresentable",
    "protocol or hostname",
  ],
  [
    "z.url() beside another format check (zod's JSON Schema keeps one)",
    () => defineEvent({ name: "a/b.c", data: z.object({ link: z.url().startsWith("https") }) }),
    "registry/unrepresentable",
    "URL check would be lost",
  ],
  [
    "z.coerce (it converts before checking)",
    () => defineEvent({ name: "a/b.c", data: z.object({ n: z.coerce.number() }) }),
    "registry/unrepresentable",
    "z.coerce",
  ],
  [
    ".catch() (zod accepts any value there)",
    () => defineEvent({ name: "a/b.c", data: z.object({ n: z.number().catch(0) }) }),
    "registry/unrepresentable",
    ".catch()",
  ],
  [
    "z.success() (any input becomes a boolean)",
    () => defineEvent({ name: "a/b.c", data: z.object({ ok: z.success(z.string()) }) }),
    "registry/unrepresentable",
    "z.success()",
  ],
  [
    "a regex with flags (a JSON Schema pattern has none)",
    () => defineEvent({ name: "a/b.c", data: z.object({ code: z.string().regex(/^abc$/i) }) }),
    "registry/unrepresentable",
    "flags (i)",
  ],
  [
    "a regex that Unicode mode refuses",
    // biome-ignore lint/complexity/noUselessEscapeInRegex: the escape is the point: Unicode mode refuses it
    () => defineEvent({ name: "a/b.c", data: z.object({ code: z.string().regex(/^a\-b$/) }) }),
    "registry/unrepresentable",
    "not valid in Unicode mode",
  ],
  [
    "zod's own RFC 5322 email regex, which Unicode mode refuses",
    () => defineEvent({ name: "a/b.c", data: z.object({ email: z.email({ pattern: z.regexes.rfc5322Email }) }) }),
    "registry/unrepresentable",
    "z.regexes.rfc5322Email",
  ],
  [
    "a check after .trim() (it tests the trimmed string)",
    () => defineEvent({ name: "a/b.c", data: z.object({ name: z.string().trim().min(2) }) }),
    "registry/unrepresentable",
    ".trim()",
  ],
  [
    "date object",
    () => defineEvent({ name: "a/b.c", data: z.object({ at: z.date() }) }),
    "registry/unrepresentable",
    "Date",
  ],
  [
    "bigint",
    () => defineEvent({ name: "a/b.c", data: z.object({ n: z.bigint() }) }),
    "registry/unrepresentable",
    "bigint",
  ],
  ["empty versions", () => defineEvent({ name: "a/b.c", versions: [] }), "registry/versions", "empty"],
  [
    "both data and versions",
    () => defineEvent({ name: "a/b.c", data, versions: [{ v: "1.0.0", data }] } as never),
    "registry/versions",
    "both",
  ],
  [
    "unknown mode",
    () => defineEvent({ name: "a/b.c", data, compatibility: "SIDEWAYS" as never }),
    "registry/compatibility",
    "SIDEWAYS",
  ],
  [
    "id template without placeholder",
    () => defineEvent({ name: "a/b.c", data, id: "user-action" }),
    "registry/id-template",
    "no ${field}",
  ],
  [
    "id template naming a missing field",
    () => defineEvent({ name: "a/b.c", data, id: "x-${invoiceId}" }),
    "registry/id-template",
    "${invoiceId}",
  ],
  [
    "id template naming an optional field",
    () => defineEvent({ name: "a/b.c", data: z.object({ key: z.string().optional() }), id: "x-${key}" }),
    "registry/id-template",
    "required string or number",
  ],
  [
    "duplicate names",
    () =>
      defineRegistry({
        app: "a",
        events: [defineEvent({ name: "a/b.c", data }), defineEvent({ name: "a/b.c", data })],
      }),
    "registry/duplicate-name",
    "declared twice",
  ],
  [
    "not an event",
    () => defineRegistry({ app: "a", events: [{ name: "a/b.c" } as never] }),
    "registry/not-an-event",
    "defineEvent",
  ],
  ["no app", () => defineRegistry({ app: "", events: [] }), "registry/app", "no app id"],
];

describe("registry errors", () => {
  test.each(invalid)("%s", (_title, declare, rule, fragment) => {
    const error = registryError(declare);
    const issue = error.issues.find((each) => each.rule === rule);
    expect(issue, `${rule} in ${error.message}`).toBeDefined();
    expect(issue?.message).toContain(fragment);
    expect(issue?.fix).toBeTruthy();
    expect(error.message).toContain(rule);
  });

  test("issues name the declaring file and line", () => {
    const error = registryError(() => defineEvent({ name: "a/b.c", versions: [{ v: "nope", data }] }));
    expect(error.issues[0]?.file).toMatch(/define\.test\.ts$/);
    expect(error.issues[0]?.line).toBeGreaterThan(0);
    expect(error.issues[0]?.event).toBe("a/b.c");
  });

  test("an event's source is the line and column of its defineEvent call", () => {
    const line = Number(new Error().stack?.match(/define\.test\.ts:(\d+):\d+/)?.[1]) + 1;
    const events = [0, 1].map((n) => defineEvent({ name: `a/b${n}.created`, data }));
    const text = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n")[line - 1] ?? "";
    for (const event of events) {
      expect(event.source?.file).toMatch(/define\.test\.ts$/);
      expect([event.source?.line, event.source?.column]).toEqual([line, text.indexOf("defineEvent(") + 1]);
    }
  });

  test("every problem of one event is reported at once", () => {
    const error = registryError(() =>
      defineEvent({
        name: "a/b.c",
        versions: [
          { v: "x", data },
          { v: "1.0.0", data: z.object({ at: z.date() }) },
        ],
      }),
    );
    expect(error.issues.map((issue) => issue.rule).sort()).toEqual([
      "registry/unrepresentable",
      "registry/version-label",
    ]);
  });
});

describe("schemas shared between events and versions", () => {
  const refined = z.string().refine((text) => text.length > 1);
  const unrepresentable = (declare: () => unknown) =>
    registryError(declare)
      .issues.filter((issue) => issue.rule === "registry/unrepresentable")
      .map((issue) => issue.path);

  test("a shared field that JSON Schema cannot express is reported in every event using it", () => {
    expect(unrepresentable(() => defineEvent({ name: "a/b1.c", data: z.object({ n: refined }) }))).toEqual(["/data/n"]);
    expect(unrepresentable(() => defineEvent({ name: "a/b2.c", data: z.object({ m: refined }) }))).toEqual(["/data/m"]);
  });

  test("an object met after its problem was reported elsewhere in one walk is walked again in the next", () => {
    const wrapper = z.object({ inner: refined });
    // here `refined` is reported at /first, so `wrapper`'s walk meets it as already seen: a cache of
    // clean trees must not count `wrapper` as clean for the next event
    expect(unrepresentable(() => defineEvent({ name: "a/b3.c", data: z.object({ first: refined, wrapper }) }))).toEqual(
      ["/data/first"],
    );
    expect(unrepresentable(() => defineEvent({ name: "a/b4.c", data: z.object({ w: wrapper }) }))).toEqual([
      "/data/w/inner",
    ]);
  });

  test("a version made with .extend() from a valid one is checked for what it adds", () => {
    const v1 = z.object({ id: z.string(), items: z.array(z.object({ sku: z.string() })) });
    expect(
      unrepresentable(() =>
        defineEvent({
          name: "a/b5.c",
          versions: [
            { v: "1.0.0", data: v1 },
            { v: "2.0.0", data: v1.extend({ at: z.date() }) },
          ],
        }),
      ),
    ).toEqual(["/data/at"]);
  });
});

describe("valid declarations", () => {
  test("data alone is one implicit, unversioned version", () => {
    const event = defineEvent({ name: "a/b.c", data });
    expect(event.versioned).toBe(false);
    expect(event.versions.map((version) => version.v)).toEqual(["1.0.0"]);
    expect(event.compatibility).toBe("FULL_TRANSITIVE");
  });

  test("z.object is open and z.strictObject closed in the JSON Schema", () => {
    const event = defineEvent({
      name: "a/b.c",
      data: z.object({ open: z.object({ a: z.string() }), closed: z.strictObject({ a: z.string() }) }),
    });
    const properties = event.versions[0]?.dataSchema.properties as Record<string, Record<string, unknown>>;
    expect(properties?.open?.additionalProperties).toBeUndefined();
    expect(properties?.closed?.additionalProperties).toBe(false);
  });

  test("the envelope pins name and version", () => {
    const event = defineEvent({ name: "a/b.c", versions: [{ v: "2024-01-15.1", data }] });
    const envelope = event.versions[0]?.envelopeSchema as { properties: Record<string, unknown>; required: string[] };
    expect(envelope.properties.name).toEqual({ const: "a/b.c" });
    expect(envelope.properties.v).toEqual({ const: "2024-01-15.1" });
    expect(envelope.required).toEqual(["name", "data"]);
  });

  test("a recursive data root refers to the envelope's data, in the envelope only", () => {
    const node: z.ZodType = z.object({
      label: z.string(),
      get children() {
        return z.array(node).optional();
      },
    });
    const event = defineEvent({ name: "a/tree.grown", data: node as z.ZodObject });
    const version = event.versions[0];
    const children = (schema: unknown) =>
      (schema as { properties: { children: { items: unknown } } }).properties.children.items;
    expect(children(version?.dataSchema)).toEqual({ $ref: "#" });
    const envelope = version?.envelopeSchema as { properties: { data: unknown } };
    expect(children(envelope.properties.data)).toEqual({ $ref: "#/properties/data" });
    // the envelope validates a tree as the data schema does
    const validate = createValidatorAjv().compile(compiledSchemaOf(version?.envelopeSchema ?? {}));
    const tree = { label: "a", children: [{ label: "b", children: [{ label: "c" }] }] };
    expect(validate({ name: "a/tree.grown", data: tree })).toBe(true);
    expect(validate({ name: "a/tree.grown", data: { label: "a", children: [{ children: [] }] } })).toBe(false);
  });

  test("a property named __proto__ is copied as a property", () => {
    const schema = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
    const copy = compiledSchemaOf(schema) as { properties: object };
    expect(Object.keys(copy.properties)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(copy.properties)).toBe(Object.prototype);
  });

  test("id templates fill from nested fields", () => {
    expect(fillIdTemplate("item-${order.id}-${n}", { order: { id: "o1" }, n: 2 })).toBe("item-o1-2");
  });
});

describe("version labels", () => {
  test.each([
    ["1.2.0", "semver"],
    ["1.2.0-beta.1", "semver"],
    ["2024-01-15.1", "date"],
    ["2024-02-29.3", "date"],
    ["2023-02-29.1", undefined],
    ["v1.2.0", undefined],
    ["1.2", undefined],
    ["2024-1-15.1", undefined],
  ])("%s is %s", (label, style) => {
    expect(versionStyle(label)).toBe(style);
  });

  test.each([
    ["2024-01-15.1", "2024-01-15.2", -1],
    ["2024-01-15.9", "2024-01-15.10", -1],
    ["2024-01-16.1", "2024-01-15.9", 1],
    ["1.10.0", "1.9.0", 1],
    ["2024-01-15.9007199254740993", "2024-01-15.9007199254740992", 1],
    ["2024-01-15.3", "2024-01-15.3", 0],
  ])("%s vs %s", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe(".meta() keys", () => {
  // [title, data, path, keyword, zod's check in the fix]
  const validating: [string, z.ZodObject, string, string, string][] = [
    ["minimum", z.object({ n: z.number().meta({ minimum: 5 }) }), "/data/n", "minimum", ".gte(5)"],
    [
      "exclusiveMaximum, integer",
      z.object({ n: z.int().meta({ exclusiveMaximum: 9 }) }),
      "/data/n",
      "exclusiveMaximum",
      ".lt(9)",
    ],
    ["pattern", z.object({ s: z.string().meta({ pattern: "^a/b" }) }), "/data/s", "pattern", ".regex(/^a\\/b/)"],
    ["minItems", z.object({ a: z.array(z.string()).meta({ minItems: 1 }) }), "/data/a", "minItems", ".min(1)"],
    [
      "maxLength, nested",
      z.object({ p: z.object({ email: z.string().meta({ maxLength: 3 }) }) }),
      "/data/p/email",
      "maxLength",
      ".max(3)",
    ],
    [
      "another value than zod's",
      z.object({ s: z.string().min(3).meta({ minLength: 5 }) }),
      "/data/s",
      "minLength",
      ".min(5)",
    ],
    ["in an array", z.object({ a: z.array(z.number().meta({ maximum: 2 })) }), "/data/a/items", "maximum", ".lte(2)"],
    [
      "in a nullable field",
      z.object({ a: z.string().meta({ maxLength: 2 }).nullable() }),
      "/data/a",
      "maxLength",
      ".max(2)",
    ],
    [
      "in a branch of a union",
      z.object({ a: z.union([z.number(), z.string().meta({ minLength: 2 })]) }),
      "/data/a",
      "minLength",
      ".min(2)",
    ],
    [
      "on the data object",
      z.object({}).meta({ additionalProperties: false }),
      "/data",
      "additionalProperties",
      "zod's own checks",
    ],
  ];
  test.each(validating)("a validation keyword is an issue: %s", (_title, data, path, keyword, check) => {
    const error = registryError(() => defineEvent({ name: "a/b.c", versions: [{ v: "1.0.0", data }] }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ rule: "registry/meta-keyword", event: "a/b.c", path });
    expect(error.issues[0]?.message).toContain(`version 1.0.0: .meta() sets "${keyword}"`);
    expect(error.issues[0]?.fix).toContain(check);
    expect(error.issues[0]?.fix).toContain(`"x-${keyword}"`);
    expect(error.issues[0]?.file).toMatch(/define\.test\.ts$/);
  });

  test("the issue says what, where and how to fix it", () => {
    const data = z.object({ age: z.number().meta({ minimum: 5 }) });
    const [issue] = registryError(() => defineEvent({ name: "a/b.c", versions: [{ v: "2.0.0", data }] })).issues;
    expect(issue?.path).toBe("/data/age");
    expect(issue?.message).toBe(
      'version 2.0.0: .meta() sets "minimum" to 5, a JSON Schema validation keyword zod does not write there, so the validators would not accept exactly what zod accepts',
    );
    expect(issue?.fix).toBe(
      'express the constraint with zod (.gte(5)), or rename the key to an annotation such as "x-minimum"',
    );
  });

  test("a keyword of another type checks nothing, and the issue says so instead of offering a zod check", () => {
    const data = z.object({ email: z.string().meta({ minimum: 5 }) });
    const [issue] = registryError(() => defineEvent({ name: "a/b.c", versions: [{ v: "2.0.0", data }] })).issues;
    expect(issue?.path).toBe("/data/email");
    expect(issue?.message).toBe(
      'version 2.0.0: .meta() sets "minimum" to 5 on a string: JSON Schema applies it to numbers only, so it checks nothing here',
    );
    expect(issue?.fix).toBe('remove it, or rename the key to an annotation such as "x-minimum"');
  });

  test.each([
    ["annotations", z.string().meta({ foo: 1, "x-pii": true, owner: "team-a" })],
    [
      "documentation keywords",
      z
        .string()
        .describe("d")
        .meta({ title: "t", examples: ["x"], deprecated: true }),
    ],
    ["a validation keyword zod writes itself, with zod's value", z.string().min(3).meta({ minLength: 3 })],
    ["zod's registration id", z.string().meta({ id: "Email" })],
  ])("%s are no issue", (_title, field) => {
    expect(() => defineEvent({ name: "a/b.c", data: z.object({ field }) })).not.toThrow();
  });

  test("every keyword ajv writes checks for is a validation keyword, and no annotation is", () => {
    const { RULES } = createValidatorAjv();
    // `$comment` checks nothing; `id` is zod's registration tag, which zod never writes
    const checked = Object.keys(RULES.all).filter((keyword) => keyword !== "$comment" && keyword !== "id");
    expect(checked.filter((keyword) => !VALIDATION_KEYWORDS.has(keyword))).toEqual([]);
    // keywords without code of their own: annotations and structure, but for `$async`, which ajv
    // reads itself to make the validator return a promise
    const annotations = Object.keys(RULES.keywords).filter(
      (keyword) => !(keyword in RULES.all) && keyword !== "$async",
    );
    expect(annotations).toContain("title");
    expect(annotations.filter((keyword) => VALIDATION_KEYWORDS.has(keyword))).toEqual([]);
  });
});

describe("published JSON Schemas", () => {
  test("carry no format names zod gives its own string checks, so strict validators compile them", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const addFormats = (await import("ajv-formats")).default;
    const event = defineEvent({
      name: "shop/sku.created",
      data: z.object({
        sku: z.string().startsWith("SKU-").endsWith("-X"),
        slug: z.string().lowercase(),
        code: z.string().includes("-"),
        email: z.email(),
      }),
    });
    const [version] = event.versions;
    expect(JSON.stringify(version?.envelopeSchema)).not.toMatch(
      /"format":"(starts_with|ends_with|includes|lowercase)"/,
    );
    expect(JSON.stringify(version?.envelopeSchema)).toContain('"format":"email"');
    // ajv as a consumer of the published schema would use it: strict mode refuses unknown formats
    const ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true });
    addFormats.default(ajv);
    const validate = ajv.compile(version?.envelopeSchema as object);
    expect(
      validate({ name: "shop/sku.created", data: { sku: "SKU-1-X", slug: "a-b", code: "a-b", email: "a@b.io" } }),
    ).toBe(true);
    expect(
      validate({ name: "shop/sku.created", data: { sku: "SKU-1", slug: "a-b", code: "a-b", email: "a@b.io" } }),
    ).toBe(false);
  });
});
