/** `evreg lint [paths...]`: registry name/id rules plus the code scan, printed by a reporter. */
import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { emptyConfig, type LintConfig, LintConfigError, parseLintConfig, parseRuleFlag } from "../lint/config.ts";
import { lintProject } from "../lint/lint.ts";
import { FORMATS, type Format, formatIssues } from "../lint/reporters.ts";
import { loadRegistry } from "../registry/load.ts";
import { runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

interface LintFlags {
  format: Format;
  config?: string;
  rule: string[];
}

function readConfig(file: string | undefined): LintConfig {
  if (file === undefined) return emptyConfig();
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new LintConfigError("Cannot read the lint config:", [
      {
        rule: "config/invalid",
        severity: "error",
        file,
        message: `${file} is not readable JSON: ${cause}`,
        fix: 'pass a JSON file such as { "rules": {} }',
      },
    ]);
  }
  return parseLintConfig(json, file);
}

export function registerLintCommand(program: Command, context: CommandContext): void {
  program
    .command("lint")
    .description("check event names, ids, and every send, trigger, wait and cancelOn in code against the registry")
    .argument("[paths...]", "files or folders to scan", ["src"])
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("pretty"))
    .option("--config <file>", 'JSON config: { "rules": { "name/past-tense": "error" }, "overrides": [...] }')
    .option(
      "--rule <rule=severity>",
      "set a rule's severity (error, warning, info, off); repeatable",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .action(async (paths: string[], flags: LintFlags) => {
      const io = context.io();
      const code = await runCommand(io, async () => {
        const config = readConfig(flags.config);
        for (const flag of flags.rule) {
          const [rule, setting] = parseRuleFlag(flag);
          config.rules[rule] = setting;
        }
        const registry = await loadRegistry(context.options().schemas);
        const { issues, summary } = lintProject({ registry, paths, config });
        io.out(
          formatIssues(flags.format, issues, summary, {
            color: flags.format === "pretty" && process.stdout.isTTY === true,
          }).trimEnd() || "",
        );
        return summary.errors > 0 ? 1 : 0;
      });
      context.exit(code);
    });
}
