/**
 * Version-aware delivery in the bundled runtime: handlers pinned to a version (or unpinned, reading
 * the latest) receive every event as that version; mismatches fail the run like any handler
 * failure, once, with inngest/function.failed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import exampleRegistry from "../../schemas/index.ts";
import { EvregError } from "../../src/errors.ts";
import { defineEvent, defineRegistry, type Registry } from "../../src/registry/define.ts";
import { type Activity, createRuntime } from "../../src/runtime/bus.ts";
import { manualClock } from "../../src/runtime/clock.ts";
import type { ReceivedEvent } from "../../src/runtime/types.ts";
import { brokenRegistry, chainRegistry } from "./fixtures.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

function setup<R extends Registry>(registry: R) {
  const activity: Activity[] = [];
  const runtime = createRuntime({
    registry,
    clock: manualClock(),
    backoff: () => 1,
    onActivity: (each) => activity.push(each),
  });
  open.push(runtime);
  return { runtime, activity };
}

const payloads = {
  "1.0.0": { userId: "u1", name: "Ada Lovelace" },
  "1.1.0": { userId: "u1", name: "Ada Lovelace", locale: "en-GB" },
  "2.0.0": { userId: "u1", fullName: "Ada Lovelace", locale: "en-GB" },
} as const;

type Label = keyof typeof payloads;

describe("delivery matrix: event version x handler version", () => {
  it.each<[string, Label, Label | undefined, { v: Label; data: Record<string, unknown> } | "mismatch"]>([
    ["same version passes untouched", "1.0.0", "1.0.0", { v: "1.0.0", data: payloads["1.0.0"] }],
    ["same version, the latest", "2.0.0", "2.0.0", { v: "2.0.0", data: payloads["2.0.0"] }],
    ["older, readable (additive change): validated, passed", "1.0.0", "1.1.0", { v: "1.1.0", data: payloads["1.0.0"] }],
    ["newer, readable by older readers (forward path)", "1.1.0", "1.0.0", { v: "1.0.0", data: payloads["1.1.0"] }],
    ["older, unreadable: upcast", "1.1.0", "2.0.0", { v: "2.0.0", data: payloads["2.0.0"] }],
    [
      "chain: readable step, then upcaster",
      "1.0.0",
      "2.0.0",
      { v: "2.0.0", data: { userId: "u1", fullName: "Ada Lovelace" } },
    ],
    ["unpinned reads the latest", "1.1.0", undefined, { v: "2.0.0", data: payloads["2.0.0"] }],
    ["newer, unreadable: no downcast", "2.0.0", "1.1.0", "mismatch"],
    ["newest to oldest: no downcast", "2.0.0", "1.0.0", "mismatch"],
  ])("%s (%s -> %s)", async (_title, sent, pinned, expected) => {
    const { runtime, activity } = setup(chainRegistry);
    const seen: ReceivedEvent[] = [];
    const trigger = pinned ? { event: "account/user.renamed" as const, v: pinned } : "account/user.renamed";
    runtime.on(trigger, { id: "reader", retries: 3 }, ({ event }) => {
      seen.push(event);
    });
    await runtime.send({ name: "account/user.renamed", data: payloads[sent], v: sent } as never);
    await runtime.idle();
    if (expected === "mismatch") {
      expect(seen).toEqual([]);
      const failed = activity.filter((each) => each.type === "run.failed");
      expect(failed).toHaveLength(1);
      expect(activity.some((each) => each.type === "run.retrying")).toBe(false);
      expect(failed[0]).toMatchObject({ attempt: 0, error: { name: "VersionMismatchError" } });
      return;
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: "account/user.renamed", v: expected.v });
    expect(seen[0]?.data).toEqual(expected.data);
  });
});

describe("a missing upcaster", () => {
  it("fails the run once with a VersionMismatchError naming event, versions and upcaster; other handlers run", async () => {
    const { runtime, activity } = setup(brokenRegistry);
    const failures: { functionId: string; error: { name: string; message: string }; sentV: unknown }[] = [];
    const finished: string[] = [];
    const old: unknown[] = [];
    runtime.on({ event: "account/user.renamed", v: "2.0.0" }, { id: "new-reader", retries: 4 }, () => {
      throw new Error("unreachable: the handler must not run");
    });
    runtime.on({ event: "account/user.renamed", v: "1.0.0" }, { id: "old-reader" }, ({ event }) => {
      old.push(event.data);
    });
    runtime.on("inngest/function.failed", { id: "on-failed" }, ({ event }) => {
      failures.push({ functionId: event.data.function_id, error: event.data.error, sentV: event.data.event.v });
    });
    runtime.on("inngest/function.finished", { id: "on-finished" }, ({ event }) => {
      finished.push(event.data.function_id);
    });
    await runtime.send({ name: "account/user.renamed", data: payloads["1.1.0"], v: "1.1.0" });
    await runtime.idle();

    expect(old).toEqual([payloads["1.1.0"]]);
    expect(failures).toHaveLength(1);
    const [failure] = failures;
    expect(failure?.functionId).toBe("versions-new-reader");
    expect(failure?.sentV).toBe("1.1.0");
    expect(failure?.error.name).toBe("VersionMismatchError");
    expect(failure?.error.message).toContain("account/user.renamed");
    expect(failure?.error.message).toContain("1.1.0");
    expect(failure?.error.message).toContain("2.0.0");
    expect(failure?.error.message).toContain('upcast["2.0.0"]');
    expect(finished).toContain("versions-new-reader");
    expect(activity.filter((each) => each.type === "run.retrying")).toEqual([]);
  });
});

describe("upcaster output", () => {
  const base = { userId: z.string(), name: z.string() };
  const make = (upcaster: (old: { userId: string; name: string }) => unknown) =>
    defineRegistry({
      app: "versions",
      events: [
        defineEvent({
          name: "account/user.renamed",
          compatibility: "NONE",
          versions: [
            { v: "1.0.0", data: z.object(base) },
            { v: "2.0.0", data: z.object({ userId: z.string(), fullName: z.string().min(1) }) },
          ],
          upcast: { "2.0.0": upcaster as never },
        }),
      ],
    });

  it.each([
    ["invalid data", () => ({ userId: "u1", fullName: "" }), "event/version-mismatch", "/data/fullName"],
    ["a missing field", (old: { userId: string }) => ({ userId: old.userId }), "event/version-mismatch", "/data"],
    ["not an object", () => "Ada", "event/upcast-failed", undefined],
    [
      "a throw",
      () => {
        throw new Error("no name");
      },
      "event/upcast-failed",
      undefined,
    ],
  ] as const)("is checked: %s fails the run without retries", async (_title, upcaster, rule, path) => {
    const { runtime, activity } = setup(make(upcaster));
    let ran = false;
    runtime.on("account/user.renamed", { id: "reader", retries: 2 }, () => {
      ran = true;
    });
    await runtime.send({ name: "account/user.renamed", data: { userId: "u1", name: "Ada" }, v: "1.0.0" });
    await runtime.idle();
    expect(ran).toBe(false);
    const failed = activity.find((each) => each.type === "run.failed");
    expect(failed).toMatchObject({ attempt: 0, error: { name: "VersionMismatchError" } });
    const message = failed?.type === "run.failed" ? failed.error.message : "";
    expect(message).toContain(rule);
    if (path) expect(message).toContain(path);
    expect(message).toContain('upcast["2.0.0"]');
  });

  it("does not let an upcaster that mutates its input change what other handlers see", async () => {
    const mutating = make((old) => {
      const changed = old as unknown as Record<string, unknown>;
      changed.fullName = changed.name;
      delete changed.name;
      return changed;
    });
    const { runtime } = setup(mutating);
    const seen: Record<string, unknown>[] = [];
    runtime.on("account/user.renamed", { id: "new" }, ({ event }) => {
      seen.push(event.data);
    });
    runtime.on({ event: "account/user.renamed", v: "1.0.0" }, { id: "old" }, ({ event }) => {
      seen.push(event.data);
    });
    await runtime.send({ name: "account/user.renamed", data: { userId: "u1", name: "Ada" }, v: "1.0.0" });
    await runtime.idle();
    expect(seen).toContainEqual({ userId: "u1", name: "Ada" });
    expect(seen).toContainEqual({ userId: "u1", fullName: "Ada" });
  });
});

describe("pinning", () => {
  it.each([
    ["an undeclared version", { event: "account/user.renamed", v: "3.0.0" }, /not a version of account\/user.renamed/],
    ["a version on a wildcard", { event: "account/*", v: "1.0.0" }, /matches many events/],
  ])("rejects %s at registration", (_title, trigger, message) => {
    const { runtime } = setup(chainRegistry);
    expect(() => runtime.on(trigger as never, { id: "bad" }, () => {})).toThrow(EvregError);
    expect(() => runtime.on(trigger as never, { id: "bad" }, () => {})).toThrow(message);
  });

  it("gives waitForEvent the latest version", async () => {
    const { runtime } = setup(chainRegistry);
    const waited: (ReceivedEvent | null)[] = [];
    runtime.on({ event: "account/user.renamed", v: "1.0.0" }, { id: "waiter" }, async ({ step }) => {
      waited.push(await step.waitForEvent("next", { event: "account/user.renamed", timeout: "1h" }));
    });
    await runtime.send({ name: "account/user.renamed", data: payloads["1.0.0"], v: "1.0.0" });
    await runtime.idle();
    await runtime.send({ name: "account/user.renamed", data: payloads["1.1.0"], v: "1.1.0" });
    await runtime.idle();
    expect(waited).toHaveLength(1);
    expect(waited[0]).toMatchObject({ v: "2.0.0", data: payloads["2.0.0"] });
  });
});

describe("the example registry: user/profile.updated", () => {
  const old = { userId: "u1", changes: { name: "Ada" } };
  const current = { ...old, auditInfo: { changedBy: "admin_1", reason: "admin_action" as const } };

  it("an unpinned handler reads a 2023-11-02.1 event as 2024-01-15.1 (additive: no upcaster needed)", async () => {
    const { runtime } = setup(exampleRegistry);
    const seen: ReceivedEvent[] = [];
    runtime.on("user/profile.updated", { id: "latest" }, ({ event }) => {
      seen.push(event);
    });
    await runtime.send({ name: "user/profile.updated", data: old, v: "2023-11-02.1" });
    await runtime.idle();
    expect(seen).toEqual([expect.objectContaining({ v: "2024-01-15.1", data: old })]);
  });

  it("a handler pinned to 2023-11-02.1 reads a 2024-01-15.1 event (forward compatible)", async () => {
    const { runtime } = setup(exampleRegistry);
    const seen: ReceivedEvent[] = [];
    runtime.on({ event: "user/profile.updated", v: "2023-11-02.1" }, { id: "old" }, ({ event }) => {
      seen.push(event);
    });
    await runtime.send({ name: "user/profile.updated", data: current, v: "2024-01-15.1" });
    await runtime.idle();
    expect(seen).toEqual([expect.objectContaining({ v: "2023-11-02.1", data: current })]);
  });
});
