import type { Issue } from "evreg";
import { describe, expect, it } from "vitest";
import { summarize } from "../../src/lint/lint.ts";
import { formatGithub, formatJson, formatPretty } from "../../src/lint/reporters.ts";

const issues: Issue[] = [
  {
    rule: "code/unknown-event",
    severity: "error",
    event: "billing/invoice.payed",
    message: "the registry has no event billing/invoice.payed",
    fix: 'did you mean "billing/invoice.paid"? Otherwise declare it with defineEvent in the schemas',
    file: "src/billing.ts",
    line: 8,
    column: 22,
  },
  {
    rule: "name/past-tense",
    severity: "warning",
    event: "trial/reminder.send",
    message: '"send" is not past tense; an event records what already happened',
    fix: 'rename to "trial/reminder.sent"',
    file: "schemas/trial.ts",
    line: 6,
    column: 9,
  },
  {
    rule: "code/unresolved",
    severity: "info",
    message: "the name of this sent event cannot be resolved statically, so it is not checked",
    file: "src/dynamic.ts",
    line: 3,
    column: 1,
  },
  {
    rule: "code/unknown-field",
    severity: "error",
    event: "order/placed",
    message: "event.data.amout is not declared, 100% sure: a, b\nsecond line",
    fix: 'did you mean "amount"?',
    path: "event.data.amout",
  },
];
const summary = summarize(issues);

describe("reporters", () => {
  it("counts errors and warnings", () => {
    expect(summary).toEqual({ errors: 2, warnings: 1 });
  });

  it("pretty, plain", async () => {
    await expect(formatPretty(issues, summary, { color: false })).toMatchFileSnapshot("goldens/pretty.txt");
  });

  it("pretty, coloured", async () => {
    const output = formatPretty(issues, summary, { color: true });
    expect(output).toContain("\u001b[31merror\u001b[0m");
    await expect(output).toMatchFileSnapshot("goldens/pretty-color.txt");
  });

  it("pretty with nothing to report", () => {
    expect(formatPretty([], { errors: 0, warnings: 0 }, { color: false })).toBe("No problems found.\n");
  });

  it("json is exactly { issues, summary: { errors, warnings } }", async () => {
    const output = formatJson(issues, summary);
    expect(JSON.parse(output)).toEqual({ issues, summary: { errors: 2, warnings: 1 } });
    await expect(output).toMatchFileSnapshot("goldens/report.json");
  });

  it("github annotations, escaped", async () => {
    const output = formatGithub(issues);
    expect(output.split("\n")[0]).toBe(
      '::error file=src/billing.ts,line=8,col=22,title=code/unknown-event::the registry has no event billing/invoice.payed (fix: did you mean "billing/invoice.paid"? Otherwise declare it with defineEvent in the schemas)',
    );
    expect(output).toContain("100%25 sure");
    expect(output).toContain("%0Asecond line");
    await expect(output).toMatchFileSnapshot("goldens/github.txt");
  });
});
