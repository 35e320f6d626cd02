import { afterEach, describe, expect, it } from "vitest";
import registry from "../../schemas/index.ts";
import { EventValidationError } from "../../src/errors.ts";
import type { Registry } from "../../src/registry/define.ts";
import { type Activity, createRuntime, type RuntimeOptions } from "../../src/runtime/bus.ts";
import { manualClock } from "../../src/runtime/clock.ts";

const signup = {
  name: "user/signup.completed" as const,
  data: { userId: "user_123", email: "user@example.com", plan: "pro" as const },
};
const invoice = {
  name: "billing/invoice.paid" as const,
  id: "invoice-paid-in_1",
  data: {
    customerId: "cus_1",
    invoiceId: "in_1",
    userId: "user_123",
    amount: 1000,
    metadata: { accountId: "a", accountName: "Acme" },
  },
};

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

function setup(options: Partial<RuntimeOptions<typeof registry>> = {}) {
  const clock = manualClock();
  const activity: Activity[] = [];
  const runtime = createRuntime({
    registry,
    clock,
    backoff: () => 1_000,
    onActivity: (each) => activity.push(each),
    ...options,
  });
  open.push(runtime);
  return { runtime, clock, activity };
}

describe("fan-out", () => {
  it("runs every handler of an event independently; one failing does not stop the others", async () => {
    const { runtime, clock } = setup();
    const done: string[] = [];
    const lifecycle: { name: string; functionId: unknown; error?: unknown }[] = [];
    runtime.on("user/signup.completed", { id: "send-welcome-email" }, async ({ event, step }) => {
      await step.run("send-email", () => done.push(`email:${event.data.email}`));
    });
    runtime.on("user/signup.completed", { id: "create-trial", retries: 2 }, async ({ step }) => {
      await step.run("create-subscription", () => {
        throw new Error("stripe is down");
      });
    });
    runtime.on("user/signup.completed", { id: "add-to-crm" }, async ({ event }) => {
      done.push(`crm:${event.data.plan}`);
      return { synced: true };
    });
    runtime.on("inngest/function.failed", { id: "handle-failed-functions" }, ({ event }) => {
      lifecycle.push({ name: event.name, functionId: event.data.function_id, error: event.data.error.message });
    });
    runtime.on("inngest/function.finished", { id: "watch-finished" }, ({ event }) => {
      lifecycle.push({
        name: event.name,
        functionId: event.data.function_id,
        ...(event.data.error ? { error: event.data.error.message } : {}),
      });
    });

    await runtime.send(signup);
    await runtime.idle();
    expect(done.sort()).toEqual(["crm:pro", "email:user@example.com"]);
    expect(lifecycle.filter((each) => each.functionId === "evreg-example-create-trial")).toEqual([]);

    await clock.advance(2_000);
    const trial = lifecycle.filter((each) => each.functionId === "evreg-example-create-trial");
    expect(trial).toEqual([
      { name: "inngest/function.failed", functionId: "evreg-example-create-trial", error: "stripe is down" },
      { name: "inngest/function.finished", functionId: "evreg-example-create-trial", error: "stripe is down" },
    ]);
    expect(
      lifecycle
        .filter((each) => each.name === "inngest/function.finished")
        .map((each) => each.functionId)
        .sort(),
    ).toEqual(["evreg-example-add-to-crm", "evreg-example-create-trial", "evreg-example-send-welcome-email"]);
    // Lifecycle handlers do not emit lifecycle events of their own (no endless loop).
    expect(lifecycle.some((each) => String(each.functionId).includes("watch-finished"))).toBe(false);
  });

  it("retries with backoff, replaying steps that succeeded from memo", async () => {
    const { runtime, clock, activity } = setup();
    let charged = 0;
    const attempts: number[] = [];
    runtime.on("billing/invoice.paid", { id: "book-revenue", retries: 3 }, async ({ step, attempt }) => {
      attempts.push(attempt);
      const receipt = await step.run("charge", () => ++charged);
      if (attempt < 2) throw new Error(`flaky ${attempt}`);
      return { receipt };
    });
    await runtime.send(invoice);
    await runtime.idle();
    expect(attempts).toEqual([0]);
    await clock.advance(999);
    expect(attempts).toEqual([0]);
    await clock.advance(1);
    expect(attempts).toEqual([0, 1]);
    await clock.advance(1_000);
    expect(attempts).toEqual([0, 1, 2]);
    expect(charged).toBe(1);
    expect(activity.find((each) => each.type === "run.completed")).toMatchObject({ result: { receipt: 1 } });
    expect(activity.filter((each) => each.type === "run.retrying")).toHaveLength(2);
  });

  it("does not retry a NonRetriableError", async () => {
    const { runtime, activity } = setup();
    let attempts = 0;
    runtime.on("billing/invoice.paid", { id: "strict", retries: 5 }, () => {
      attempts++;
      throw Object.assign(new Error("bad invoice"), { name: "NonRetriableError" });
    });
    await runtime.send(invoice);
    await runtime.idle();
    expect(attempts).toBe(1);
    expect(activity.find((each) => each.type === "run.failed")).toMatchObject({
      attempt: 0,
      error: { message: "bad invoice" },
    });
  });
});

describe("runs in a batch", () => {
  it("sync and async handlers, throwing or not, each complete once; runId is stable across retries", async () => {
    const { runtime, clock, activity } = setup();
    const seen: { id: string; attempt: number; runId: string; hasStep: boolean }[] = [];
    runtime.on("billing/invoice.paid", { id: "sync" }, ({ event, runId, attempt, step }) => {
      seen.push({ id: event.id, attempt, runId, hasStep: typeof step.run === "function" });
    });
    runtime.on("billing/invoice.paid", { id: "async" }, async ({ event }) => `async:${event.id}`);
    runtime.on("billing/invoice.paid", { id: "flaky", retries: 1 }, (context) => {
      seen.push({ id: `flaky:${context.event.id}`, attempt: context.attempt, runId: context.runId, hasStep: false });
      if (context.attempt === 0) throw new Error("first attempt fails");
    });
    const batch = ["a", "b", "c"].map((suffix) => ({ ...invoice, id: `batch-${suffix}` }));
    expect((await runtime.send(batch)).ids).toEqual(["batch-a", "batch-b", "batch-c"]);
    await clock.advance(1_000);
    await runtime.idle();

    expect(seen.filter((each) => !each.id.startsWith("flaky")).map((each) => each.id)).toEqual(batch.map((e) => e.id));
    expect(seen.every((each) => each.id.startsWith("flaky") || each.hasStep)).toBe(true);
    for (const event of batch) {
      const attempts = seen.filter((each) => each.id === `flaky:${event.id}`);
      expect(attempts.map((each) => each.attempt)).toEqual([0, 1]);
      expect(new Set(attempts.map((each) => each.runId)).size).toBe(1);
    }
    const completed = activity.flatMap((each) => (each.type === "run.completed" ? [each] : []));
    expect(completed).toHaveLength(9);
    expect(completed.filter((each) => each.functionId.endsWith("-async")).map((each) => each.result)).toEqual(
      batch.map((event) => `async:${event.id}`),
    );
    expect(new Set(completed.map((each) => each.runId)).size).toBe(9);
  });
});

describe("send", () => {
  it("delivers an id once within 24 hours and reports the duplicate", async () => {
    const { runtime, clock } = setup();
    let runs = 0;
    runtime.on("billing/invoice.paid", { id: "on-paid" }, () => {
      runs++;
    });
    expect(await runtime.send(invoice)).toEqual({ ids: ["invoice-paid-in_1"] });
    expect(await runtime.send(invoice)).toEqual({ ids: ["invoice-paid-in_1"], duplicates: ["invoice-paid-in_1"] });
    await runtime.idle();
    expect(runs).toBe(1);
    await clock.advance(24 * 60 * 60 * 1000);
    await runtime.send(invoice);
    await runtime.idle();
    expect(runs).toBe(2);
  });

  it("dedups repeated ids inside one batch", async () => {
    const { runtime } = setup();
    const result = await runtime.send([invoice, { ...invoice, data: { ...invoice.data, amount: 5 } }]);
    expect(result.duplicates).toEqual(["invoice-paid-in_1"]);
  });

  it("holds an event with ts in the future until then, and delivers a past ts now", async () => {
    const { runtime, clock } = setup();
    const seen: number[] = [];
    runtime.on("trial/reminder.send", { id: "remind" }, ({ event }) => {
      seen.push(event.ts);
    });
    const inOneHour = clock.now() + 60 * 60 * 1000;
    await runtime.send({
      name: "trial/reminder.send",
      ts: inOneHour,
      data: { userId: "u1", trialExpiresAt: "2024-02-15T12:00:00Z" },
    });
    await runtime.send({
      name: "trial/reminder.send",
      ts: clock.now() - 5_000,
      data: { userId: "u2", trialExpiresAt: "2024-02-15T12:00:00Z" },
    });
    await runtime.idle();
    expect(seen).toEqual([clock.now() - 5_000]);
    await clock.advance(60 * 60 * 1000 - 1);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect(seen).toEqual([clock.now() - 60 * 60 * 1000 - 5_000, inOneHour]);
  });

  it("delivers the data as it was sent, whatever the sender or a handler does with the object afterwards", async () => {
    const { runtime, clock } = setup();
    const seen: unknown[] = [];
    runtime.on("billing/invoice.paid", { id: "changes-its-event" }, ({ event }) => {
      seen.push(structuredClone(event.data));
      (event.data as { amount: number }).amount = -1;
    });
    const data = structuredClone(invoice.data);
    const sent = structuredClone(data);
    await runtime.send({ ...invoice, data, ts: clock.now() + 60 * 60 * 1000 });
    // what validation accepted at send, changed into what it would refuse while the event waits
    (data as Record<string, unknown>).amount = "a thousand";
    data.metadata.accountId = "changed";
    await clock.advance(60 * 60 * 1000);
    await runtime.idle();
    expect(seen).toEqual([sent]);
    expect(data).toEqual({ ...sent, amount: "a thousand", metadata: { ...sent.metadata, accountId: "changed" } });
  });

  it("rejects user sends of inngest/ events and bad batches before delivering anything", async () => {
    const { runtime } = setup();
    let runs = 0;
    runtime.on("billing/invoice.paid", { id: "on-paid" }, () => {
      runs++;
    });
    await expect(runtime.send({ name: "inngest/function.failed", data: {} } as never)).rejects.toThrow(
      /reserved prefix/,
    );
    await expect(
      runtime.send([invoice, { ...invoice, id: "other", data: { ...invoice.data, amount: -1 } }]),
    ).rejects.toBeInstanceOf(EventValidationError);
    await runtime.idle();
    expect(runs).toBe(0);
    // The valid event of the rejected batch was not marked as seen either.
    expect(await runtime.send(invoice)).toEqual({ ids: ["invoice-paid-in_1"] });
  });

  it("fills ts with the reception time and v with the latest version", async () => {
    const { runtime, clock } = setup();
    const received: unknown[] = [];
    runtime.on("user/profile.updated", { id: "on-profile" }, ({ event }) => {
      received.push(event);
    });
    const { ids } = await runtime.send({ name: "user/profile.updated", data: { userId: "u1", changes: {} } });
    await runtime.idle();
    expect(received).toEqual([
      {
        name: "user/profile.updated",
        id: ids[0],
        ts: clock.now(),
        v: "2024-01-15.1",
        data: { userId: "u1", changes: {} },
      },
    ]);
  });
});

describe("steps", () => {
  it("sends once per step id even when the function retries", async () => {
    const { runtime, clock } = setup();
    const welcomes: string[] = [];
    runtime.on("user/signup.completed", { id: "onboarding", retries: 1 }, async ({ event, step, attempt }) => {
      await step.sendEvent("fan-out", {
        name: "email/welcome.send",
        data: { userId: event.data.userId, email: event.data.email, plan: event.data.plan },
      });
      if (attempt === 0) throw new Error("crash after sending");
    });
    runtime.on("email/welcome.send", { id: "welcome" }, ({ event }) => {
      welcomes.push(event.data.userId as string);
    });
    await runtime.send(signup);
    await clock.advance(1_000);
    expect(welcomes).toEqual(["user_123"]);
  });

  it("waitForEvent matches with a CEL if (event = trigger, async = candidate) and times out with null", async () => {
    const { runtime, clock } = setup();
    const results: unknown[] = [];
    runtime.on("user/signup.completed", { id: "wait-email" }, async ({ step }) => {
      const sent = await step.waitForEvent("email-sent", {
        event: "email/welcome.sent",
        timeout: "5m",
        if: "event.data.userId == async.data.userId",
      });
      results.push(sent?.data.messageId ?? null);
    });
    await runtime.send(signup);
    await runtime.send({ ...signup, data: { ...signup.data, userId: "user_999" } });
    await runtime.idle();
    await runtime.send({
      name: "email/welcome.sent",
      data: { userId: "user_other", messageId: "m0", sentAt: "2024-01-15T09:00:00Z" },
    });
    await runtime.send({
      name: "email/welcome.sent",
      data: { userId: "user_123", messageId: "m1", sentAt: "2024-01-15T09:00:00Z" },
    });
    await runtime.idle();
    expect(results).toEqual(["m1"]);
    await clock.advance(5 * 60 * 1000);
    expect(results).toEqual(["m1", null]);
  });

  it("a bad CEL expression fails the run once, with the expression in the error", async () => {
    const { runtime, activity } = setup();
    runtime.on("user/signup.completed", { id: "bad-cel", retries: 3 }, async ({ step }) => {
      await step.waitForEvent("x", { event: "email/welcome.sent", timeout: "1m", if: "event.data.userId ==" });
    });
    await runtime.send(signup);
    await runtime.idle();
    expect(activity.filter((each) => each.type === "run.failed")).toEqual([
      expect.objectContaining({
        attempt: 0,
        error: expect.objectContaining({ message: expect.stringContaining("is not valid CEL") }),
      }),
    ]);
  });

  it("sleeps on the clock", async () => {
    const { runtime, clock } = setup();
    const marks: string[] = [];
    runtime.on("user/signup.completed", { id: "drip" }, async ({ step }) => {
      marks.push("start");
      await step.sleep("wait-a-day", "1d");
      marks.push("after");
    });
    await runtime.send(signup);
    await runtime.idle();
    await clock.advance(24 * 60 * 60 * 1000 - 1);
    expect(marks).toEqual(["start"]);
    await clock.advance(1);
    expect(marks).toEqual(["start", "after"]);
  });
});

describe("cancelOn", () => {
  it("cancels a waiting run and emits inngest/function.cancelled", async () => {
    const { runtime, clock } = setup();
    const marks: string[] = [];
    const cancelled: unknown[] = [];
    runtime.on(
      "user/signup.completed",
      { id: "trial-reminder", cancelOn: [{ event: "billing/invoice.paid", match: "data.userId" }] },
      async ({ step }) => {
        await step.sleep("wait", "3d");
        marks.push("reminded");
      },
    );
    runtime.on("inngest/function.cancelled", { id: "on-cancelled" }, ({ event }) => {
      cancelled.push(event.data.function_id);
    });
    await runtime.send(signup);
    await runtime.send({ ...signup, id: "second", data: { ...signup.data, userId: "user_other" } });
    await runtime.idle();
    await runtime.send(invoice);
    await runtime.idle();
    expect(cancelled).toEqual(["evreg-example-trial-reminder"]);
    await clock.advance(3 * 24 * 60 * 60 * 1000);
    expect(marks).toEqual(["reminded"]);
  });
});

describe("triggers", () => {
  it("filters with a trigger if, and wildcard triggers match a domain", async () => {
    const { runtime } = setup();
    const seen: string[] = [];
    runtime.on(
      { event: "user/signup.completed", if: "event.data.plan == 'team'" },
      { id: "team-only" },
      ({ event }) => {
        seen.push(`team:${event.data.userId}`);
      },
    );
    runtime.on("user/*", { id: "all-user-events" }, ({ event }) => {
      seen.push(`any:${event.name}`);
    });
    await runtime.send([signup, { ...signup, data: { ...signup.data, userId: "t1", plan: "team" } }]);
    await runtime.idle();
    expect(seen.sort()).toEqual(["any:user/signup.completed", "any:user/signup.completed", "team:t1"]);
  });

  it("refuses unknown trigger names and duplicate function ids", () => {
    const { runtime } = setup();
    expect(() => runtime.on("user/signup.complete" as never, { id: "a" }, () => {})).toThrow(EventValidationError);
    runtime.on("user/signup.completed", { id: "a" }, () => {});
    expect(() => runtime.on("user/signup.completed", { id: "a" }, () => {})).toThrow(/already registered/);
  });

  it("reports a trigger with bad CEL through onError and never runs it", async () => {
    const errors: Error[] = [];
    const { runtime } = setup({ onError: (error) => errors.push(error) });
    let runs = 0;
    runtime.on({ event: "user/signup.completed", if: "event.data.plan ==" }, { id: "broken" }, () => {
      runs++;
    });
    await runtime.send(signup);
    await runtime.idle();
    expect(runs).toBe(0);
    expect(errors[0]?.message).toMatch(/code\/invalid-expression/);
    expect(runtime.errors).toHaveLength(1);
  });

  it("says a trigger's CEL nests too deeply rather than quoting a stack overflow", async () => {
    const errors: Error[] = [];
    const { runtime } = setup({ onError: (error) => errors.push(error) });
    const deep = `${"(".repeat(5000)}event.data.plan == 'pro'${")".repeat(5000)}`;
    runtime.on({ event: "user/signup.completed", if: deep }, { id: "deep" }, () => {});
    await runtime.send(signup);
    await runtime.idle();
    expect(errors[0]?.message).toMatch(/code\/invalid-expression/);
    expect(errors[0]?.message).toContain("nests too deeply");
  });

  it("works with a registry loaded at run time (untyped)", async () => {
    const { loadRegistry } = await import("../../src/registry/load.ts");
    const loaded: Registry = await loadRegistry("schemas/index.ts");
    const runtime = createRuntime({ registry: loaded, clock: manualClock() });
    open.push(runtime);
    const names: string[] = [];
    runtime.on("billing/invoice.paid", { id: "x" }, ({ event }) => {
      names.push(event.name);
    });
    await runtime.send(invoice);
    await runtime.idle();
    expect(names).toEqual(["billing/invoice.paid"]);
  });
});

describe("bad input never crashes the runtime", () => {
  it("every send resolves with ids or rejects with an EventValidationError", async () => {
    const { runtime } = setup();
    runtime.on("billing/*", { id: "billing" }, () => {});
    const fc = (await import("fast-check")).default;
    const envelope = fc.record(
      {
        name: fc.oneof(
          fc.constantFrom(...registry.events.map((event) => event.name), "inngest/function.failed"),
          fc.string(),
          fc.anything(),
        ),
        data: fc.oneof(fc.constant(invoice.data), fc.object(), fc.anything()),
        id: fc.oneof(fc.string(), fc.anything()),
        ts: fc.oneof(fc.integer(), fc.anything()),
        v: fc.oneof(fc.constantFrom("1.0.0", "2024-01-15.1"), fc.anything()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(envelope, fc.array(envelope, { maxLength: 4 }), fc.anything()), async (input) => {
        let result: { ids: string[] } | undefined;
        try {
          result = await runtime.send(input as never);
        } catch (error) {
          expect(error).toBeInstanceOf(EventValidationError);
        }
        if (result) expect(result.ids).toHaveLength(Array.isArray(input) ? input.length : 1);
      }),
      { numRuns: 300 },
    );
    await runtime.idle();
    expect(runtime.errors).toEqual([]);
  });
});
