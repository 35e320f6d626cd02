/** The `evreg` command line: commander wiring only; each command lives in its own file. */
import { Command, CommanderError } from "commander";
import { registerCatalogCommands } from "./catalog.ts";
import { registerCompatCommands } from "./compat.ts";
import { registerGenerateCommand } from "./generate.ts";
import { processIO } from "./io.ts";
import { registerLintCommand } from "./lint.ts";

export interface GlobalOptions {
  schemas: string;
  out: string;
  debug: boolean;
}

/** Runs the CLI with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command("evreg")
    .description("Type-safe event schema registry and codegen for Inngest-style events")
    .option("--schemas <file>", "registry entry file", "schemas/index.ts")
    .option("--out <dir>", "output folder of evreg generate; also the target of evreg catalog and asyncapi", "generated")
    .option("--debug", "print stack traces of unexpected errors", false)
    .exitOverride()
    .showHelpAfterError();
  const context = {
    options: () => program.opts<GlobalOptions>(),
    io: () => processIO(program.opts<GlobalOptions>().debug),
    exit: (code: number) => {
      exitCode = code;
    },
  };
  registerGenerateCommand(program, context);
  registerLintCommand(program, context);
  registerCompatCommands(program, context);
  registerCatalogCommands(program, context);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}

export type CommandContext = {
  options: () => GlobalOptions;
  io: () => ReturnType<typeof processIO>;
  exit: (code: number) => void;
};
