import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { copyJson } from "../../src/runtime/json-value.ts";

/** Every object and array inside a value, the value itself included. */
function containers(value: unknown, found: object[] = []): object[] {
  if (typeof value !== "object" || value === null) return found;
  found.push(value);
  for (const child of Object.values(value)) containers(child, found);
  return found;
}

describe("copyJson: what an upcaster gets, so it cannot change the event other handlers read", () => {
  it("copies any JSON value deeply: equal, and no object or array shared with the original", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = copyJson(value);
        expect(copy).toStrictEqual(value);
        const originals = new Set(containers(value));
        for (const inner of containers(copy)) expect(originals.has(inner)).toBe(false);
      }),
    );
  });

  it.each([
    ["a nested own __proto__ key", '{"a":{"__proto__":{"x":1}}}'],
    ["an own __proto__ key at the top", '{"__proto__":{"y":2},"b":[{"__proto__":[1]}]}'],
  ])("keeps %s as data, never as the prototype", (_title, json) => {
    const value = JSON.parse(json) as unknown;
    const copy = copyJson(value);
    expect(JSON.stringify(copy)).toBe(json);
    for (const inner of containers(copy))
      expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(inner));
  });

  it("changing the copy leaves the original as it was, at every depth", () => {
    const original = { items: [{ sku: "a", tags: ["x"] }], note: "n" };
    const copy = copyJson(original);
    copy.items[0]?.tags.push("y");
    (copy.items[0] as { sku: string }).sku = "b";
    copy.note = "m";
    expect(original).toEqual({ items: [{ sku: "a", tags: ["x"] }], note: "n" });
  });

  it("copies own fields only, even when Object.prototype has an enumerable object property", () => {
    Object.defineProperty(Object.prototype, "polluted", {
      value: { x: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
    try {
      expect(Object.keys(copyJson({ own: { a: 1 } }))).toEqual(["own"]);
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });
});
