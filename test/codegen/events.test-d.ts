/**
 * Every type promise of generated/events.ts: the right uses compile, each misuse is a compile error.
 */
import { Inngest } from "inngest";
import { describe, expectTypeOf, test } from "vitest";
import {
  billing,
  type EventData,
  type EventName,
  type EventPayload,
  type Events,
  type EventVersion,
  eventTypes,
  type LatestPayload,
  type LatestVersion,
  order,
  payment,
  type SendableEventName,
  send,
  system,
  user,
} from "../../generated/events.ts";

const inngest = new Inngest({ id: "types" });

const paid = {
  customerId: "cus_1",
  invoiceId: "in_1",
  userId: "user_1",
  amount: 1000,
  metadata: { accountId: "acct_1", accountName: "Acme" },
};

describe("create helpers", () => {
  test("a right payload compiles and keeps its name and data types", () => {
    const event = billing.invoicePaid.create(paid);
    expectTypeOf(event.name).toEqualTypeOf<"billing/invoice.paid">();
    expectTypeOf(event.data.amount).toEqualTypeOf<number>();
  });

  test("a missing required field is an error", () => {
    // @ts-expect-error invoiceId is required
    billing.invoicePaid.create({ customerId: "cus_1", userId: "u", amount: 1, metadata: paid.metadata });
  });

  test("a wrong field type is an error", () => {
    // @ts-expect-error amount is a number
    billing.invoicePaid.create({ ...paid, amount: "1000" });
  });

  test("an extra field in an object literal is an error", () => {
    // @ts-expect-error extra is not declared
    billing.invoicePaid.create({ ...paid, extra: true });
  });

  test("an enum outside its values is an error", () => {
    // @ts-expect-error priority is "high" | "normal"
    user.signupCompleted.create({ userId: "u", email: "a@b.co", plan: "gold" });
  });

  test("versioned events: latest by default, an older version with its own shape and `v`", () => {
    const latest = user.profileUpdated.create({
      userId: "u",
      changes: {},
      auditInfo: { changedBy: "admin", reason: "admin_action" },
    });
    expectTypeOf(latest.v).toEqualTypeOf<"2024-01-15.1" | undefined>();
    const old = user.profileUpdated.create({ userId: "u", changes: {} }, { v: "2023-11-02.1" });
    expectTypeOf(old.data).toEqualTypeOf<EventData<"user/profile.updated", "2023-11-02.1">>();
    const auditInfo = { changedBy: "a", reason: "admin_action" } as const;
    // One line: TypeScript 5.9 reports this error at the call, TypeScript 7 at its first argument.
    // @ts-expect-error auditInfo does not exist in 2023-11-02.1
    user.profileUpdated.create({ userId: "u", changes: {}, auditInfo }, { v: "2023-11-02.1" });
  });

  test("a wrong `v` literal is an error", () => {
    // @ts-expect-error no such version
    user.profileUpdated.create({ userId: "u", changes: {} }, { v: "2024-01-16.1" });
    expectTypeOf<EventVersion<"user/profile.updated">>().toEqualTypeOf<"2023-11-02.1" | "2024-01-15.1">();
  });

  test("an extra field in a strict object is an error", () => {
    // paymentMethod is declared with fixed fields; a literal with more is rejected
    payment.chargeSucceeded.create({
      chargeId: "ch_1",
      customerId: "cus_1",
      amount: 1,
      currency: "usd",
      // @ts-expect-error cvc is not a field of paymentMethod
      paymentMethod: { type: "card", last4: "4242", brand: "visa", cvc: "123" },
      metadata: { source: "stripe_webhook", environment: "production" },
    });
  });
});

describe("send", () => {
  test("typed payloads and batches compile", () => {
    void send(inngest, { name: "billing/invoice.paid", data: paid });
    void send(inngest, [
      order.placed.create({ orderId: "ord_1", customerId: "cus_1", amount: 1, items: [{ id: "i", quantity: 1 }] }),
    ]);
    void send(inngest, { name: "user/profile.updated", v: "2023-11-02.1", data: { userId: "u", changes: {} } });
    // A batch may mix latest and earlier versions.
    void send(inngest, [
      { name: "billing/invoice.paid", data: paid },
      { name: "user/profile.updated", v: "2023-11-02.1", data: { userId: "u", changes: {} } },
    ]);
  });

  test("a latest payload has one type per name; earlier versions are the others", () => {
    expectTypeOf<Extract<LatestPayload, { name: "user/profile.updated" }>["v"]>().toEqualTypeOf<
      "2024-01-15.1" | undefined
    >();
    expectTypeOf<Extract<EventPayload<"user/profile.updated">, { v: "2023-11-02.1" }>["data"]>().toHaveProperty(
      "userId",
    );
    const earlier: LatestPayload = {
      name: "user/profile.updated",
      // @ts-expect-error an earlier version is not a latest payload
      v: "2023-11-02.1",
      data: { userId: "u", changes: {} },
    };
    void earlier;
  });

  test("an unknown event name is an error", () => {
    // @ts-expect-error typo in the name
    void send(inngest, { name: "billing/invoice.payed", data: paid });
  });

  test("an older version's data needs its `v`; an unknown `v` is an error", () => {
    const wrongAudit = { userId: "u", changes: {}, auditInfo: { changedBy: 1 } };
    // @ts-expect-error without v the data must match the latest version (auditInfo shape is checked)
    void send(inngest, { name: "user/profile.updated", data: wrongAudit });
    // @ts-expect-error unknown version label
    void send(inngest, { name: "user/profile.updated", v: "9.9.9", data: { userId: "u", changes: {} } });
  });

  test("in a batch, each payload's data must match its own name", () => {
    const placed = { orderId: "ord_1", customerId: "cus_1", amount: 1, items: [{ id: "i", quantity: 1 }] };
    const profile = { userId: "u", changes: {}, auditInfo: { changedBy: 1 } };
    void send(inngest, [
      { name: "billing/invoice.paid", data: paid },
      { name: "order/placed", data: placed },
    ]);
    // Each failing call on one line: TypeScript 5.9 reports a batch's error at the call ("No overload
    // matches this call"), TypeScript 7 at the payload, and the directive must meet both.
    // biome-ignore format: one line, see above
    // @ts-expect-error the data of billing/invoice.paid under the name order/placed
    void send(inngest, [{ name: "billing/invoice.paid", data: paid }, { name: "order/placed", data: paid }]);
    // biome-ignore format: one line, see above
    // @ts-expect-error an unknown name inside a batch
    void send(inngest, [{ name: "order/placed", data: placed }, { name: "order/place", data: placed }]);
    // biome-ignore format: one line, see above
    // @ts-expect-error an earlier version's data needs its `v`, in a batch too
    void send(inngest, [{ name: "billing/invoice.paid", data: paid }, { name: "user/profile.updated", data: profile }]);
    void send(inngest, [
      { name: "billing/invoice.paid", data: paid },
      { name: "user/profile.updated", v: "2023-11-02.1", data: profile },
    ]);
  });

  test("a payload typed by a wide name is checked against every event's data", () => {
    const name = "billing/invoice.paid" as SendableEventName;
    // @ts-expect-error a payload whose name could be any event must carry data that fits its name
    void send(inngest, { name, data: { unrelated: true } });
    const payload = {} as EventPayload;
    void send(inngest, payload);
  });

  test("the names and version labels", () => {
    expectTypeOf<SendableEventName>().toEqualTypeOf<Exclude<EventName, `inngest/${string}`>>();
    expectTypeOf<LatestVersion<"user/profile.updated">>().toEqualTypeOf<"2024-01-15.1">();
    expectTypeOf<EventVersion<"billing/invoice.paid">>().toEqualTypeOf<"1.0.0">();
    expectTypeOf<EventData<"billing/invoice.paid", "1.0.0">>().toEqualTypeOf<EventData<"billing/invoice.paid">>();
    expectTypeOf<Events["user/profile.updated"]["latest"]>().toEqualTypeOf<"2024-01-15.1">();
    expectTypeOf<Events["user/profile.updated"]["versioned"]>().toEqualTypeOf<true>();
    expectTypeOf<Events["billing/invoice.paid"]["versioned"]>().toEqualTypeOf<false>();
    expectTypeOf<Events["user/profile.updated"]["versions"]["2023-11-02.1"]>().toEqualTypeOf<
      EventData<"user/profile.updated", "2023-11-02.1">
    >();
  });

  test("system events cannot be sent", () => {
    expectTypeOf<Extract<EventPayload, { name: `inngest/${string}` }>>().toBeNever();
  });

  test("unversioned events take no `v`", () => {
    // @ts-expect-error billing/invoice.paid has no versions
    void send(inngest, { name: "billing/invoice.paid", v: "1.0.0", data: paid });
  });
});

describe("Inngest triggers", () => {
  test("a trigger types event.data; a wrong field is an error", () => {
    inngest.createFunction({ id: "on-paid", triggers: [billing.invoicePaid] }, async ({ event }) => {
      if (event.name === "billing/invoice.paid") {
        expectTypeOf(event.data.invoiceId).toEqualTypeOf<string>();
        // @ts-expect-error invoiceID is a typo
        void event.data.invoiceID;
      }
    });
  });

  test("system event triggers are typed", () => {
    inngest.createFunction({ id: "on-failed", triggers: [system.functionFailed] }, async ({ event }) => {
      if (event.name === "inngest/function.failed") expectTypeOf(event.data.function_id).toEqualTypeOf<string>();
    });
  });

  test("waitForEvent with an event type returns that event's data", () => {
    inngest.createFunction({ id: "wait", triggers: [user.signupCompleted] }, async ({ step }) => {
      const sent = await step.waitForEvent("welcome", { event: billing.invoicePaid, timeout: "5m" });
      if (sent) expectTypeOf(sent.data.amount).toEqualTypeOf<number>();
    });
  });

  test("a trigger name the registry lacks is an error through the typed helpers", () => {
    // @ts-expect-error there is no helper for an unknown event
    void billing.invoicePayed;
  });
});

describe("eventTypes", () => {
  test("lookup by name is typed; an unknown trigger name is an error", () => {
    inngest.createFunction({ id: "by-name", triggers: [eventTypes["order/placed"]] }, async ({ event }) => {
      if (event.name === "order/placed") expectTypeOf(event.data.orderId).toEqualTypeOf<string>();
    });
    // @ts-expect-error no such event
    void eventTypes["order/place"];
  });
});
