/** `evreg lint [paths...]`: registry name/id rules plus the code scan, printed by a reporter. */
import { type Command, Option } from "commander";
import { parseLintConfig, parseRuleFlag } from "../lint/config.ts";
import { FORMATS, type Format, formatIssues } from "../lint/reporters.ts";
import { runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

interface LintFlags {
  format?: Format;
  rule: string[];
}

export function registerLintCommand(program: Command, context: CommandContext): void {
  program
    .command("lint")
    .description("check event names, ids, and every send, trigger, wait and cancelOn in code against the registry")
    .argument("[paths...]", 'files or folders to scan (default: the config\'s lint.paths, else "src")')
    .addOption(
      new Option("--format <format>", "output format (default: the config's lint.format, else pretty)").choices(
        FORMATS,
      ),
    )
    .option(
      "--rule <rule=severity>",
      "set a rule's severity (error, warning, info, off); repeatable",
      (value: string, all: string[]) => [...all, value],
      [],
    )
    .addHelpText(
      "after",
      [
        "",
        "Rule severities, per-event overrides, paths and format come from the config file's `lint` key;",
        "flags win over it.",
        "",
        "Examples:",
        "  evreg lint src/ --format github          # annotations in GitHub Actions",
        "  evreg lint --rule name/past-tense=error  # make a warning fail CI",
      ].join("\n"),
    )
    .action(async (given: string[], flags: LintFlags) => {
      const io = context.io();
      const code = await runCommand(io, async () => {
        const settings = context.config().lint ?? {};
        const config = parseLintConfig({ rules: settings.rules ?? {}, overrides: settings.overrides ?? [] });
        const paths = given.length > 0 ? given : (settings.paths ?? ["src"]);
        const format = flags.format ?? settings.format ?? "pretty";
        for (const flag of flags.rule) {
          const [rule, setting] = parseRuleFlag(flag);
          config.rules[rule] = setting;
        }
        // Loaded here, not at start-up: the scan brings in the TypeScript compiler.
        const [{ loadRegistry }, { lintProject }] = await Promise.all([
          import("../registry/load.ts"),
          import("../lint/lint.ts"),
        ]);
        const registry = await loadRegistry(context.options().schemas);
        const { issues, summary } = lintProject({ registry, paths, config });
        io.out(
          formatIssues(format, issues, summary, {
            color: format === "pretty" && process.stdout.isTTY === true,
          }).trimEnd() || "",
        );
        return summary.errors > 0 ? 1 : 0;
      });
      context.exit(code);
    });
}
