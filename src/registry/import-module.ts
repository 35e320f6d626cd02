/**
 * Imports schema and config files (TypeScript) at run time with jiti. Only `loadRegistry` and the
 * config loader import this module, when they run: jiti is not loaded with evreg's entry.
 */
import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";

/**
 * Schema files import "evreg": resolve it to this copy of evreg (src/ in a checkout, dist/ once
 * installed), so the schemas and the CLI loading them always agree and a checkout needs no build.
 */
function evregAliases(): Record<string, string> {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const entry = (file: string) => fileURLToPath(new URL(`../${file}${extension}`, import.meta.url));
  return { "evreg/runtime": entry("runtime/index"), evreg: entry("index") };
}

/** Imports `file` in a fresh module graph (watch mode re-reads edited files) and returns its default export. */
export function importModule(file: string): Promise<unknown> {
  // jiti's file cache stays on: it is keyed by each file's content, so unchanged files are not
  // transformed again on every run.
  const jiti = createJiti(import.meta.url, { moduleCache: false, interopDefault: true, alias: evregAliases() });
  return jiti.import(file, { default: true });
}
