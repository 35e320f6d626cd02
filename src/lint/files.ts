/**
 * The source files a lint or catalog scan reads, listed without loading the compiler, so callers
 * that only need the list (the generate fingerprint) stay cheap.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { EvregError } from "../errors.ts";

/** A path to scan is missing or a file does not parse: the lint cannot run (exit 2). */
export class LintInputError extends EvregError {}

const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const SKIPPED_FOLDERS = new Set(["node_modules", "dist", "build", "coverage"]);

function collectFiles(target: string, files: string[]): void {
  const stat = statSync(target);
  if (stat.isFile()) {
    if (SOURCE_FILE.test(target) && !/\.d\.[cm]?ts$/.test(target)) files.push(target);
    return;
  }
  if (!stat.isDirectory()) return;
  for (const entry of readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".") || SKIPPED_FOLDERS.has(entry.name)) continue;
    collectFiles(path.join(target, entry.name), files);
  }
}

/** The source files under `paths`; a missing path is a LintInputError. */
export function listSourceFiles(paths: readonly string[], cwd: string): string[] {
  const missing = paths.filter((target) => !existsSync(path.resolve(cwd, target)));
  if (missing.length > 0) {
    throw new LintInputError(
      "Cannot lint:",
      missing.map((target) => ({
        rule: "lint/path",
        severity: "error",
        file: target,
        message: `${target} does not exist`,
        fix: "pass existing files or folders: evreg lint src lib",
      })),
    );
  }
  const files: string[] = [];
  for (const target of paths) collectFiles(path.resolve(cwd, target), files);
  return [...new Set(files)];
}
