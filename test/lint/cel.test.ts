import { describe, expect, it } from "vitest";
import { type CelScope, checkCelExpression, checkMatchPath } from "../../src/lint/cel.ts";
import { systemRegistry } from "../../src/registry/system.ts";

const signup = {
  type: "object",
  properties: {
    userId: { type: "string" },
    plan: { type: "string", enum: ["free", "pro"] },
    items: {
      type: "array",
      items: { type: "object", properties: { id: { type: "string" }, quantity: { type: "integer" } } },
    },
    profile: { anyOf: [{ type: "object", properties: { email: { type: "string" } } }, { type: "null" }] },
    tags: { type: "object", additionalProperties: { type: "string" } },
  },
  required: ["userId"],
};
const sent = { type: "object", properties: { userId: { type: "string" }, messageId: { type: "string" } } };
const sentV2 = {
  type: "object",
  properties: { userId: { type: "string" }, messageId: { type: "string" }, provider: { type: "string" } },
};
const wait: CelScope = { event: [signup], async: [sent, sentV2], variables: ["event", "async"] };

describe("checkCelExpression: good paths", () => {
  it.each([
    "event.data.userId == async.data.userId",
    "event.data.plan == 'pro' && async.data.provider == 'ses'", // provider only in the second version
    "event.data.items[0].quantity > 1",
    "event.data.items.exists(i, i.id == async.data.messageId)",
    "size(event.data.items) > 0 && event.data.items.all(item, item.quantity > 0)",
    "has(event.data.profile.email)",
    "event.data.tags.anything == 'x'",
    "event.data['userId'] == async.data.userId",
    "event.name == 'user/signup.completed' && event.ts > 0 && async.id != ''",
    "type(event.data.userId) == string",
    // comprehension variables: elements of the list they iterate, nested, or not checked at all
    "event.data.items.exists_one(item, item.id == 'a') && event.data.items.map(i, i.quantity).size() > 0",
    "event.data.items.filter(i, i.quantity > 1).all(j, j.anything)",
    "event.data.tags.all(key, key.startsWith('x'))",
    "[1, 2].all(x, x.anything)",
  ])("%s", (expression) => {
    expect(checkCelExpression(expression, wait)).toEqual([]);
  });

  it("does not check a side whose schema is unknown", () => {
    expect(checkCelExpression("event.data.whatever == async.data.userId", { ...wait, event: undefined })).toEqual([]);
  });

  it("accepts any field of a loose object (system events)", () => {
    const failed = systemRegistry.get("inngest/function.failed")?.versions.map((version) => version.dataSchema);
    expect(
      checkCelExpression("event.data.error.code == 'X' && event.data.function_id != ''", {
        event: failed,
        variables: ["event"],
      }),
    ).toEqual([]);
  });
});

describe("checkCelExpression: unknown fields", () => {
  it.each([
    ["event.data.userId == async.data.usrId", "async.data.usrId", 32, '"userId"'],
    ["event.data.usrId == async.data.userId", "event.data.usrId", 11, '"userId"'],
    ["event.data.items[0].qty > 1", "event.data.items[0].qty", 20, '"quantity"'],
    ["event.data.items.exists(i, i.id == async.data.mesageId)", "async.data.mesageId", 46, '"messageId"'],
    ["event.dta.userId == ''", "event.dta", 6, '"data"'],
    ["evnt.data.userId == ''", "evnt", 0, "event.data"],
    ["event.data.items.all(i, i.qty > 0)", "event.data.items[*].qty", 26, '"quantity"'],
    ["event.data.items.map(item, item.idd)", "event.data.items[*].idd", 32, '"id"'],
    ["event.data.itemz.all(i, i.zzz)", "event.data.itemz", 11, '"items"'],
  ])("%s -> %s", (expression, path, offset, fix) => {
    const [finding, ...rest] = checkCelExpression(expression, wait);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: "code/unknown-field", path, offset });
    expect(finding?.fix).toContain(fix);
  });

  it("rejects async in a trigger expression", () => {
    expect(checkCelExpression("async.data.userId == ''", { event: [signup], variables: ["event"] })).toMatchObject([
      { rule: "code/unknown-field", path: "async", offset: 0 },
    ]);
  });
});

describe("checkCelExpression: parse errors", () => {
  it.each([
    ["event.data.userId == ", 18],
    ["event.data.userId = 'x'", 18],
    ["(event.data.userId", 18],
    ["", 0],
  ])("%j is invalid at offset %i", (expression, offset) => {
    expect(checkCelExpression(expression, wait)).toMatchObject([{ rule: "code/invalid-expression", offset }]);
  });

  it("says an expression nests too deeply rather than quoting a stack overflow", () => {
    const deep = `${"(".repeat(5000)}event.data.userId == 'x'${")".repeat(5000)}`;
    const [finding] = checkCelExpression(deep, wait);
    expect(finding?.rule).toBe("code/invalid-expression");
    expect(finding?.message).toContain("nests too deeply");
    expect(finding?.message).not.toContain("call stack");
  });
});

describe("checkMatchPath", () => {
  it("checks both sides", () => {
    expect(checkMatchPath("data.userId", wait)).toEqual([]);
    expect(checkMatchPath("data.plan", wait)).toMatchObject([
      { rule: "code/unknown-field", path: "async.data.plan", offset: 5 },
    ]);
    expect(checkMatchPath("data.messageId", wait)).toMatchObject([
      { rule: "code/unknown-field", path: "event.data.messageId" },
    ]);
  });
  it.each(["userId", "data.", "data.user id", "data"])("%j is not a data path", (match) => {
    expect(checkMatchPath(match, wait)).toMatchObject([{ rule: "code/invalid-expression" }]);
  });
});
