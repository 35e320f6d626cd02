/**
 * `evreg compat <old.json> <new.json>`, `evreg check`, `evreg lock` (DESIGN.md section 4).
 * Exit codes: 0 compatible / check passed, 1 incompatible / check failed, 2 unusable input.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import {
  buildLockfile,
  LOCKFILE_NAME,
  type Lockfile,
  parseLockfile,
  serializeLockfile,
  verifyEntries,
} from "../compat/lockfile.ts";
import { checkRegistry } from "../compat/registry-check.ts";
import { checkCompatibility, isCompatibilityMode } from "../compat/verdict.ts";
import { CompatibilityError, type Issue } from "../errors.ts";
import type { Registry } from "../registry/define.ts";
import { loadRegistry } from "../registry/load.ts";
import { COMPATIBILITY_MODES, type CompatibilityMode } from "../registry/versions.ts";
import { type CommandIO, printIssues, runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

type Format = "pretty" | "json";

function usageError(message: string, fix: string): CompatibilityError {
  return new CompatibilityError("evreg: bad arguments:", [{ rule: "cli/usage", severity: "error", message, fix }]);
}

function parseFormat(value: string): Format {
  if (value === "pretty" || value === "json") return value;
  throw usageError(`unknown format "${value}"`, "use --format pretty or --format json");
}

function parseMode(value: string): CompatibilityMode {
  const mode = value.toUpperCase();
  if (isCompatibilityMode(mode)) return mode;
  throw usageError(`unknown compatibility mode "${value}"`, `use one of ${COMPATIBILITY_MODES.join(", ")}`);
}

function readJsonFile(file: string): unknown {
  const issue = (message: string, fix: string): Issue => ({
    rule: "compat/bad-input",
    severity: "error",
    file,
    message,
    fix,
  });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CompatibilityError(`Cannot read ${file}:`, [
      issue(
        code === "ENOENT" ? "the file does not exist" : `the file cannot be read (${code ?? "error"})`,
        "pass the path of a JSON Schema file",
      ),
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CompatibilityError(`Cannot read ${file}:`, [
      issue(
        `not valid JSON: ${(error as Error).message}`,
        "the file must hold one JSON Schema document (an object or a boolean)",
      ),
    ]);
  }
}

/** Labels the schema errors of the diff with the file they came from. */
function withFiles(error: unknown, oldFile: string, newFile: string): unknown {
  if (!(error instanceof CompatibilityError)) return error;
  const issues = error.issues.map((found) => ({
    ...found,
    file: found.file === "old schema" ? oldFile : found.file === "new schema" ? newFile : (found.file ?? ""),
  }));
  return new CompatibilityError("The schemas cannot be compared:", issues);
}

function lockfilePath(schemasEntry: string): string {
  return path.join(path.dirname(schemasEntry), LOCKFILE_NAME);
}

function readLockfile(file: string): Lockfile | undefined {
  if (!existsSync(file)) return undefined;
  return parseLockfile(readFileSync(file, "utf8"), path.relative(process.cwd(), file));
}

function summaryOf(issues: readonly Issue[]) {
  return {
    errors: issues.filter((found) => found.severity === "error").length,
    warnings: issues.filter((found) => found.severity === "warning").length,
  };
}

async function runCheck(
  io: CommandIO,
  schemas: string,
  file: string,
  format: Format,
): Promise<{ code: number; registry: Registry }> {
  // esbuild transpiles the schema files in its own process while this thread reads the lockfile
  // and checks each entry's hash
  const { transpileAhead } = await import("../registry/import-module.ts");
  transpileAhead(path.resolve(schemas));
  const locked = readLockfile(file);
  if (locked) verifyEntries(locked);
  const registry = await loadRegistry(schemas);
  const issues = checkRegistry(registry, locked, { upcasterWarnings: true });
  const summary = summaryOf(issues);
  const versions = registry.events.reduce((count, event) => count + event.versions.length, 0);
  if (format === "json") io.out(JSON.stringify({ issues, summary }, null, 2));
  else {
    printIssues(io, issues);
    const lockNote = locked
      ? `against ${path.relative(process.cwd(), file)}`
      : `(no ${LOCKFILE_NAME} yet: run evreg lock to publish)`;
    io.out(
      summary.errors === 0
        ? `evreg check: ok, ${registry.events.length} events, ${versions} versions ${lockNote}`
        : `evreg check: ${summary.errors} error(s) in ${registry.events.length} events ${lockNote}`,
    );
  }
  return { code: summary.errors > 0 ? 1 : 0, registry };
}

/** The lockfile: the config's compat.lock, else evreg.lock.json beside the registry entry. */
function lockfileOf(context: CommandContext): string {
  return context.config().compat?.lock ?? lockfilePath(context.options().schemas);
}

export function registerCompatCommands(program: Command, context: CommandContext): void {
  program
    .command("compat")
    .description("compare two JSON Schema files (old, new) under a compatibility mode")
    .argument("<old>", "the previous schema (JSON file)")
    .argument("<new>", "the proposed schema (JSON file)")
    .option(
      "--mode <mode>",
      `${COMPATIBILITY_MODES.join(" | ")} (default: the config's compat.mode, else FULL_TRANSITIVE)`,
    )
    .option("--format <format>", "pretty | json", "pretty")
    .addHelpText(
      "after",
      "\nExamples:\n  evreg compat old.json new.json --mode BACKWARD\n  evreg compat old.json new.json --format json   # { compatible, changes }",
    )
    .action(async (oldFile: string, newFile: string, options: { mode?: string; format: string }) => {
      const io = context.io();
      context.exit(
        await runCommand(io, async () => {
          const mode = parseMode(options.mode ?? context.config().compat?.mode ?? "FULL_TRANSITIVE");
          const format = parseFormat(options.format);
          const oldSchema = readJsonFile(oldFile);
          const newSchema = readJsonFile(newFile);
          let result: ReturnType<typeof checkCompatibility>;
          try {
            result = checkCompatibility(newSchema, [oldSchema], mode);
          } catch (error) {
            throw withFiles(error, oldFile, newFile);
          }
          const changes = (result.verdicts[0]?.changes ?? []).map(({ kind, path: at, compatible, message }) => ({
            kind,
            path: at,
            compatible,
            message,
          }));
          if (format === "json") io.out(JSON.stringify({ compatible: result.compatible, changes }, null, 2));
          else {
            for (const found of changes)
              io.out(`${found.compatible ? "  ok  " : "  FAIL"} ${found.kind} ${found.path}: ${found.message}`);
            io.out(
              `${result.compatible ? "compatible" : "NOT compatible"} (${mode}): ${changes.length} change(s), ${changes.filter((found) => !found.compatible).length} breaking`,
            );
          }
          return result.compatible ? 0 : 1;
        }),
      );
    });

  program
    .command("check")
    .description("check the registry: published versions unchanged, labels forward, each event's compatibility mode")
    .option("--format <format>", "pretty | json", "pretty")
    .addHelpText(
      "after",
      "\nExamples:\n  evreg check                 # in CI, after evreg generate --check\n  evreg check --format json",
    )
    .action(async (options: { format: string }) => {
      const io = context.io();
      context.exit(
        await runCommand(
          io,
          async () =>
            (await runCheck(io, context.options().schemas, lockfileOf(context), parseFormat(options.format))).code,
        ),
      );
    });

  program
    .command("lock")
    .description(`record the current versions in ${LOCKFILE_NAME} (only when evreg check passes)`)
    .addHelpText(
      "after",
      "\nExamples:\n  evreg lock                  # after adding a version, commit the lockfile with it",
    )
    .action(async () => {
      const io = context.io();
      context.exit(
        await runCommand(io, async () => {
          const schemas = context.options().schemas;
          const file = lockfileOf(context);
          const { code, registry } = await runCheck(io, schemas, file, "pretty");
          if (code !== 0) {
            io.err(`evreg lock: not written; fix the errors above first`);
            return code;
          }
          const lockfile = buildLockfile(registry);
          const temporary = `${file}.${process.pid}.tmp`;
          writeFileSync(temporary, serializeLockfile(lockfile));
          renameSync(temporary, file);
          const versions = Object.values(lockfile.events).reduce(
            (count, versions) => count + Object.keys(versions).length,
            0,
          );
          io.out(
            `evreg lock: wrote ${path.relative(process.cwd(), file)} (${Object.keys(lockfile.events).length} events, ${versions} versions)`,
          );
          return 0;
        }),
      );
    });
}
