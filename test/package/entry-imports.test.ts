/**
 * Schema files import evreg's entry, so every app that loads its schemas pays for what the entry
 * loads. The heavy packages behind lint, the catalog and the CLI must load only when a function that
 * needs them runs. The entry is imported natively in a child process, with module hooks recording
 * every module resolved (fixtures/import-entry.mjs).
 */
import { execFile } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { repoRoot } from "../support/temp.ts";

const exec = promisify(execFile);

const HEAVY = [
  "compromise",
  "ts-morph",
  "typescript",
  "elkjs",
  "@bufbuild/cel",
  "@bufbuild/protobuf",
  "inngest",
  "jiti",
  "esbuild",
  "ajv",
  "hono",
  "commander",
];

/** The packages (by name, from node_modules paths) loaded after importing `entry` and making `calls`. */
async function packagesLoaded(entry: string, calls: readonly string[] = []): Promise<Set<string>> {
  const log = path.join(await mkdtemp(path.join(os.tmpdir(), "evreg-entry-")), "loaded.log");
  const fixture = path.join(repoRoot, "test/package/fixtures/import-entry.mjs");
  const url = pathToFileURL(path.join(repoRoot, entry)).href;
  const { stdout } = await exec(process.execPath, [fixture, url, ...calls], {
    cwd: repoRoot,
    env: { ...process.env, EVREG_LOADED_LOG: log },
    maxBuffer: 16 * 1024 * 1024,
  });
  const modules = JSON.parse(stdout) as string[];
  return new Set(
    modules.flatMap((module) =>
      [...module.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((match) => match[1] ?? ""),
    ),
  );
}

describe("importing evreg", () => {
  test("loads zod and none of the heavy packages", async () => {
    const loaded = await packagesLoaded("src/index.ts");
    expect(loaded.has("zod")).toBe(true);
    expect(HEAVY.filter((name) => loaded.has(name))).toEqual([]);
  });

  test("a function that needs a heavy package loads it when called", async () => {
    const loaded = await packagesLoaded("src/index.ts", [
      'isPastTense("sent")',
      'checkCelExpression("event.data.id == 1", { variables: ["event"] })',
    ]);
    expect(["compromise", "@bufbuild/cel"].filter((name) => loaded.has(name))).toEqual(["compromise", "@bufbuild/cel"]);
    expect(loaded.has("ts-morph")).toBe(false);
  });
});

describe("the CLI", () => {
  test("loads only commander until a command runs (evreg serve's gateway included)", async () => {
    const loaded = await packagesLoaded("src/cli/main.ts");
    expect(loaded.has("commander")).toBe(true);
    expect(HEAVY.filter((name) => name !== "commander" && loaded.has(name))).toEqual([]);
  });
});
