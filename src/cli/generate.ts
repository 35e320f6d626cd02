/**
 * `evreg generate`: writes the output folder once, checks it (--check), or keeps it in step with the
 * schema files (--watch). A watch run survives broken schemas: it prints the Issues and waits for
 * the next save, and it stops cleanly on Ctrl-C (SIGINT) or SIGTERM.
 * The stages load when first needed: `--check` on an unchanged tree answers from the recorded
 * fingerprint (codegen/fingerprint.ts) without loading the compiler, ajv or the registry.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import {
  fileHashes,
  type GenerateTarget,
  generateFingerprint,
  recordedUpToDate,
  recordUpToDate,
} from "../codegen/fingerprint.ts";
import type { FileSink, GeneratedFiles } from "../codegen/generate.ts";
import type { CompilerThread } from "../codegen/validators.ts";
import type { Registry } from "../registry/define.ts";
import { catalogLinksFromScan } from "./catalog.ts";
import { type CommandIO, printIssues, runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

/** A step still running after this long gets a progress line, so a big registry does not look hung. */
export const PROGRESS_AFTER_MS = 1000;
/** From this many events, planning the output (a synchronous step a timer cannot interrupt) takes about a second. */
export const LARGE_REGISTRY_EVENTS = 200;
/** Saves closer together than this (an editor writing several files) make one regeneration. */
export const WATCH_DEBOUNCE_MS = 150;

type Target = GenerateTarget;

/**
 * Loads the stages that plan the output. ts-morph (and the TypeScript compiler, half a second)
 * loads when first used, by the scan or by the client, while the validators compile on a thread of
 * their own. One at a time: a checkout runs the CLI's TypeScript through jiti, whose imports run
 * concurrently when started together, and one of them can then see a module they share
 * (registry/define.ts) half evaluated.
 */
async function loadPlanner() {
  const { planOutput } = await import("../codegen/generate.ts");
  const { scanProject } = await import("../lint/scan.ts");
  return { planOutput, scanProject };
}

/**
 * The config's `lint.paths` that exist, for the catalog's producers and consumers. A missing one is
 * `evreg lint`'s error, but here only a warning: right after `evreg init` an app may have no `src/`
 * yet, and its first `generate` should still work.
 */
function catalogSources(io: CommandIO, paths: readonly string[]): string[] {
  const missing = paths.filter((each) => !existsSync(each));
  printIssues(
    io,
    missing.map((each) => ({
      rule: "config/lint-path",
      severity: "warning" as const,
      file: path.relative(process.cwd(), each) || ".",
      message: "this lint path does not exist, so the catalog lists no producers or consumers from it",
      fix: "create it, or set lint.paths in the evreg config to the folders holding your Inngest functions",
    })),
  );
  return paths.filter((each) => !missing.includes(each));
}

/** The output for a registry; the catalog's fan-out graph comes from scanning the app's code. */
async function plan(
  registry: Registry,
  thread: CompilerThread,
  sources: readonly string[],
  sink?: FileSink,
): Promise<GeneratedFiles> {
  const { planOutput, scanProject } = await loadPlanner();
  return planOutput(registry, {
    thread,
    ...(sources.length > 0 ? { links: catalogLinksFromScan(scanProject([...sources], registry)) } : {}),
    ...(sink ? { sink } : {}),
  });
}

async function staleFiles(out: string, files: GeneratedFiles) {
  const { findStaleFiles } = await import("../codegen/generate.ts");
  return findStaleFiles(out, files);
}

const shownPath = (file: string): string => path.relative(process.cwd(), path.resolve(file)) || ".";

async function withProgress<T>(io: CommandIO, line: string, work: () => Promise<T>): Promise<T> {
  const timer = setTimeout(() => io.err(line), PROGRESS_AFTER_MS);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
  }
}

/** Loads the registry, and the planner before it, while esbuild transpiles the schema files. */
async function loadWithProgress(io: CommandIO, schemas: string): Promise<Registry> {
  const { loadRegistry } = await import("../registry/load.ts");
  await loadPlanner();
  const registry = await withProgress(io, `loading ${shownPath(schemas)}...`, () => loadRegistry(schemas));
  if (registry.events.length >= LARGE_REGISTRY_EVENTS)
    io.err(`generating files for ${registry.events.length} events...`);
  return registry;
}

/** What `withRegistry` hands its work. */
interface Loaded {
  registry: Registry;
  /** The inputs' fingerprint, read while the registry loads. */
  fingerprint: string | undefined;
  /** A thread that loaded the validators' compiler meanwhile. */
  thread: CompilerThread;
}

/**
 * Runs `work` on the target's registry. esbuild transpiles the schema files in its own process
 * (registry/import-module.ts), and a thread loads the validators' compiler (codegen/validators.ts
 * `startCompilerThread`), while this thread loads the planner and then the registry. The thread
 * is stopped when `work` ends, however it ends: in watch mode, a failed regeneration must not leave
 * it behind.
 */
async function withRegistry<T>(io: CommandIO, target: Target, work: (loaded: Loaded) => Promise<T>): Promise<T> {
  const { transpileAhead } = await import("../registry/import-module.ts");
  transpileAhead(path.resolve(target.schemas));
  const { startCompilerThread } = await import("../codegen/validators.ts");
  const thread = startCompilerThread();
  try {
    const [registry, fingerprint] = await Promise.all([
      loadWithProgress(io, target.schemas),
      generateFingerprint(target),
    ]);
    return await work({ registry, fingerprint, thread });
  } finally {
    thread.stop();
  }
}

async function checkOutput(io: CommandIO, target: Target): Promise<number> {
  const { out, sources } = target;
  const shown = shownPath(out);
  const recorded = await recordedUpToDate(target);
  if (recorded) {
    io.out(
      `${shown}/ is up to date (${recorded.files} files, ${recorded.events} events; inputs unchanged since last verified)`,
    );
    return 0;
  }
  return withRegistry(io, target, async ({ registry, fingerprint, thread }) => {
    const files = await plan(registry, thread, sources);
    const stale = await staleFiles(out, files);
    const lines = [
      ...stale.changed.map((file) => `  changed: ${shown}/${file}`),
      ...stale.missing.map((file) => `  missing: ${shown}/${file}`),
      ...stale.extra.map((file) => `  not generated: ${shown}/${file}`),
    ];
    if (lines.length === 0) {
      await recordUpToDate(target, fingerprint, registry.events.length, fileHashes(files));
      io.out(`${shown}/ is up to date (${files.size} files, ${registry.events.length} events)`);
      return 0;
    }
    io.err(
      `${shown}/ is stale: ${lines.length} file(s) differ from the registry\n${lines.join("\n")}\nfix: run \`evreg generate\` and commit ${shown}/`,
    );
    return 1;
  });
}

/**
 * Writes the output folder; leaves it alone (no rename, no watcher churn) when nothing changed.
 * Files go to a temp folder while the rest is still being planned; it is swapped in at the end, or
 * dropped when the output was already up to date or planning failed.
 */
async function writeOutput(io: CommandIO, target: Target): Promise<number> {
  const { out, sources } = target;
  return withRegistry(io, target, async ({ registry, fingerprint, thread }) => {
    const { openOutputWriter } = await import("../codegen/generate.ts");
    const writer = openOutputWriter(out);
    const shown = shownPath(out);
    try {
      const files = await plan(registry, thread, sources, (batch) => writer.add(batch));
      const stale = await staleFiles(out, files);
      if (stale.changed.length + stale.missing.length + stale.extra.length === 0) {
        await writer.discard();
        await recordUpToDate(target, fingerprint, registry.events.length, fileHashes(files));
        io.out(`${shown}/ is up to date (${files.size} files, ${registry.events.length} events)`);
        return 0;
      }
      // the writer hashed each file as it wrote it
      await recordUpToDate(target, fingerprint, registry.events.length, await writer.commit());
      io.out(`wrote ${files.size} files to ${shown}/ (${registry.events.length} events)`);
      return 0;
    } catch (error) {
      await writer.discard();
      throw error;
    }
  });
}

/** Paths under the watched folder that are never schema sources: dependencies, VCS, our own output. */
function ignoredBy(out: string): (file: string) => boolean {
  const outDir = path.resolve(out);
  return (file) => {
    const resolved = path.resolve(file);
    const base = path.basename(resolved);
    return (
      resolved === outDir ||
      resolved.startsWith(`${outDir}${path.sep}`) ||
      base === "node_modules" ||
      base === ".git" ||
      base.startsWith(".evreg-tmp-")
    );
  };
}

/**
 * Regenerates after every change under the registry entry's folder until SIGINT or SIGTERM.
 * Resolves to 0 on a clean stop; a broken schema is printed and waited out, never fatal.
 */
async function watchSchemas(io: CommandIO, target: Target): Promise<number> {
  const folder = path.dirname(path.resolve(target.schemas));
  const regenerate = () => runCommand(io, () => writeOutput(io, target));
  await regenerate();
  const { watch } = await import("chokidar");
  const watcher = watch(folder, { ignoreInitial: true, ignored: ignoredBy(target.out) });
  await new Promise<void>((ready, failed) => watcher.once("ready", ready).once("error", failed));
  io.out(`watching ${shownPath(folder)}/ for changes (Ctrl-C to stop)`);

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let pending = false;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (pending) return;
      pending = true;
      running = running.then(() => {
        pending = false;
        return regenerate();
      });
    }, WATCH_DEBOUNCE_MS);
  };
  watcher.on("all", schedule);
  watcher.on("error", (error) => io.err(`evreg: watching ${shownPath(folder)}/ failed: ${String(error)}`));

  const signal = await new Promise<NodeJS.Signals>((stop) => {
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  clearTimeout(timer);
  await watcher.close();
  await running;
  io.out(`stopped watching (${signal})`);
  return 0;
}

export function registerGenerateCommand(program: Command, context: CommandContext): void {
  program
    .command("generate")
    .description(
      "write the typed client, JSON Schemas, precompiled validators and the event catalog into the output folder",
    )
    .option("--check", "write nothing; exit 1 and name the stale files when the output folder is out of date")
    .option("--watch", "regenerate whenever a file next to the registry entry changes; Ctrl-C stops")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  evreg generate                          # write generated/ from schemas/index.ts",
        "  evreg generate --check                  # in CI: fail when generated/ is stale",
        "  evreg generate --watch                  # while editing schemas",
        "  evreg --schemas events/index.ts --out src/events generate",
      ].join("\n"),
    )
    .action(async (options: { check?: boolean; watch?: boolean }) => {
      const { schemas, out } = context.options();
      const io = context.io();
      if (options.check && options.watch) {
        io.err(
          "evreg generate: --check and --watch cannot be combined\nfix: use --check in CI and --watch while editing",
        );
        context.exit(2);
        return;
      }
      const target = { schemas, out, sources: catalogSources(io, context.config().lint?.paths ?? []) };
      if (options.watch) {
        context.exit(await watchSchemas(io, target));
        return;
      }
      context.exit(await runCommand(io, () => (options.check ? checkOutput(io, target) : writeOutput(io, target))));
    });
}
