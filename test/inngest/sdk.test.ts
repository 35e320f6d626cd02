/**
 * The generated client with the real inngest v4 SDK, no server: payloads built by the helpers pass
 * the SDK's own schema validation (backed by our precompiled validators), bad ones fail it, and
 * functions built with the generated event types trigger on the right names.
 */
import { Inngest } from "inngest";
import { describe, expect, test } from "vitest";
import { billing, eventTypes, order, system, user } from "../../generated/events.ts";
import { examplePayloads } from "../fixtures/examples.ts";

const inngest = new Inngest({ id: "evreg-sdk-test" });
const invoice = examplePayloads["billing/invoice.paid"]?.["1.0.0"] as Parameters<typeof billing.invoicePaid.create>[0];

describe("generated event types in the inngest SDK", () => {
  test("create() sets the id from the template and passes the SDK's validate()", async () => {
    const event = billing.invoicePaid.create(invoice);
    expect(event.name).toBe("billing/invoice.paid");
    expect(event.id).toBe("invoice-paid-in_1J5g2n2eZvKYlo2C0Z1Z2Z3Z");
    expect(event.v).toBeUndefined();
    await expect(event.validate()).resolves.toBeUndefined();
  });

  test("versioned events get the latest v unless told otherwise", () => {
    const latest = user.profileUpdated.create({ userId: "u1", changes: {} });
    expect(latest.v).toBe("2024-01-15.1");
    const old = user.profileUpdated.create({ userId: "u1", changes: {} }, { v: "2023-11-02.1", ts: 1_700_000_000_000 });
    expect(old.v).toBe("2023-11-02.1");
    expect(old.ts).toBe(1_700_000_000_000);
  });

  test("an explicit id wins over the template", () => {
    expect(billing.invoicePaid.create(invoice, { id: "custom" }).id).toBe("custom");
  });

  test("a payload that breaks the schema fails the SDK's validate() with the JSON path", async () => {
    const bad = order.placed.create({ orderId: "ord_1", customerId: "cus_1", amount: -5, items: [] });
    await expect(bad.validate()).rejects.toThrow(/amount/);
  });

  test("the SDK sees the right trigger names", () => {
    const onPaid = inngest.createFunction({ id: "on-paid", triggers: [billing.invoicePaid] }, async () => "ok");
    const onFailed = inngest.createFunction(
      { id: "on-failed", triggers: [system.functionFailed, eventTypes["order/placed"]] },
      async () => "ok",
    );
    const triggers = (fn: unknown) =>
      (fn as { getConfig: (options: { baseUrl: URL; appPrefix: string }) => { triggers: { event?: string }[] }[] })
        .getConfig({ baseUrl: new URL("http://127.0.0.1:3000/api/inngest"), appPrefix: "evreg-sdk-test" })[0]
        ?.triggers.map((trigger) => trigger.event);
    expect(triggers(onPaid)).toEqual(["billing/invoice.paid"]);
    expect(triggers(onFailed)).toEqual(["inngest/function.failed", "order/placed"]);
  });
});
