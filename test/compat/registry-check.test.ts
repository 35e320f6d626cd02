import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sha256OfJson } from "../../src/compat/canonical.ts";
import { buildLockfile, parseLockfile, serializeLockfile } from "../../src/compat/lockfile.ts";
import { checkRegistry, dataPathOf } from "../../src/compat/registry-check.ts";
import { CompatibilityError } from "../../src/errors.ts";
import { type CompatibilityMode, defineEvent, defineRegistry } from "../../src/registry/define.ts";
import type { JsonSchemaObject } from "../../src/registry/json-schema.ts";

const base = { orderId: z.string(), amount: z.number().int() };

function registryOf(
  versions: { v: string; data: z.ZodObject }[],
  compatibility: CompatibilityMode = "FULL_TRANSITIVE",
) {
  const event = defineEvent({ name: "shop/order.placed", compatibility, versions });
  return defineRegistry({ app: "test", events: [event] });
}

const rules = (issues: { rule: string }[]) => issues.map((issue) => issue.rule);

describe("checkRegistry: modes between versions", () => {
  it.each([
    ["optional field added to z.object", z.object({ ...base, note: z.string().optional() }), "FULL_TRANSITIVE", []],
    [
      "field with a default added to z.object",
      z.object({ ...base, note: z.string().default("") }),
      "FULL_TRANSITIVE",
      [],
    ],
    ["required field added", z.object({ ...base, note: z.string() }), "FULL_TRANSITIVE", ["REQUIRED_PROPERTY_ADDED"]],
    ["required field added under FORWARD", z.object({ ...base, note: z.string() }), "FORWARD", []],
    ["required field added under NONE", z.object({ ...base, note: z.string() }), "NONE", []],
    ["field type changed", z.object({ orderId: z.number(), amount: z.number().int() }), "BACKWARD", ["TYPE_CHANGED"]],
    ["optional field removed from z.object", z.object({ orderId: z.string(), amount: z.number().int() }), "FULL", []],
  ] as const)("%s", (_title, next, mode, kinds) => {
    const first = z.object({ ...base, note: z.string().optional() });
    const start = _title.includes("removed") ? first : z.object(base);
    const issues = checkRegistry(
      registryOf(
        [
          { v: "1.0.0", data: start },
          { v: "1.1.0", data: next },
        ],
        mode,
      ),
    );
    expect(issues.map((issue) => issue.message.match(/: ([A-Z_]+)/)?.[1])).toEqual(kinds);
    for (const issue of issues) {
      expect(issue.rule).toBe("compat/breaking-change");
      expect(issue.event).toBe("shop/order.placed");
      expect(issue.message).toContain("1.1.0");
      expect(issue.message).toContain("1.0.0");
      expect(issue.fix).toMatch(/optional|default|new event name/);
    }
  });

  it("names the data path and the fix for a required field", () => {
    const [issue] = checkRegistry(
      registryOf([
        { v: "1.0.0", data: z.object(base) },
        { v: "1.1.0", data: z.object({ ...base, note: z.string() }) },
      ]),
    );
    expect(issue?.path).toBe("/properties/data/required/note");
    expect(issue?.message).toContain("at data.note");
    expect(issue?.fix).toContain("make it optional");
    expect(issue?.fix).toContain("add a default");
  });

  it("z.strictObject readers are closed: a new optional field breaks FORWARD", () => {
    const issues = checkRegistry(
      registryOf(
        [
          { v: "1.0.0", data: z.strictObject(base) },
          { v: "1.1.0", data: z.strictObject({ ...base, note: z.string().optional() }) },
        ],
        "FORWARD",
      ),
    );
    expect(issues.map((issue) => issue.message.match(/: ([A-Z_]+)/)?.[1])).toEqual([
      "PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL",
    ]);
    expect(issues[0]?.fix).toContain("z.object");
  });

  it("checks every earlier version when the mode is transitive, only the previous otherwise", () => {
    const versions = [
      { v: "1.0.0", data: z.object({ orderId: z.string() }) },
      { v: "1.1.0", data: z.object({ orderId: z.string(), note: z.string().optional() }) },
      {
        v: "1.2.0",
        data: z.object({ orderId: z.string(), note: z.string().optional(), amount: z.number().optional() }),
      },
      { v: "1.3.0", data: z.object({ orderId: z.string().max(5), note: z.string().optional() }) },
    ];
    const transitive = checkRegistry(registryOf(versions, "BACKWARD_TRANSITIVE"));
    const plain = checkRegistry(registryOf(versions, "BACKWARD"));
    expect(transitive.length).toBeGreaterThan(plain.length);
    expect(transitive.some((issue) => issue.message.includes("with 1.0.0"))).toBe(true);
    expect(plain.every((issue) => issue.message.includes("with 1.2.0"))).toBe(true);
  });
});

describe("checkRegistry: the lockfile", () => {
  const v1 = { v: "1.0.0", data: z.object(base) };
  const locked = buildLockfile(registryOf([v1]));

  it("passes when nothing published changed", () => {
    expect(checkRegistry(registryOf([v1]), locked)).toEqual([]);
    expect(
      checkRegistry(registryOf([v1, { v: "1.1.0", data: z.object({ ...base, note: z.string().optional() }) }]), locked),
    ).toEqual([]);
  });

  it("looks up where an event is declared only for an issue: formatting the stack costs", () => {
    // the registry's events, counting reads of `source` (a stack formatted through source maps)
    const counted = (registry: ReturnType<typeof registryOf>) => {
      let reads = 0;
      const events = registry.events.map(
        (event) =>
          new Proxy(event, {
            get: (target, key, receiver) => {
              if (key === "source") reads += 1;
              return Reflect.get(target, key, receiver);
            },
          }),
      );
      const proxied = { ...registry, events, get: (name: string) => events.find((event) => event.name === name) };
      return { registry: proxied as unknown as typeof registry, reads: () => reads };
    };
    const clean = counted(registryOf([v1, { v: "1.1.0", data: z.object({ ...base, note: z.string().optional() }) }]));
    expect(checkRegistry(clean.registry, locked)).toEqual([]);
    expect(clean.reads()).toBe(0);
    const edited = counted(registryOf([{ v: "1.0.0", data: z.object({ ...base, amount: z.number() }) }]));
    const [issue] = checkRegistry(edited.registry, locked);
    expect(issue?.file).toMatch(/registry-check\.test\.ts$/);
    expect(edited.reads()).toBeGreaterThan(0);
  });

  it("judges a mode on new versions: published pairs, unchanged, are not compared again", () => {
    const breaking = { v: "2.0.0", data: z.object({ ...base, amount: z.string() }) };
    // 1.0.0 -> 2.0.0 changed a type; published under NONE
    const published = buildLockfile(registryOf([v1, breaking], "NONE"));
    expect(checkRegistry(registryOf([v1, breaking], "FULL_TRANSITIVE"), published)).toEqual([]);
    // without the lock both are new, and the pair is judged
    expect(rules(checkRegistry(registryOf([v1, breaking], "FULL_TRANSITIVE")))).toEqual(["compat/breaking-change"]);
    // a new version is judged against every published one its mode names
    const third = { v: "3.0.0", data: z.object({ ...base, amount: z.string(), note: z.string().optional() }) };
    const issues = checkRegistry(registryOf([v1, breaking, third], "FULL_TRANSITIVE"), published);
    expect(
      issues.map((issue) => issue.message.match(/version (\S+) breaks \S+ compatibility with (\S+):/)?.slice(1)),
    ).toEqual([["3.0.0", "1.0.0"]]);
    // an edited published version is new again: compared as well as reported
    const edited = { v: "2.0.0", data: z.object({ ...base, amount: z.boolean() }) };
    expect(rules(checkRegistry(registryOf([v1, edited], "FULL_TRANSITIVE"), published))).toEqual([
      "compat/version-changed",
      "compat/breaking-change",
    ]);
  });

  it("fails when a published version was edited, showing the diff", () => {
    const issues = checkRegistry(registryOf([{ v: "1.0.0", data: z.object({ ...base, amount: z.number() }) }]), locked);
    expect(rules(issues)).toEqual(["compat/version-changed"]);
    expect(issues[0]?.message).toContain("published version 1.0.0 of shop/order.placed was edited");
    expect(issues[0]?.message).toContain("TYPE_EXTENDED at /properties/data/properties/amount/type");
    expect(issues[0]?.fix).toContain("new version");
  });

  it.each([
    ["a description", z.number().int().describe("in cents")],
    ["annotations of the app's own", z.number().int().meta({ "x-pii": true, owner: "team-a" })],
    ["deprecated", z.number().int().meta({ deprecated: true })],
  ])("ignores %s added to a published version, as documentation", (_title, amount) => {
    expect(checkRegistry(registryOf([{ v: "1.0.0", data: z.object({ ...base, amount }) }]), locked)).toEqual([]);
  });

  it("reads a property named like an annotation as a property", () => {
    const issues = checkRegistry(
      registryOf([{ v: "1.0.0", data: z.object({ ...base, "x-pii": z.string() }) }]),
      locked,
    );
    expect(rules(issues)).toEqual(["compat/version-changed"]);
    expect(issues[0]?.message).toContain("/properties/data/properties/x-pii");
  });

  it("matches a lock that recorded annotations to the same version without them", () => {
    const annotated = registryOf([
      { v: "1.0.0", data: z.object({ ...base, amount: z.number().int().meta({ foo: 1 }) }) },
    ]);
    const schema = annotated.events[0]?.versions[0]?.envelopeSchema as JsonSchemaObject;
    const older = structuredClone(locked);
    older.events["shop/order.placed"] = { "1.0.0": { schema, sha256: sha256OfJson(schema) } };
    expect(checkRegistry(registryOf([v1]), older)).toEqual([]);
  });

  it("matches a lock that recorded zod's names for its string checks (format starts_with) to the same version", () => {
    const sku = { ...base, orderId: z.string().startsWith("ord_").endsWith("_x") };
    const current = registryOf([{ v: "1.0.0", data: z.object(sku) }]);
    const schema = structuredClone(current.events[0]?.versions[0]?.envelopeSchema) as JsonSchemaObject;
    // what zod writes and evreg published before these names were left out
    const data = schema.properties as { data: { properties: { orderId: JsonSchemaObject } } };
    data.data.properties.orderId.format = "ends_with";
    const older = structuredClone(locked);
    older.events["shop/order.placed"] = { "1.0.0": { schema, sha256: sha256OfJson(schema) } };
    expect(checkRegistry(current, older)).toEqual([]);
    // the same checks chained in the other order are the same schema
    const reordered = { ...base, orderId: z.string().endsWith("_x").startsWith("ord_") };
    expect(checkRegistry(registryOf([{ v: "1.0.0", data: z.object(reordered) }]), older)).toEqual([]);
  });

  it("fails when a published version or event vanished", () => {
    const other = defineRegistry({
      app: "test",
      events: [defineEvent({ name: "shop/cart.created", data: z.object({}) })],
    });
    expect(rules(checkRegistry(registryOf([{ v: "1.1.0", data: z.object(base) }]), locked))).toContain(
      "compat/version-vanished",
    );
    const gone = checkRegistry(other, locked);
    expect(rules(gone)).toEqual(["compat/version-vanished"]);
    expect(gone[0]?.message).toContain("shop/order.placed");
  });

  it("fails when a new label goes backwards", () => {
    const later = buildLockfile(registryOf([{ v: "2.0.0", data: z.object(base) }]));
    const issues = checkRegistry(registryOf([v1, { v: "2.0.0", data: z.object(base) }]), later);
    expect(rules(issues)).toEqual(["compat/version-order"]);
    expect(issues[0]?.message).toContain("1.0.0");
  });

  it("detects a hand-edited lockfile entry", () => {
    const tampered = structuredClone(locked);
    const entry = tampered.events["shop/order.placed"]?.["1.0.0"];
    if (entry) entry.schema.required = ["name"];
    expect(rules(checkRegistry(registryOf([v1]), tampered))).toEqual(["compat/lockfile"]);
  });

  it("serializes deterministically with sorted keys and round-trips", () => {
    const text = serializeLockfile(locked);
    expect(serializeLockfile(buildLockfile(registryOf([v1])))).toBe(text);
    expect(text.indexOf('"app"')).toBeLessThan(text.indexOf('"events"'));
    expect(text.indexOf('"events"')).toBeLessThan(text.indexOf('"lockfileVersion"'));
    expect(parseLockfile(text, "lock.json")).toEqual(locked);
    expect(locked.events["shop/order.placed"]?.["1.0.0"]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["{nope"],
    ["[]"],
    ['{"lockfileVersion":1,"events":{"a":{"1.0.0":{}}}}'],
  ])("rejects a bad lockfile %s", (text) => {
    expect(() => parseLockfile(text, "lock.json")).toThrow(CompatibilityError);
  });
});

describe("dataPathOf", () => {
  it.each([
    ["/properties/data/properties/amount/type", "data.amount"],
    ["/properties/data/required/note", "data.note"],
    ["/properties/data/properties/items/items/properties/id", "data.items[].id"],
    ["/properties/data/properties/pair/prefixItems/1", "data.pair[1]"],
    ["/anyOf/0", ""],
  ])("%s -> %s", (pointer, expected) => {
    expect(dataPathOf(pointer)).toBe(expected);
  });
});
