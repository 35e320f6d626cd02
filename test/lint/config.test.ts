import type { Issue } from "evreg";
import { describe, expect, it } from "vitest";
import { applyConfig, LINT_RULES, LintConfigError, parseLintConfig, parseRuleFlag } from "../../src/lint/config.ts";

const issue = (rule: string, event?: string): Issue => ({
  rule,
  severity: "error",
  message: "m",
  ...(event ? { event } : {}),
});

describe("lint config", () => {
  it("defaults: past tense warns, unresolved is info, the rest are errors", () => {
    expect(LINT_RULES["name/past-tense"]).toBe("warning");
    expect(LINT_RULES["code/unresolved"]).toBe("info");
    expect(Object.entries(LINT_RULES).filter(([, severity]) => severity === "error")).toHaveLength(13);
  });

  it("applies rules, then per-event overrides, and drops rules turned off", () => {
    const config = parseLintConfig({
      rules: { "name/past-tense": "error", "name/case": "off" },
      overrides: [{ events: ["order/placed"], rules: { "name/object-action": "warning" } }],
    });
    const result = applyConfig(
      [
        issue("name/past-tense", "trial/reminder.send"),
        issue("name/case", "Payment"),
        issue("name/object-action", "order/placed"),
        issue("name/object-action", "payment"),
      ],
      config,
    );
    expect(result.map((found) => [found.rule, found.event, found.severity])).toEqual([
      ["name/past-tense", "trial/reminder.send", "error"],
      ["name/object-action", "order/placed", "warning"],
      ["name/object-action", "payment", "error"],
    ]);
  });

  it.each([
    [[], "not a JSON object"],
    [{ rules: { "name/nope": "error" } }, 'unknown rule "name/nope"'],
    [{ rules: { "name/case": "fatal" } }, '"name/case" is set to "fatal"'],
    [{ rules: [] }, "rules is not an object"],
    [{ overrides: {} }, "overrides is not an array"],
    [{ overrides: [{ events: "x", rules: {} }] }, "overrides[0].events"],
    [{ rule: {} }, 'unknown key "rule"'],
  ])("rejects %j", (json, message) => {
    expect(() => parseLintConfig(json, "lint.json")).toThrow(LintConfigError);
    expect(() => parseLintConfig(json, "lint.json")).toThrow(message);
  });

  it.each([
    ["name/past-tense=error", ["name/past-tense", "error"]],
    ["code/unresolved=off", ["code/unresolved", "off"]],
  ])("parses --rule %s", (flag, expected) => {
    expect(parseRuleFlag(flag)).toEqual(expected);
  });

  it.each(["name/past-tense", "name/past-tense=loud", "nope=error", "a=b=c"])("rejects --rule %s", (flag) => {
    expect(() => parseRuleFlag(flag)).toThrow(LintConfigError);
  });
});
