/** The `evreg` command line: commander wiring only; each command lives in its own file. */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { Command, CommanderError } from "commander";
import { registerCatalogCommands } from "./catalog.ts";
import { registerCompatCommands } from "./compat.ts";
import { DEFAULT_SETTINGS, type EvregConfig, loadConfig, pickSetting } from "./config.ts";
import { registerGenerateCommand } from "./generate.ts";
import { registerInitCommand } from "./init.ts";
import { processIO, runCommand } from "./io.ts";
import { registerLintCommand } from "./lint.ts";
import { registerServeCommand } from "./serve.ts";

export interface GlobalOptions {
  schemas: string;
  out: string;
  debug: boolean;
}

interface GlobalFlags {
  config?: string;
  schemas?: string;
  out?: string;
  debug: boolean;
}

/** package.json sits two folders up from both src/cli/ and dist/cli/. */
const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export interface MainOptions {
  /**
   * Tune V8 for the command about to run (`tuneForCommand`). Only for a process that runs the CLI
   * alone (bin/evreg.js): V8's flags belong to the whole process, so a program calling `main`, the
   * tests among them, keeps its own.
   */
  tuneProcess?: boolean;
}

/**
 * The V8 flag of a command that is over in seconds: TurboFan inlines at most 100 bytes of bytecode
 * into each function it optimizes (V8's default: 920). Such a command runs most of its code a few
 * times, and the optimizing compiler's threads compete with it for the cores: a cold `evreg generate`
 * of 1,000 events spent about 1.9 s of CPU there. With the smaller budget the process used 0.84 s
 * less CPU and finished 0.3 s sooner (median of ten paired cold runs on two cores, every pair
 * faster), its main thread's time unchanged. `evreg serve` and `generate --watch` keep V8's
 * defaults: they run long enough for what inlining buys.
 */
const ONE_SHOT_V8_FLAG = "--max-inlined-bytecode-size-cumulative=100";

function tuneForCommand(command: Command): void {
  // V8's flags are Node's to set: Bun runs JavaScriptCore, and Deno's V8 may refuse a flag set late.
  if (process.versions.bun !== undefined || process.versions.deno !== undefined) return;
  const longRunning = command.name() === "serve" || command.opts<{ watch?: boolean }>().watch === true;
  if (!longRunning) setFlagsFromString(ONE_SHOT_V8_FLAG);
}

/** Runs the CLI with `argv` (as process.argv) and resolves to the exit code. */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  let exitCode = 0;
  let config: EvregConfig = {};
  const program = new Command("evreg")
    .description("Type-safe event schema registry and codegen for Inngest-style events")
    .version(version, "-V, --version", "print the evreg version")
    .option(
      "--config <file>",
      "config file (default: the first of evreg.config.{ts,mts,js,mjs,json} in the current folder)",
    )
    .option(
      "--schemas <file>",
      `registry entry file; overrides the config's "schemas" (default: ${DEFAULT_SETTINGS.schemas})`,
    )
    .option(
      "--out <dir>",
      `output folder of evreg generate, also the target of evreg catalog and asyncapi; overrides the config's "out" (default: ${DEFAULT_SETTINGS.out})`,
    )
    .option("--debug", "print stack traces of unexpected errors", false)
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  evreg init                               # set up evreg in this app",
        "  evreg generate --watch                   # regenerate while editing schemas",
        "  evreg --config ci/evreg.config.ts lint   # settings from another config file",
        "  evreg generate --help                    # flags and examples of one command",
      ].join("\n"),
    )
    .exitOverride()
    .showHelpAfterError()
    .hook("preAction", async (_program, command) => {
      if (options.tuneProcess) tuneForCommand(command);
      // init writes the config file, so a missing or broken one must not stop `evreg init --force`.
      if (command.name() === "init") return;
      const flags = program.opts<GlobalFlags>();
      const code = await runCommand(processIO(flags.debug), async () => {
        config = (await loadConfig(process.cwd(), flags.config)).config;
        return 0;
      });
      if (code !== 0) throw new CommanderError(code, "evreg.config", "the config file cannot be used");
    });
  const context: CommandContext = {
    options: () => {
      const flags = program.opts<GlobalFlags>();
      return {
        schemas: pickSetting(flags.schemas, config.schemas, DEFAULT_SETTINGS.schemas),
        out: pickSetting(flags.out, config.out, DEFAULT_SETTINGS.out),
        debug: flags.debug,
      };
    },
    config: () => config,
    io: () => processIO(program.opts<GlobalFlags>().debug),
    exit: (code: number) => {
      exitCode = code;
    },
  };
  registerInitCommand(program, context);
  registerGenerateCommand(program, context);
  registerLintCommand(program, context);
  registerCompatCommands(program, context);
  registerCatalogCommands(program, context);
  registerServeCommand(program, context);
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return exitCode;
}

export type CommandContext = {
  /** Global flags, else the config file's values, else the defaults. */
  options: () => GlobalOptions;
  /** The loaded config file (paths absolute); `{}` when the app has none. Flags still win over it. */
  config: () => EvregConfig;
  io: () => ReturnType<typeof processIO>;
  exit: (code: number) => void;
};
