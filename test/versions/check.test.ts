/** `evreg check` and `defineEvent` with upcasters: what an upcaster excuses, what it cannot, and its declaration. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import exampleRegistry from "../../schemas/index.ts";
import { checkRegistry } from "../../src/compat/registry-check.ts";
import { RegistryError } from "../../src/errors.ts";
import { type CompatibilityMode, defineEvent, defineRegistry } from "../../src/registry/define.ts";
import { renamedEvent, renamedWithoutUpcaster } from "./fixtures.ts";

const base = { orderId: z.string() };
const noteRequired = z.object({ ...base, note: z.string() });

function noteEvent(mode: CompatibilityMode, withUpcaster: boolean) {
  return defineEvent({
    name: "shop/order.placed",
    compatibility: mode,
    versions: [
      { v: "1.0.0", data: z.object(base) },
      { v: "1.1.0", data: noteRequired },
    ],
    ...(withUpcaster ? { upcast: { "1.1.0": (old: { orderId: string }) => ({ ...old, note: "" }) } } : {}),
  });
}

const check = (event: ReturnType<typeof noteEvent> | ReturnType<typeof renamedEvent>, upcasterWarnings = false) =>
  checkRegistry(defineRegistry({ app: "t", events: [event] }), undefined, { upcasterWarnings }).map((issue) => ({
    rule: issue.rule,
    severity: issue.severity,
    message: issue.message,
    fix: issue.fix ?? "",
  }));

describe("evreg check: a step new readers cannot read (required field added)", () => {
  it.each<[CompatibilityMode, boolean, boolean, { rule: string; severity: string }[]]>([
    ["FULL_TRANSITIVE", false, false, [{ rule: "compat/breaking-change", severity: "error" }]],
    ["FULL_TRANSITIVE", true, false, []],
    ["BACKWARD", false, false, [{ rule: "compat/breaking-change", severity: "error" }]],
    ["BACKWARD", true, false, []],
    ["NONE", false, true, [{ rule: "compat/missing-upcaster", severity: "warning" }]],
    ["NONE", true, true, []],
    ["NONE", false, false, []],
    ["FORWARD", false, true, [{ rule: "compat/missing-upcaster", severity: "warning" }]],
    ["FORWARD_TRANSITIVE", true, true, []],
  ])("%s, upcaster %s, warnings %s", (mode, withUpcaster, warnings, expected) => {
    const issues = check(noteEvent(mode, withUpcaster), warnings);
    expect(issues.map(({ rule, severity }) => ({ rule, severity }))).toEqual(expected);
    for (const issue of issues) {
      expect(issue.message).toContain("1.1.0");
      expect(issue.message).toContain("1.0.0");
      expect(issue.fix).toContain('upcast: { "1.1.0"');
    }
  });
});

describe("evreg check: what an upcaster cannot excuse", () => {
  it("a rename under FULL still breaks readers on the older version (forward)", () => {
    const issues = check(renamedEvent("FULL"));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.message).toContain("readers still on 1.1.0 reject events written with 2.0.0");
      expect(issue.message).not.toContain("readers on 2.0.0 reject");
    }
  });

  it("a transitive chain is covered when every step is readable or upcast", () => {
    expect(check(renamedEvent("BACKWARD_TRANSITIVE"), true)).toEqual([]);
    const missing = check(renamedWithoutUpcaster("BACKWARD_TRANSITIVE"));
    expect(missing.some((issue) => issue.message.includes("with 1.0.0"))).toBe(true);
    expect(missing.some((issue) => issue.message.includes("with 1.1.0"))).toBe(true);
  });

  it("the example registry still checks clean (auditInfo is additive: no upcaster needed)", () => {
    expect(checkRegistry(exampleRegistry, undefined, { upcasterWarnings: true })).toEqual([]);
  });
});

describe("defineEvent: declaring upcasters", () => {
  const two = [
    { v: "1.0.0", data: z.object(base) },
    { v: "1.1.0", data: noteRequired },
  ] as const;
  it.each([
    ["an unknown target", { "2.0.0": () => ({}) }, 'upcast["2.0.0"] names no declared version', "1.1.0"],
    ["the first version", { "1.0.0": () => ({}) }, "targets the first version", "1.1.0"],
    ["a non-function", { "1.1.0": "note" }, "is not a function", "1.0.0 data into 1.1.0 data"],
    ["a non-object", [], "is not an object of functions", "upcast: {"],
  ])("rejects %s", (_title, upcast, message, fix) => {
    let caught: unknown;
    try {
      defineEvent({ name: "shop/order.placed", versions: two, upcast: upcast as never });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RegistryError);
    const [issue] = (caught as RegistryError).issues;
    expect(issue?.rule).toBe("registry/upcast");
    expect(issue?.message).toContain(message);
    expect(issue?.fix).toContain(fix);
    expect(issue?.file).toMatch(/check\.test\.ts$/);
  });

  it("rejects upcast on an event with data alone", () => {
    expect(() =>
      defineEvent({ name: "shop/order.placed", data: z.object(base), upcast: { "1.0.0": () => ({}) } as never }),
    ).toThrow(/`upcast` needs `versions`/);
  });

  it("keeps the upcasters on the definition", () => {
    const event = renamedEvent();
    expect(Object.keys(event.upcast ?? {})).toEqual(["2.0.0"]);
    expect(event.upcast?.["2.0.0"]?.({ userId: "u", name: "Ada" })).toEqual({ userId: "u", fullName: "Ada" });
  });
});
