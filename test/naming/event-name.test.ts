import { describe, expect, it } from "vitest";
import { checkEventName, type NameContext } from "../../src/naming/event-name.ts";

type Case = [name: string, context: NameContext, rules: string[], fix?: string];

const long = `app/${"x".repeat(250)}.created`;

// Every example from the Inngest events guide, then the rules' edge cases.
const cases: Case[] = [
  // the guide's good names
  ["billing/invoice.paid", "registry", []],
  ["user/profile.updated", "registry", []],
  ["order/item.shipped", "registry", []],
  ["ai/summary.completed", "registry", []],
  ["stripe/customer.created", "registry", []],
  ["intercom/conversation.assigned", "registry", []],
  ["slack/message.posted", "registry", []],
  ["api/user.created", "registry", []],
  ["webhook/stripe.received", "registry", []],
  ["storefront/cart.checkout.completed", "registry", []],
  ["user/action.performed", "registry", []],
  ["user/signup.completed", "registry", []],
  ["email/welcome.sent", "registry", []],
  ["subscription/trial.created", "registry", []],
  ["crm/contact.added", "registry", []],
  ["inventory/item.reserved", "registry", []],
  ["fulfillment/order.received", "registry", []],
  ["retry/function.requested", "registry", []],
  ["payment/charge.succeeded", "registry", []],
  // the guide's bad names
  ["payment", "registry", ["name/missing-domain", "name/object-action"], '"<domain>/payment"'],
  ["user_update", "send", ["name/missing-domain", "name/separator"], '"user.update"'],
  ["invoiceWasPaid", "registry", ["name/missing-domain", "name/case"], '"invoice.paid"'],
  ["Payment", "registry", ["name/missing-domain", "name/case"], '"payment"'],
  ["order/placed", "registry", ["name/object-action"], '"order/<object>.placed"'],
  ["trial/reminder.send", "registry", ["name/past-tense"], 'rename to "trial/reminder.sent"'],
  ["email/welcome.send", "send", ["name/past-tense"], 'rename to "email/welcome.sent"'],
  ["subscription/trial.create", "registry", ["name/past-tense"], 'rename to "subscription/trial.created"'],
  ["crm/contact.add", "registry", ["name/past-tense"], 'rename to "crm/contact.added"'],
  // reserved prefix
  ["inngest/function-health.requested", "registry", ["name/reserved-prefix"], '"<domain>/function-health.requested"'],
  ["Inngest/function.failed", "registry", ["name/reserved-prefix", "name/case"]],
  ["inngest/function.failed", "trigger", []],
  ["inngest/function.finished", "registry", []],
  ["inngest/scheduled.timer", "trigger", []],
  ["inngest/function.failed", "send", ["name/reserved-prefix"]],
  // wildcards
  ["app/*", "trigger", []],
  ["app/user.*", "trigger", []],
  ["app/*", "registry", ["name/wildcard"]],
  ["app/user.*", "send", ["name/wildcard"], "remove the `*`"],
  ["app/us*er.created", "trigger", ["name/wildcard"]],
  ["app/*.created", "trigger", ["name/wildcard"]],
  ["app/user.**", "trigger", ["name/wildcard"]],
  ["*", "trigger", ["name/missing-domain"]],
  // past tense: regular and irregular verbs
  ["report/file.sent", "registry", []],
  ["app/site.built", "registry", []],
  ["art/picture.drawn", "registry", []],
  ["job/task.run", "registry", []],
  ["meeting/slot.held", "registry", []],
  ["game/match.won", "registry", []],
  ["shop/order.created", "registry", []],
  ["shop/order.shipped", "registry", []],
  ["shop/order.paid", "registry", []],
  ["user/password.reset", "registry", []],
  ["data/store.synced", "registry", []],
  ["data/store.sync", "registry", ["name/past-tense"]],
  ["team/member.add", "registry", ["name/past-tense"], 'rename to "team/member.added"'],
  ["job/task.running", "registry", ["name/past-tense"]],
  ["job/task.sends", "registry", ["name/past-tense"], 'rename to "job/task.sent"'],
  ["shop/order.pay", "registry", ["name/past-tense"], 'rename to "shop/order.paid"'],
  ["billing/invoice.payed", "registry", ["name/past-tense"]],
  // structure, separators, case, length
  ["billing/invoice..paid", "registry", ["name/object-action"], '"billing/invoice.paid"'],
  ["billing/.paid", "registry", ["name/object-action"]],
  ["billing/invoice.", "registry", ["name/object-action"]],
  ["user/checkout-completed", "registry", ["name/object-action"], '"user/checkout.completed"'],
  ["", "registry", ["name/missing-domain"]],
  [long, "registry", ["name/too-long"]],
  ["user/profile updated", "registry", ["name/separator"], '"user/profile.updated"'],
  ["user/profile_updated", "registry", ["name/separator"], '"user/profile.updated"'],
  ["myApp/user.created", "registry", ["name/case"], '"my-app/user.created"'],
  ["billing/invoice.Paid", "registry", ["name/case"], '"billing/invoice.paid"'],
  ["billing/invoice-line.item-added", "registry", []],
  ["acme/billing/invoice.paid", "registry", []],
  ["user/email.bounced", "registry", []],
];

describe("checkEventName", () => {
  it.each(cases)("%s (%s) -> %j", (name, context, rules, fix) => {
    const issues = checkEventName(name, { context });
    expect(issues.map((issue) => issue.rule).sort()).toEqual([...rules].sort());
    for (const issue of issues) {
      expect(issue.event).toBe(name);
      expect(issue.fix).toBeTruthy();
      expect(issue.severity).toBe(issue.rule === "name/past-tense" ? "warning" : "error");
    }
    if (fix) expect(issues.map((issue) => issue.fix).join("\n")).toContain(fix);
  });

  it.each([
    // the guide's commands beside the events recording them: renaming would take the other's name
    [
      "email/welcome.send",
      ["email/welcome.sent"],
      '"email/welcome.sent" is another event: use another past-tense verb',
    ],
    ["crm/contact.add", ["crm/contact.added", "crm/contact.add"], "turn name/past-tense off for it"],
    // a registry without the renamed event keeps the plain rename
    ["trial/reminder.send", ["trial/reminder.send", "email/welcome.sent"], 'rename to "trial/reminder.sent"'],
  ])("%s among %j: the fix says %j", (name, declared, fix) => {
    const issues = checkEventName(name, { context: "registry", declared: new Set(declared) });
    expect(issues.map((issue) => issue.rule)).toEqual(["name/past-tense"]);
    expect(issues[0]?.fix).toContain(fix);
    expect(issues[0]?.fix?.includes("rename to")).toBe(fix.startsWith("rename to"));
  });

  it("has at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
});
