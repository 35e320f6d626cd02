import { expect, it } from "vitest";
import { runScenarios } from "../../example/scenarios.ts";
import registry from "../../schemas/index.ts";

it("plays the guide's scenarios end to end", async () => {
  const lines: string[] = [];
  await runScenarios(registry, (line) => lines.push(line));
  const output = lines.join("\n");
  expect(output).toContain("create-trial: attempt 3 fails");
  expect(output).toContain("inngest/function.failed: evreg-example-create-trial (payment provider unavailable)");
  expect(output.indexOf("inngest/function.failed: evreg-example-create-trial")).toBeLessThan(
    output.indexOf("inngest/function.finished: evreg-example-create-trial with error"),
  );
  expect(output).toContain("send-welcome-email: welcome mail to user@example.com");
  expect(output).toContain("add-to-crm: contact user@example.com on plan pro");
  expect(output).toContain("book-revenue ran 1 time(s)");
  expect(output).toContain("second send: duplicates invoice-paid-in_1J5g2n2eZvKYlo2C0Z1Z2Z3Z");
  expect(output).toContain("send-reminder ran at +60 min for user_123");
  expect(output).toMatch(/error event\/schema billing\/invoice.paid #0 \/data\/amount/);
  expect(output).toContain("sync-profile: v 2024-01-15.1 with auditInfo by user_456");
  expect(output).toMatch(/event\/unknown-version .*known versions: 2023-11-02.1, 2024-01-15.1/);
  expect(output).toContain("orchestrate-onboarding: complete (email sent, trial created, crm synced)");
});
