/** Routes planned by the compat engine, the `upcast` helper for replays, and upcasting as a property. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import exampleRegistry from "../../schemas/index.ts";
import { createVersionRouter, upcast, VersionMismatchError } from "../../src/runtime/upcast.ts";
import { brokenRegistry, chainRegistry, v1, v2, v11 } from "./fixtures.ts";

describe("routes, planned once from the compat engine", () => {
  const chain = createVersionRouter(chainRegistry);
  const broken = createVersionRouter(brokenRegistry);
  it.each([
    [chain, "1.0.0", "1.0.0", "same"],
    [chain, "1.0.0", "1.1.0", "compatible"],
    [chain, "1.1.0", "1.0.0", "compatible"],
    [chain, "1.0.0", "2.0.0", "upcast"],
    [chain, "1.1.0", "2.0.0", "upcast"],
    [chain, "2.0.0", "1.1.0", "mismatch"],
    [chain, "2.0.0", "1.0.0", "mismatch"],
    [broken, "1.0.0", "1.1.0", "compatible"],
    [broken, "1.1.0", "2.0.0", "mismatch"],
    [broken, "1.0.0", "2.0.0", "mismatch"],
  ])("%#: %s -> %s is %s", (router, from, to, kind) => {
    expect(router.route("account/user.renamed", from, to)?.kind).toBe(kind);
  });

  it("names the missing step of a chain", () => {
    const route = broken.route("account/user.renamed", "1.0.0", "2.0.0");
    expect(route?.kind === "mismatch" && route.issue.message).toContain('upcast["2.0.0"] (from 1.1.0) is not declared');
  });

  it("returns the same object when versions are equal, and leaves unversioned events alone", () => {
    const event = { name: "account/user.renamed", data: { userId: "u", name: "A" }, v: "1.0.0" };
    expect(chain.read(event, "1.0.0")).toBe(event);
    const router = createVersionRouter(exampleRegistry);
    const paid = { name: "billing/invoice.paid", data: { invoiceId: "in_1" } };
    expect(router.read(paid, "1.0.0")).toBe(paid);
  });
});

describe("upcast(registry, event, to): replaying stored events", () => {
  it("reads a stored 1.0.0 event as 2.0.0, keeping id and ts", () => {
    const stored = {
      name: "account/user.renamed" as const,
      data: { userId: "u1", name: "Ada" },
      v: "1.0.0",
      id: "e1",
      ts: 1,
    };
    const read = upcast(chainRegistry, stored, "2.0.0");
    expect(read).toEqual({
      name: "account/user.renamed",
      data: { userId: "u1", fullName: "Ada" },
      v: "2.0.0",
      id: "e1",
      ts: 1,
    });
    expect(stored.data).toEqual({ userId: "u1", name: "Ada" });
  });

  it("reads the seed's user/profile.updated 2023-11-02.1 as 2024-01-15.1", () => {
    const stored = { name: "user/profile.updated" as const, data: { userId: "u1", changes: {} }, v: "2023-11-02.1" };
    expect(upcast(exampleRegistry, stored, "2024-01-15.1")).toEqual({ ...stored, v: "2024-01-15.1" });
  });

  it("copies data before upcasting: an own __proto__ key stays data, the stored event is untouched", () => {
    const data = JSON.parse('{"userId":"u1","name":"Ada","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const read = upcast(chainRegistry, { name: "account/user.renamed", data, v: "1.0.0" }, "2.0.0");
    expect(read.data).toEqual({ userId: "u1", fullName: "Ada" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(data)).toEqual(["userId", "name", "__proto__"]);
  });

  it.each([
    [
      "an unknown source version",
      { v: "0.9.0", data: { userId: "u1", name: "Ada" } },
      "2.0.0",
      "event/unknown-version",
    ],
    [
      "an unknown version read as itself",
      { v: "9.0.0", data: { userId: "u1", fullName: "Ada" } },
      "9.0.0",
      "event/unknown-version",
    ],
    [
      "an unknown target version",
      { v: "1.0.0", data: { userId: "u1", name: "Ada" } },
      "9.0.0",
      "event/unknown-version",
    ],
    [
      "source data invalid for its own version",
      { v: "1.0.0", data: { userId: "" } },
      "2.0.0",
      "event/version-mismatch",
    ],
    ["a downcast", { v: "2.0.0", data: { userId: "u1", fullName: "Ada" } }, "1.0.0", "event/version-mismatch"],
  ])("throws a VersionMismatchError for %s", (_title, event, to, rule) => {
    const call = () => upcast(chainRegistry, { name: "account/user.renamed", ...event }, to as "2.0.0");
    expect(call).toThrow(VersionMismatchError);
    try {
      call();
    } catch (error) {
      expect((error as VersionMismatchError).issues[0]?.rule).toBe(rule);
    }
  });
});

describe("property: any valid older payload upcasts to a valid latest payload", () => {
  const text = fc.string({ maxLength: 20 });
  const locale = fc.option(fc.string({ minLength: 2, maxLength: 8 }), { nil: undefined });
  const userId = fc.string({ minLength: 1, maxLength: 12 });
  const withoutUndefined = (value: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined));

  it("1.0.0 and 1.1.0 payloads become valid 2.0.0 payloads (checked with zod, not the runtime's ajv)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ userId, name: text }).map((data) => ({ v: "1.0.0", data })),
          fc.record({ userId, name: text, locale }).map((data) => ({ v: "1.1.0", data: withoutUndefined(data) })),
        ),
        ({ v, data }) => {
          expect((v === "1.0.0" ? v1 : v11).safeParse(data).success).toBe(true);
          const read = upcast(chainRegistry, { name: "account/user.renamed", data, v }, "2.0.0");
          expect(v2.safeParse(read.data).success).toBe(true);
          expect(read.data.fullName).toBe(data.name);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("user/profile.updated 2023-11-02.1 payloads are valid 2024-01-15.1 payloads", () => {
    const [oldest, latest] = exampleRegistry.get("user/profile.updated")?.versions.map((version) => version.data) ?? [];
    const theme = fc.option(fc.constantFrom("light", "dark", "system"), { nil: undefined });
    const changes = fc
      .record({
        email: fc.option(fc.emailAddress(), { nil: undefined }),
        name: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
        preferences: fc.option(fc.record({ theme, locale }).map(withoutUndefined), { nil: undefined }),
      })
      .map(withoutUndefined);
    fc.assert(
      fc.property(
        fc.record({ userId, changes }).filter((data) => oldest?.safeParse(data).success === true),
        (data) => {
          const read = upcast(
            exampleRegistry,
            { name: "user/profile.updated", data, v: "2023-11-02.1" },
            "2024-01-15.1",
          );
          expect(latest?.safeParse(read.data).success).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
