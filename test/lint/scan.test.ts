import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Issue, loadRegistry, type Registry } from "evreg";
import { beforeAll, describe, expect, it } from "vitest";
import { LintInputError } from "../../src/lint/files.ts";
import { scanProject } from "../../src/lint/scan.ts";

const fixtures = "test/lint/fixtures";
let registry: Registry;

beforeAll(async () => {
  registry = await loadRegistry(`${fixtures}/registry.ts`);
});

/** The 1-based column of `marker` on `line` of `file`: where an Issue must point. */
function columnOf(file: string, line: number, marker: string): number {
  const text = readFileSync(file, "utf8").split("\n")[line - 1] ?? "";
  const index = text.indexOf(marker);
  if (index < 0) throw new Error(`${marker} not on ${file}:${line}`);
  return index + 1;
}

const brief = (issue: Issue) =>
  `${issue.file}:${issue.line}:${issue.column} ${issue.severity} ${issue.rule} ${issue.event ?? ""}`.trim();

describe("scanProject on the bad fixture app", () => {
  const functions = `${fixtures}/bad-app/functions.ts`;
  const sends = `${fixtures}/bad-app/sends.ts`;
  // [file, line, marker the column points at, severity, rule, event]
  const expected: [string, number, string, string, string, string][] = [
    [functions, 6, '"order/placd"', "error", "code/unknown-event", "order/placd"],
    [functions, 6, '"order/placd"', "error", "name/object-action", "order/placd"],
    [functions, 9, '"app/user.*"', "error", "code/unknown-event", "app/user.*"],
    [functions, 14, "amout", "error", "code/unknown-field", "order/placed"],
    [functions, 14, '"order/cancelled"', "error", "code/unknown-event", "order/cancelled"],
    [functions, 14, '"order/cancelled"', "error", "name/object-action", "order/cancelled"],
    [functions, 16, "customrId", "error", "code/unknown-field", "billing/invoice.paid"],
    [functions, 17, 'customerId"', "error", "code/unknown-field", "fulfillment/order.received"],
    [functions, 18, '== "', "error", "code/invalid-expression", "billing/invoice.paid"],
    [sends, 8, "{ name", "error", "code/unknown-event", "billing/invoice.payed"],
    [sends, 8, "{ name", "warning", "name/past-tense", "billing/invoice.payed"],
    [sends, 9, "{ name", "error", "code/unversioned-send", "user/profile.updated"],
    [sends, 10, "{ name", "error", "code/unknown-event", "user_update"],
    [sends, 10, "{ name", "error", "name/missing-domain", "user_update"],
    [sends, 10, "{ name", "error", "name/separator", "user_update"],
    [sends, 11, "{ name", "info", "code/unresolved", ""],
    [sends, 12, "invoiceId,", "error", "id/generic", "billing/invoice.paid"],
    [sends, 13, "{ name", "error", "name/reserved-prefix", "inngest/function.failed"],
    [sends, 14, "{ name", "error", "code/deprecated-event", "legacy/report.exported"],
    [sends, 15, "eventType(", "error", "code/unversioned-send", "user/profile.updated"],
  ];

  it("finds every planted mistake, where it is, and nothing else", () => {
    const result = scanProject([`${fixtures}/bad-app`], registry);
    expect(result.issues.map(brief)).toEqual(
      expected.map(([file, line, marker, severity, rule, event]) =>
        `${file}:${line}:${columnOf(file, line, marker)} ${severity} ${rule} ${event}`.trim(),
      ),
    );
  });

  it("says how to fix each finding", () => {
    const fixes = Object.fromEntries(
      scanProject([`${fixtures}/bad-app`], registry).issues.map((issue) => [
        `${issue.rule} ${issue.event ?? ""}`,
        issue.fix,
      ]),
    );
    expect(fixes["code/unknown-event billing/invoice.payed"]).toContain('did you mean "billing/invoice.paid"?');
    expect(fixes["code/unknown-event order/placd"]).toContain('did you mean "order/placed"?');
    expect(fixes["code/unknown-field order/placed"]).toContain('did you mean "amount"?');
    expect(fixes["code/unknown-field billing/invoice.paid"]).toContain('did you mean "customerId"?');
    expect(fixes["code/unversioned-send user/profile.updated"]).toContain('add v: "2024-01-15.1"');
    expect(fixes["code/deprecated-event legacy/report.exported"]).toBe("use billing/invoice.paid instead");
    expect(fixes["id/generic billing/invoice.paid"]).toBe('prefix it with the event, e.g. "invoice-paid-${invoiceId}"');
  });

  it("returns who sends, triggers on, waits for and cancels on each event", () => {
    const result = scanProject([`${fixtures}/bad-app`], registry);
    expect(result.files).toEqual([`${fixtures}/bad-app/client.ts`, functions, sends]);
    expect(result.triggers.map((ref) => [ref.event, ref.functionId])).toEqual([
      ["order/placd", "v3-style"],
      ["app/user.*", "wildcard"],
      ["user/*", "wildcard"],
      ["order/placed", "typo"],
    ]);
    expect(result.waits.map((ref) => [ref.event, ref.functionId, ref.line])).toEqual([
      ["billing/invoice.paid", "typo", 16],
      ["fulfillment/order.received", "typo", 17],
      ["billing/invoice.paid", "typo", 18],
    ]);
    expect(result.cancels.map((ref) => ref.event)).toEqual(["order/cancelled"]);
    expect(result.sends.map((ref) => ref.event)).toEqual([
      "billing/invoice.payed",
      "user/profile.updated",
      "user_update",
      "billing/invoice.paid",
      "inngest/function.failed",
      "legacy/report.exported",
      "user/profile.updated",
    ]);
  });
});

describe("scanProject on correct code", () => {
  it("reports nothing on the good fixture app (consts, template constants, eventType objects, cron, wildcards)", () => {
    const result = scanProject([`${fixtures}/good-app`], registry);
    expect(result.issues).toEqual([]);
    expect(result.sends.map((ref) => ref.event)).toEqual([
      "email/welcome.sent",
      "user/profile.updated",
      "billing/invoice.paid",
    ]);
    expect(result.triggers.map((ref) => ref.event)).toEqual(["user/signup.completed", "user/*"]);
    expect(result.waits.map((ref) => ref.event)).toEqual(["billing/invoice.paid", "user/profile.updated"]);
    expect(result.cancels.map((ref) => ref.event)).toEqual(["user/profile.updated"]);
  });

  it("reports nothing on the example app's code", () => {
    const result = scanProject(["example/app"], registry);
    expect(result.issues).toEqual([]);
    expect(result.sends).toHaveLength(16);
    expect(result.triggers).toHaveLength(9);
    expect(result.waits.map((ref) => ref.event)).toEqual([
      "email/welcome.sent",
      "subscription/trial.created",
      "crm/contact.added",
    ]);
    expect(new Set(result.sends.map((ref) => ref.event))).toEqual(
      new Set([
        "user/signup.completed",
        "email/welcome.sent",
        "email/welcome.send",
        "subscription/trial.create",
        "crm/contact.add",
        "billing/invoice.paid",
        "payment/charge.succeeded",
        "order/placed",
        "inventory/item.reserved",
        "fulfillment/order.received",
        "retry/function.requested",
        "trial/reminder.send",
        "user/action.performed",
        "user/profile.updated",
        "storefront/cart.checkout.completed",
      ]),
    );
  });
});

describe("scanProject names each reference's scope", () => {
  // [code around the send, the scope it must get]; `SEND` stands for the send
  const cases: [string, string | undefined][] = [
    ["SEND;", undefined],
    ["export async function notify() { SEND; }", "notify"],
    ["export const notify = async () => { SEND; };", "notify"],
    ["export const notify = async function () { SEND; };", "notify"],
    ["export const notify = async function inner() { SEND; };", "inner"],
    ["export async function outer() { const result = await SEND; return result; }", "outer"],
    ["export async function outer() { const nested = async () => { SEND; }; await nested(); }", "nested"],
    ["export async function outer() { await Promise.all([1].map(async () => SEND)); }", "outer"],
    ["export class Billing { async charge() { SEND; } }", "Billing.charge"],
    ["export class Billing { constructor() { SEND; } }", "Billing.constructor"],
    ["export class Billing { charge = async () => { SEND; }; }", "Billing.charge"],
    ["export const handlers = { onSignup: async () => { SEND; }, 'on-login': async () => { SEND; } };", "onSignup"],
    [
      'export const welcome = inngest.createFunction({ id: "welcome", triggers: [{ event: "order/placed" }] }, async () => { SEND; });',
      "welcome",
    ],
  ];

  it.each(cases)("%s -> %s", (code, scope) => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "evreg-scope-"));
    try {
      const send = 'inngest.send({ name: "order/placed", data: { orderId: "o" } })';
      writeFileSync(
        path.join(folder, "app.ts"),
        `import { Inngest } from "inngest";\nconst inngest = new Inngest({ id: "app" });\n${code.replaceAll("SEND", send)}\n`,
      );
      const result = scanProject([folder], registry, { cwd: folder });
      expect(result.sends[0]?.scope).toBe(scope);
      if (code.includes("createFunction")) expect(result.triggers[0]?.scope).toBe(scope);
      if (code.includes("'on-login'")) expect(result.sends[1]?.scope).toBe("on-login");
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("scanProject on bad input", () => {
  it("names a missing path", () => {
    expect(() => scanProject(["no/such/folder"], registry)).toThrow(LintInputError);
    try {
      scanProject(["no/such/folder"], registry);
    } catch (error) {
      expect((error as LintInputError).issues).toMatchObject([{ rule: "lint/path", file: "no/such/folder" }]);
    }
  });

  it("names an unparsable file with its position", () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "evreg-lint-"));
    try {
      writeFileSync(path.join(folder, "ok.ts"), "export const a = 1;\n");
      writeFileSync(path.join(folder, "broken.ts"), "export const a = {\n  name: 'x',,\n");
      const error = (() => {
        try {
          scanProject([folder], registry, { cwd: folder });
        } catch (caught) {
          return caught as LintInputError;
        }
      })();
      expect(error).toBeInstanceOf(LintInputError);
      expect(error?.issues).toMatchObject([{ rule: "lint/parse", file: "broken.ts", line: 2 }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
