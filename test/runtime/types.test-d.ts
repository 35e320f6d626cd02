import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineEvent, defineRegistry } from "../../src/registry/define.ts";
import { createRuntime } from "../../src/runtime/bus.ts";
import type { ReceivedEvent, SerializedError } from "../../src/runtime/types.ts";

const paid = defineEvent({
  name: "billing/invoice.paid",
  versions: [
    { v: "1.0.0", data: z.object({ invoiceId: z.string(), amount: z.number().int() }) },
    {
      v: "1.1.0",
      data: z.object({ invoiceId: z.string(), amount: z.number().int(), currency: z.string().default("usd") }),
    },
  ],
});
const refunded = defineEvent({
  name: "billing/invoice.refunded",
  versions: [{ v: "1.0.0", data: z.object({ invoiceId: z.string(), reason: z.enum(["duplicate", "fraud"]) }) }],
});
const runtime = createRuntime({ registry: defineRegistry({ app: "typed", events: [paid, refunded] }) });

describe("runtime types", () => {
  it("types event.data from the latest version's z.input", () => {
    runtime.on("billing/invoice.paid", { id: "a" }, ({ event }) => {
      expectTypeOf(event.name).toEqualTypeOf<"billing/invoice.paid">();
      expectTypeOf(event.data.invoiceId).toEqualTypeOf<string>();
      expectTypeOf(event.data.currency).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.id).toEqualTypeOf<string>();
      // @ts-expect-error not a field of the event
      event.data.customerId;
    });
  });

  it("types lifecycle events with their documented shapes", () => {
    runtime.on("inngest/function.failed", { id: "b" }, ({ event }) => {
      expectTypeOf(event.data.function_id).toEqualTypeOf<string>();
      expectTypeOf(event.data.error).toEqualTypeOf<SerializedError>();
      expectTypeOf(event.data.event).toEqualTypeOf<ReceivedEvent>();
    });
  });

  it("rejects unknown trigger names and unknown cancelOn events", () => {
    // @ts-expect-error not declared
    runtime.on("billing/invoice.payed", { id: "c" }, () => {});
    // @ts-expect-error not declared
    runtime.on("billing/invoice.paid", { id: "d", cancelOn: [{ event: "billing/nope" }] }, () => {});
    runtime.on("billing/*", { id: "e" }, ({ event }) => {
      expectTypeOf(event.name).toEqualTypeOf<string>();
    });
  });

  it("gives a union for several triggers", () => {
    runtime.on(["billing/invoice.paid", "billing/invoice.refunded"], { id: "f" }, ({ event }) => {
      if (event.name === "billing/invoice.refunded")
        expectTypeOf(event.data.reason).toEqualTypeOf<"duplicate" | "fraud">();
    });
  });

  it("types sends, step.sendEvent and waitForEvent", () => {
    void runtime.send({ name: "billing/invoice.paid", data: { invoiceId: "in_1", amount: 5 } });
    // @ts-expect-error amount must be a number
    void runtime.send({ name: "billing/invoice.paid", data: { invoiceId: "in_1", amount: "5" } });
    // @ts-expect-error lifecycle events are not sent by users
    void runtime.send({ name: "inngest/function.invoked", data: {} });
    runtime.on("billing/invoice.paid", { id: "g" }, async ({ step }) => {
      await step.sendEvent("refund", {
        name: "billing/invoice.refunded",
        data: { invoiceId: "in_1", reason: "fraud" },
      });
      // @ts-expect-error reason is an enum
      await step.sendEvent("bad", { name: "billing/invoice.refunded", data: { invoiceId: "in_1", reason: "whim" } });
      const refund = await step.waitForEvent("wait", {
        event: "billing/invoice.refunded",
        timeout: "1h",
        match: "data.invoiceId",
      });
      expectTypeOf(refund).toEqualTypeOf<ReceivedEvent<
        "billing/invoice.refunded",
        { invoiceId: string; reason: "duplicate" | "fraud" }
      > | null>();
      const total = await step.run("sum", () => 1 + 1);
      expectTypeOf(total).toEqualTypeOf<number>();
    });
  });
});
