import path from "node:path";
import type { Command } from "commander";
import { findStaleFiles, planGeneratedFiles, writeGeneratedFiles } from "../codegen/generate.ts";
import { loadRegistry } from "../registry/load.ts";
import { runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

export function registerGenerateCommand(program: Command, context: CommandContext): void {
  program
    .command("generate")
    .description("write the typed client, JSON Schemas and precompiled validators into the output folder")
    .option("--check", "write nothing; exit 1 and name the stale files when the output folder is out of date")
    .addHelpText("after", "\nExamples:\n  evreg generate\n  evreg generate --check   # in CI")
    .action(async (options: { check?: boolean }) => {
      const { schemas, out } = context.options();
      const io = context.io();
      context.exit(
        await runCommand(io, async () => {
          const registry = await loadRegistry(schemas);
          const files = planGeneratedFiles(registry);
          const shown = path.relative(process.cwd(), path.resolve(out)) || ".";
          if (options.check) {
            const stale = await findStaleFiles(out, files);
            const lines = [
              ...stale.changed.map((file) => `  changed: ${shown}/${file}`),
              ...stale.missing.map((file) => `  missing: ${shown}/${file}`),
              ...stale.extra.map((file) => `  not generated: ${shown}/${file}`),
            ];
            if (lines.length === 0) {
              io.out(`${shown}/ is up to date (${files.size} files, ${registry.events.length} events)`);
              return 0;
            }
            io.err(`${shown}/ is stale: ${lines.length} file(s) differ from the registry\n${lines.join("\n")}\nfix: run \`evreg generate\` and commit ${shown}/`);
            return 1;
          }
          await writeGeneratedFiles(out, files);
          io.out(`wrote ${files.size} files to ${shown}/ (${registry.events.length} events)`);
          return 0;
        }),
      );
    });
}
