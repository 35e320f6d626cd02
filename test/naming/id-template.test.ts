import { describe, expect, it } from "vitest";
import { checkIdTemplate, checkIdTemplates, idPrefixFor } from "../../src/naming/id-template.ts";

describe("checkIdTemplate", () => {
  it.each([
    ["invoice-paid-${invoiceId}", "billing/invoice.paid", 0],
    ["user-signup-${userId}-${timestamp}", "user/signup.completed", 0],
    ["order-shipped-${orderId}-${trackingNumber}", "order/item.shipped", 0],
    ["${invoiceId}", "billing/invoice.paid", 1],
    ["${customerId}", "billing/invoice.paid", 1],
    ["${a}-${b}", "billing/invoice.paid", 1],
    ["user-action", "user/action.performed", 1],
    ["", "user/action.performed", 1],
  ])("%j on %s -> %i issue(s)", (template, event, count) => {
    const issues = checkIdTemplate(template, event);
    expect(issues).toHaveLength(count);
    for (const issue of issues) {
      expect(issue.rule).toBe("id/generic");
      expect(issue.fix).toContain(idPrefixFor(event));
    }
  });

  it("suggests the event's own prefix", () => {
    expect(checkIdTemplate("${invoiceId}", "billing/invoice.paid")[0]?.fix).toBe(
      'prefix it with the event, e.g. "invoice-paid-${invoiceId}"',
    );
  });
});

describe("checkIdTemplates", () => {
  it("flags templates of the same shape shared by different event types", () => {
    const issues = checkIdTemplates([
      { name: "user/signup.completed", idTemplate: "user-${userId}" },
      { name: "user/profile.updated", idTemplate: "user-${id}" },
      { name: "billing/invoice.paid", idTemplate: "invoice-paid-${invoiceId}" },
      { name: "user/action.performed" },
    ]);
    expect(issues.map((issue) => [issue.rule, issue.event])).toEqual([
      ["id/generic", "user/signup.completed"],
      ["id/generic", "user/profile.updated"],
    ]);
  });

  it("passes the example registry's templates", async () => {
    const { default: registry } = await import("../../schemas/index.ts");
    expect(checkIdTemplates(registry.events)).toEqual([]);
  });
});
