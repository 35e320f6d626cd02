/**
 * The guide's scenarios played through the bundled runtime on a manual clock, printing what
 * happened. `npm start` calls `runScenarios(registry, print)`; the tests call it too.
 */
import { EvregError, formatIssue } from "../src/errors.ts";
import type { Registry } from "../src/registry/define.ts";
import { createRuntime, type Runtime } from "../src/runtime/bus.ts";
import { type ManualClock, manualClock } from "../src/runtime/clock.ts";
import type { EventMap, RuntimeEventMap, SendableEvent } from "../src/runtime/types.ts";

type Print = (line: string) => void;
type AnyRuntime = Runtime<RuntimeEventMap<Registry>, SendableEvent<EventMap<Registry>>>;

const signup = { name: "user/signup.completed", data: { userId: "user_123", email: "user@example.com", plan: "pro" } };
const invoice = {
  name: "billing/invoice.paid",
  id: "invoice-paid-in_1J5g2n2eZvKYlo2C0Z1Z2Z3Z",
  data: {
    customerId: "cus_NffrFeUfNV2Hib",
    invoiceId: "in_1J5g2n2eZvKYlo2C0Z1Z2Z3Z",
    userId: "user_03028hf09j2d02",
    amount: 1000,
    metadata: { accountId: "acct_1J5g2n2eZvKYlo2C0Z1Z2Z3Z", accountName: "Acme.ai" },
  },
};

function fresh(registry: Registry): { runtime: AnyRuntime; clock: ManualClock } {
  const clock = manualClock();
  return { runtime: createRuntime({ registry, clock, backoff: () => 1_000 }), clock };
}

async function printRejection(print: Print, send: Promise<unknown>): Promise<void> {
  try {
    await send;
    print("  accepted (unexpected)");
  } catch (error) {
    if (!(error instanceof EvregError)) throw error;
    print(`  rejected: ${error.name}`);
    for (const issue of error.issues) print(formatIssue(issue));
  }
}

async function fanOut(registry: Registry, print: Print): Promise<void> {
  print("\n== Fan-out: user/signup.completed to three handlers, one failing");
  const { runtime, clock } = fresh(registry);
  runtime.on("user/signup.completed", { id: "send-welcome-email" }, async ({ event, step }) => {
    await step.run("send-email", () => print(`  send-welcome-email: welcome mail to ${String(event.data.email)}`));
  });
  runtime.on("user/signup.completed", { id: "create-trial", retries: 2 }, async ({ step, attempt }) => {
    await step.run("create-subscription", () => {
      print(`  create-trial: attempt ${attempt + 1} fails`);
      throw new Error("payment provider unavailable");
    });
  });
  runtime.on("user/signup.completed", { id: "add-to-crm" }, async ({ event }) => {
    print(`  add-to-crm: contact ${String(event.data.email)} on plan ${String(event.data.plan)}`);
  });
  runtime.on("inngest/function.failed", { id: "handle-failed-functions" }, ({ event }) => {
    print(`  inngest/function.failed: ${event.data.function_id} (${event.data.error.message})`);
  });
  runtime.on("inngest/function.finished", { id: "watch-finished" }, ({ event }) => {
    print(`  inngest/function.finished: ${event.data.function_id} ${event.data.error ? "with error" : "ok"}`);
  });
  await runtime.send(signup);
  await runtime.idle();
  await clock.advance(5_000);
  await runtime.close();
}

async function dedup(registry: Registry, print: Print): Promise<void> {
  print("\n== Dedup: billing/invoice.paid sent twice with the same id");
  const { runtime } = fresh(registry);
  let runs = 0;
  runtime.on("billing/invoice.paid", { id: "book-revenue" }, () => {
    runs++;
  });
  const first = await runtime.send(invoice);
  const second = await runtime.send(invoice);
  await runtime.idle();
  print(`  first send: ids ${first.ids.join(", ")}`);
  print(`  second send: duplicates ${second.duplicates?.join(", ") ?? "none"}`);
  print(`  book-revenue ran ${runs} time(s)`);
  await runtime.close();
}

async function delayed(registry: Registry, print: Print): Promise<void> {
  print("\n== Delayed delivery: trial/reminder.send with ts one hour ahead");
  const { runtime, clock } = fresh(registry);
  const start = clock.now();
  runtime.on("trial/reminder.send", { id: "send-reminder" }, ({ event }) => {
    print(`  send-reminder ran at +${(clock.now() - start) / 60_000} min for ${String(event.data.userId)}`);
  });
  await runtime.send({
    name: "trial/reminder.send",
    ts: start + 3_600_000,
    data: { userId: "user_123", trialExpiresAt: "2024-02-15T12:00:00Z" },
  });
  await runtime.idle();
  print("  after send: not delivered yet");
  await clock.advance(30 * 60_000);
  print("  at +30 min: still waiting");
  await clock.advance(30 * 60_000);
  await runtime.close();
}

async function badPayload(registry: Registry, print: Print): Promise<void> {
  print("\n== A bad payload is rejected with its Issue");
  const { runtime } = fresh(registry);
  await printRejection(
    print,
    runtime.send({ ...invoice, id: "invoice-paid-bad", data: { ...invoice.data, amount: "1000" } }),
  );
  await runtime.close();
}

async function versions(registry: Registry, print: Print): Promise<void> {
  print("\n== user/profile.updated with v 2024-01-15.1, then an unknown v");
  const { runtime } = fresh(registry);
  runtime.on("user/profile.updated", { id: "sync-profile" }, ({ event }) => {
    print(
      `  sync-profile: v ${event.v} with auditInfo by ${String((event.data.auditInfo as { changedBy?: string } | undefined)?.changedBy)}`,
    );
  });
  const profile = {
    name: "user/profile.updated",
    data: {
      userId: "user_123",
      changes: { email: "new@example.com", preferences: { theme: "dark" } },
      auditInfo: { changedBy: "user_456", reason: "user_requested" },
    },
  };
  await runtime.send({ ...profile, v: "2024-01-15.1" });
  await runtime.idle();
  await printRejection(print, runtime.send({ ...profile, v: "2024-02-30.1" }));
  await runtime.close();
}

async function onboarding(registry: Registry, print: Print): Promise<void> {
  print("\n== Onboarding: step.sendEvent fan-out, then three waitForEvent with `if`");
  const { runtime, clock } = fresh(registry);
  const sentAt = new Date(clock.now()).toISOString();
  runtime.on("user/signup.completed", { id: "orchestrate-onboarding" }, async ({ event, step }) => {
    const data = { userId: event.data.userId, email: event.data.email, plan: event.data.plan };
    await step.sendEvent("fan-out", [
      { name: "email/welcome.send", data },
      { name: "subscription/trial.create", data },
      { name: "crm/contact.add", data },
    ]);
    const match = "event.data.userId == async.data.userId";
    const [email, trial, crm] = await Promise.all([
      step.waitForEvent("email-sent", { event: "email/welcome.sent", timeout: "5m", if: match }),
      step.waitForEvent("subscription-created", { event: "subscription/trial.created", timeout: "5m", if: match }),
      step.waitForEvent("crm-synced", { event: "crm/contact.added", timeout: "5m", if: match }),
    ]);
    await step.run("complete-onboarding", () =>
      print(
        `  orchestrate-onboarding: complete (email ${email ? "sent" : "timed out"}, trial ${trial ? "created" : "timed out"}, crm ${crm ? "synced" : "timed out"})`,
      ),
    );
  });
  runtime.on("email/welcome.send", { id: "welcome-email" }, ({ event, step }) =>
    step.sendEvent("sent", {
      name: "email/welcome.sent",
      data: { userId: event.data.userId, messageId: "msg_1", sentAt },
    }),
  );
  runtime.on("subscription/trial.create", { id: "trial" }, ({ event, step }) =>
    step.sendEvent("created", {
      name: "subscription/trial.created",
      data: { userId: event.data.userId, subscriptionId: "sub_1", trialEndsAt: sentAt },
    }),
  );
  runtime.on("crm/contact.add", { id: "crm" }, async ({ event, step }) => {
    // Another user's contact first: the `if` expression must skip it.
    await step.sendEvent("other", { name: "crm/contact.added", data: { userId: "user_other", contactId: "c_0" } });
    await step.sendEvent("added", { name: "crm/contact.added", data: { userId: event.data.userId, contactId: "c_1" } });
  });
  await runtime.send(signup);
  await runtime.idle();
  await clock.advance(60_000);
  await runtime.close();
}

export async function runScenarios(registry: Registry, print: Print): Promise<void> {
  await fanOut(registry, print);
  await dedup(registry, print);
  await delayed(registry, print);
  await badPayload(registry, print);
  await versions(registry, print);
  await onboarding(registry, print);
}
