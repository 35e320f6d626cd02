/**
 * Lint rule ids, their default severities, and the user's overrides from a JSON config file
 * (`{ "rules": { "name/past-tense": "error" }, "overrides": [{ "events": ["order/placed"], "rules": {...} }] }`)
 * or `--rule id=severity` flags. A config mistake is a LintConfigError (exit 2), never a guess.
 */
import { EvregError, type Issue, type Severity } from "../errors.ts";
import { NAME_RULES } from "../naming/rules.ts";

/** Every rule `evreg lint` reports, with its default severity. */
export const LINT_RULES = {
  ...(Object.fromEntries(NAME_RULES.map((rule) => [rule, "error"])) as Record<(typeof NAME_RULES)[number], Severity>),
  "name/past-tense": "warning",
  "id/generic": "error",
  "code/unknown-event": "error",
  "code/unknown-field": "error",
  "code/invalid-expression": "error",
  "code/deprecated-event": "error",
  "code/unversioned-send": "error",
  /** A name or expression the scanner could not resolve statically: reported, never skipped. */
  "code/unresolved": "info",
} as const satisfies Record<string, Severity>;

export type LintRule = keyof typeof LINT_RULES;
export type RuleSetting = Severity | "off";
export const RULE_SETTINGS: readonly RuleSetting[] = ["error", "warning", "info", "off"];

export interface LintConfig {
  rules: Partial<Record<LintRule, RuleSetting>>;
  /** Settings for some events only, e.g. a legacy name that cannot be renamed. */
  overrides: { events: string[]; rules: Partial<Record<LintRule, RuleSetting>> }[];
}

/** A lint config or flag that cannot be used. */
export class LintConfigError extends EvregError {}

export const emptyConfig = (): LintConfig => ({ rules: {}, overrides: [] });

function configIssue(message: string, fix: string, file?: string): Issue {
  return { rule: "config/invalid", severity: "error", message, fix, ...(file ? { file } : {}) };
}

const isRule = (rule: string): rule is LintRule => Object.hasOwn(LINT_RULES, rule);
const isSetting = (value: unknown): value is RuleSetting => RULE_SETTINGS.includes(value as RuleSetting);

function parseRules(value: unknown, where: string, file: string | undefined, issues: Issue[]): LintConfig["rules"] {
  const rules: LintConfig["rules"] = {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push(configIssue(`${where} is not an object`, 'write { "name/past-tense": "error" }', file));
    return rules;
  }
  for (const [rule, setting] of Object.entries(value)) {
    if (!isRule(rule)) {
      issues.push(
        configIssue(`${where}: unknown rule "${rule}"`, `use one of ${Object.keys(LINT_RULES).join(", ")}`, file),
      );
    } else if (!isSetting(setting)) {
      issues.push(
        configIssue(
          `${where}: "${rule}" is set to ${JSON.stringify(setting)}`,
          `use one of ${RULE_SETTINGS.join(", ")}`,
          file,
        ),
      );
    } else {
      rules[rule] = setting;
    }
  }
  return rules;
}

/** Reads the parsed JSON of a config file; `file` names it in messages. */
export function parseLintConfig(json: unknown, file?: string): LintConfig {
  const issues: Issue[] = [];
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new LintConfigError("The lint config is not valid:", [
      configIssue("the config is not a JSON object", 'write { "rules": { "name/past-tense": "error" } }', file),
    ]);
  }
  const { rules, overrides, ...unknown } = json as Record<string, unknown>;
  for (const key of Object.keys(unknown)) {
    issues.push(configIssue(`unknown key "${key}"`, 'use "rules" and "overrides"', file));
  }
  const config: LintConfig = {
    rules: rules === undefined ? {} : parseRules(rules, "rules", file, issues),
    overrides: [],
  };
  if (overrides !== undefined && !Array.isArray(overrides)) {
    issues.push(
      configIssue("overrides is not an array", 'write "overrides": [{ "events": [...], "rules": {...} }]', file),
    );
  }
  (Array.isArray(overrides) ? overrides : []).forEach((override: unknown, index) => {
    const { events, rules: overrideRules } = (override ?? {}) as Record<string, unknown>;
    if (!Array.isArray(events) || !events.every((event) => typeof event === "string")) {
      issues.push(
        configIssue(
          `overrides[${index}].events is not a list of event names`,
          'write "events": ["order/placed"]',
          file,
        ),
      );
      return;
    }
    config.overrides.push({ events, rules: parseRules(overrideRules, `overrides[${index}].rules`, file, issues) });
  });
  if (issues.length > 0) throw new LintConfigError("The lint config is not valid:", issues);
  return config;
}

/** `name/past-tense=error` from a `--rule` flag. */
export function parseRuleFlag(flag: string): [LintRule, RuleSetting] {
  const [rule = "", setting = "", ...rest] = flag.split("=");
  const issues: Issue[] = [];
  if (!isRule(rule.trim())) {
    issues.push(
      configIssue(`--rule ${flag}: unknown rule "${rule}"`, `use one of ${Object.keys(LINT_RULES).join(", ")}`),
    );
  } else if (rest.length > 0 || !isSetting(setting.trim())) {
    issues.push(
      configIssue(`--rule ${flag}: "${setting}" is not a severity`, `write --rule ${rule}=${RULE_SETTINGS.join("|")}`),
    );
  }
  if (issues.length > 0) throw new LintConfigError("The --rule flag is not valid:", issues);
  return [rule.trim() as LintRule, setting.trim() as RuleSetting];
}

/** The severity a finding gets under the config, or "off" to drop it. */
function settingFor(issue: Issue, config: LintConfig): RuleSetting {
  const rule = issue.rule as LintRule;
  const override = config.overrides.findLast(
    (candidate) =>
      issue.event !== undefined && candidate.events.includes(issue.event) && candidate.rules[rule] !== undefined,
  );
  return override?.rules[rule] ?? config.rules[rule] ?? LINT_RULES[rule] ?? issue.severity;
}

/** Applies the config's severities and drops the findings of rules turned off. */
export function applyConfig(issues: readonly Issue[], config: LintConfig): Issue[] {
  return issues.flatMap((issue) => {
    const setting = settingFor(issue, config);
    return setting === "off" ? [] : [{ ...issue, severity: setting }];
  });
}
