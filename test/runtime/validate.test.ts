import fc from "fast-check";
import { describe, expect, it } from "vitest";
import registry from "../../schemas/index.ts";
import { EventValidationError, type Issue } from "../../src/errors.ts";
import { createEventValidator, type PrecompiledValidators } from "../../src/runtime/validate.ts";
import { ANNOTATED_NAME, annotatedPayloads, annotatedRegistry, zodAccepts } from "../fixtures/annotated.ts";

const invoice = {
  name: "billing/invoice.paid",
  data: {
    customerId: "cus_NffrFeUfNV2Hib",
    invoiceId: "in_1J5g2n2eZvKYlo2C0Z1Z2Z3Z",
    userId: "user_03028hf09j2d02",
    amount: 1000,
    metadata: { accountId: "acct_1", accountName: "Acme.ai" },
  },
};
const profile = {
  name: "user/profile.updated",
  data: {
    userId: "user_123",
    changes: { email: "new@example.com" },
    auditInfo: { changedBy: "user_456", reason: "user_requested" },
  },
};

const validator = createEventValidator({ registry });

class Money {
  amount = 1;
}

type Case = [title: string, event: unknown, want: Partial<Issue>[]];

const rejected: Case[] = [
  ["a string instead of an event", "billing/invoice.paid", [{ rule: "event/not-object", path: "/" }]],
  ["no name", { data: {} }, [{ rule: "event/name", path: "/name" }]],
  [
    "an unknown name, with a suggestion",
    { ...invoice, name: "billing/invoice.payed" },
    [{ rule: "event/unknown-name", fix: expect.stringContaining('"billing/invoice.paid"') }],
  ],
  ["a 257-character name", { ...invoice, name: `billing/${"x".repeat(249)}` }, [{ rule: "event/name-too-long" }]],
  ["the reserved inngest/ prefix", { name: "inngest/function.failed", data: {} }, [{ rule: "event/reserved-prefix" }]],
  [
    "the reserved prefix in another case",
    { name: "Inngest/function.failed", data: {} },
    [{ rule: "event/reserved-prefix" }],
  ],
  ["no data", { name: invoice.name }, [{ rule: "event/data", path: "/data" }]],
  ["data null", { ...invoice, data: null }, [{ rule: "event/data", message: expect.stringContaining("null") }]],
  [
    "data an array",
    { ...invoice, data: [invoice.data] },
    [{ rule: "event/data", message: expect.stringContaining("array") }],
  ],
  [
    "data a class instance",
    { ...invoice, data: new Money() },
    [{ rule: "event/data", message: expect.stringContaining("class instance") }],
  ],
  [
    "a Date inside data",
    { ...invoice, data: { ...invoice.data, paidAt: new Date(0) } },
    [{ rule: "event/data-not-json", path: "/data/paidAt", fix: expect.stringContaining("toISOString") }],
  ],
  [
    "__proto__ from JSON.parse",
    { ...invoice, data: JSON.parse(`{"customerId":"cus_1","__proto__":{"isAdmin":true}}`) },
    [{ rule: "event/data-not-json", path: "/data/__proto__" }],
  ],
  [
    "constructor.prototype pollution",
    { ...invoice, data: { ...invoice.data, metadata: { constructor: { prototype: { isAdmin: true } } } } },
    [{ rule: "event/data-not-json", path: "/data/metadata/constructor" }],
  ],
  [
    "NaN in data",
    { ...invoice, data: { ...invoice.data, amount: Number.NaN } },
    [{ rule: "event/data-not-json", path: "/data/amount" }],
  ],
  ["an empty id", { ...invoice, id: "" }, [{ rule: "event/id", path: "/id" }]],
  ["a numeric id", { ...invoice, id: 42 }, [{ rule: "event/id" }]],
  [
    "ts in seconds",
    { ...invoice, ts: 1_700_000_000 },
    [{ rule: "event/ts", fix: expect.stringContaining("milliseconds") }],
  ],
  ["ts after 2100", { ...invoice, ts: Date.UTC(2100, 0, 2) }, [{ rule: "event/ts" }]],
  ["a fractional ts", { ...invoice, ts: 1_700_000_000_000.5 }, [{ rule: "event/ts" }]],
  [
    "an unknown v names the known versions",
    { ...profile, v: "2024-02-01.1" },
    [{ rule: "event/unknown-version", message: expect.stringContaining("2023-11-02.1, 2024-01-15.1") }],
  ],
  ["a non-string v", { ...profile, v: 2 }, [{ rule: "event/v" }]],
  [
    "a missing required field",
    { ...invoice, data: { ...invoice.data, invoiceId: undefined } },
    [{ rule: "event/schema", path: "/data/invoiceId", fix: "add data.invoiceId" }],
  ],
  [
    "a wrong type",
    { ...invoice, data: { ...invoice.data, amount: "1000" } },
    [{ rule: "event/schema", path: "/data/amount", message: expect.stringContaining("must be integer") }],
  ],
  [
    "a pattern the schema declares",
    { ...invoice, data: { ...invoice.data, customerId: "acct_1" } },
    [{ rule: "event/schema", path: "/data/customerId" }],
  ],
  [
    "an enum value of the old version only",
    { ...profile, data: { ...profile.data, auditInfo: { changedBy: "x", reason: "whim" } } },
    [{ rule: "event/schema", path: "/data/auditInfo/reason", fix: expect.stringContaining('"user_requested"') }],
  ],
  [
    "a 300 KiB id (the size counts the whole envelope)",
    { ...invoice, id: "x".repeat(300 * 1024) },
    [{ rule: "event/too-large" }],
  ],
  [
    "a 300 KiB field beside the five envelope keys (sizes count every key)",
    { ...invoice, user: "x".repeat(300 * 1024) },
    [{ rule: "event/too-large" }],
  ],
  [
    "an event over 256 KiB",
    { ...invoice, data: { ...invoice.data, metadata: { accountId: "a", accountName: "x".repeat(256 * 1024) } } },
    [{ rule: "event/too-large" }],
  ],
];

describe("event validation", () => {
  it.each(rejected)("rejects %s", (_title, event, want) => {
    const { issues } = validator.check(event);
    expect(issues).toEqual(want.map((issue) => expect.objectContaining({ severity: "error", index: 0, ...issue })));
    for (const issue of issues) expect(issue.fix).toBeTruthy();
  });

  it.each([
    ["an unversioned event without v", invoice, { name: "billing/invoice.paid" }],
    ["a versioned event without v", profile, { v: "2024-01-15.1" }],
    [
      "an older version by its v",
      { ...profile, v: "2023-11-02.1", data: { userId: "u", changes: {} } },
      { v: "2023-11-02.1" },
    ],
    ["an id and a ts", { ...invoice, id: "invoice-paid-in_1", ts: Date.UTC(2024, 0, 1) }, { id: "invoice-paid-in_1" }],
    ["unknown data fields (z.object is open)", { ...invoice, data: { ...invoice.data, extra: true } }, {}],
  ])("accepts %s", (_title, event, want) => {
    const { events, issues } = validator.check(event);
    expect(issues).toEqual([]);
    expect(events[0]).toMatchObject(want);
  });

  it("leaves v out for an unversioned event sent without one", () => {
    expect(validator.assert(invoice)[0]).not.toHaveProperty("v");
  });

  it("requires v when the runtime is configured so", () => {
    const strict = createEventValidator({ registry, requireVersion: true });
    expect(strict.check(profile).issues).toEqual([
      expect.objectContaining({ rule: "event/version-required", path: "/v" }),
    ]);
    expect(strict.check(invoice).issues).toEqual([]);
  });

  it("raises the size limit up to 3 MiB and no further", () => {
    const big = {
      ...invoice,
      data: { ...invoice.data, metadata: { accountId: "a", accountName: "x".repeat(300 * 1024) } },
    };
    expect(createEventValidator({ registry, maxEventBytes: 1024 * 1024 }).check(big).issues).toEqual([]);
    expect(() => createEventValidator({ registry, maxEventBytes: 4 * 1024 * 1024 })).toThrow(/3 MiB/);
  });

  it("rejects a whole batch for one bad event, naming each bad index", () => {
    const batch = [invoice, { ...invoice, ts: 5 }, invoice, { ...profile, v: "9.9.9" }];
    const error = (() => {
      try {
        validator.assert(batch);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EventValidationError);
    const issues = (error as EventValidationError).issues;
    expect(issues.map((issue) => [issue.index, issue.rule])).toEqual([
      [1, "event/ts"],
      [3, "event/unknown-version"],
    ]);
    expect((error as Error).message).toContain("Rejected the whole batch of 4: 2 events are not valid");
  });

  it("accepts 5,000 events per send and rejects 5,001", () => {
    expect(validator.check(Array.from({ length: 5_000 }, () => invoice)).issues).toEqual([]);
    expect(validator.check(Array.from({ length: 5_001 }, () => invoice)).issues).toEqual([
      expect.objectContaining({ rule: "send/too-many-events" }),
    ]);
  });

  it("uses precompiled validators when given", () => {
    let calls = 0;
    const alwaysFails = Object.assign(
      (_data: unknown) => {
        calls++;
        alwaysFails.errors = [
          {
            keyword: "required",
            instancePath: "/data",
            schemaPath: "#",
            params: { missingProperty: "fromPrecompiled" },
          },
        ];
        return false;
      },
      {
        errors: null as
          | { keyword: string; instancePath: string; schemaPath: string; params: Record<string, unknown> }[]
          | null,
      },
    );
    const custom = createEventValidator({ registry, validators: { "billing/invoice.paid": { "1.0.0": alwaysFails } } });
    expect(custom.check(invoice).issues).toEqual([expect.objectContaining({ path: "/data/fromPrecompiled" })]);
    expect(calls).toBe(1);
  });
});

const names = [...registry.events.map((event) => event.name), "inngest/function.failed", "x", ""];

describe("validation never crashes", () => {
  it("returns Issues or accepts, for any JSON-ish envelope", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            name: fc.oneof(fc.constantFrom(...names), fc.string(), fc.anything()),
            data: fc.oneof(fc.object(), fc.anything(), fc.constant(JSON.parse('{"__proto__":{"a":1}}'))),
            id: fc.oneof(fc.string(), fc.anything()),
            ts: fc.oneof(fc.integer(), fc.double(), fc.anything()),
            v: fc.oneof(fc.constantFrom("1.0.0", "2024-01-15.1", "2023-11-02.1"), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        (event) => {
          const { events, issues } = validator.check(event);
          expect(events.length + issues.length).toBeGreaterThan(0);
          for (const issue of issues) {
            expect(issue.rule).toMatch(/^(event|send)\//);
            expect(issue.message.length).toBeGreaterThan(0);
            expect(issue.index).toBe(0);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("throws nothing but EventValidationError from assert, for anything at all", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything(), { maxLength: 5 })), (input) => {
        try {
          validator.assert(input);
        } catch (error) {
          expect(error).toBeInstanceOf(EventValidationError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("rejects cycles and deep nesting with an Issue", () => {
    const cyclic: Record<string, unknown> = { ...invoice.data };
    cyclic.metadata = { accountId: "a", accountName: "b", self: cyclic };
    expect(validator.check({ ...invoice, data: cyclic }).issues).toEqual([
      expect.objectContaining({
        rule: "event/data-not-json",
        path: "/data/metadata/self",
        message: "circular reference",
      }),
    ]);
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 2_000; level++) deep = { deep };
    expect(validator.check({ ...invoice, data: { ...invoice.data, metadata: deep } }).issues[0]?.message).toMatch(
      /nested deeper/,
    );
  });
});

describe("with the generated precompiled validators", () => {
  it("gives the same verdicts as validators compiled at start-up", async () => {
    const { validators } = (await import("../../generated/validators.js")) as { validators: PrecompiledValidators };
    const precompiled = createEventValidator({ registry, validators });
    for (const [, event] of rejected) expect(precompiled.check(event).issues).toEqual(validator.check(event).issues);
    expect(precompiled.check(invoice).issues).toEqual([]);
    expect(precompiled.check(profile).issues).toEqual([]);
  });
});

describe("a registry with .meta() annotations", () => {
  it("compiles at start-up and gives zod's verdicts, ignoring the annotations", () => {
    const annotated = createEventValidator({ registry: annotatedRegistry });
    for (const [title, data, accepted] of annotatedPayloads) {
      expect(zodAccepts(data), title).toBe(accepted);
      expect(annotated.check({ name: ANNOTATED_NAME, data }).issues.length === 0, title).toBe(accepted);
    }
  });
});
