/**
 * Start-up of a whole registry's validators, each measured in a fresh Node process: importing the
 * precompiled module vs compiling the same JSON Schemas with the shared ajv set-up (what a process
 * without generated code would do). Module loading of ajv itself is not counted, in ajv's favour.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { JsonSchemaObject } from "../src/registry/json-schema.ts";
import { median, type Row } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { benchDir, repoRoot } from "./paths.ts";

const run = promisify(execFile);

const IMPORT_PRECOMPILED = `
const start = performance.now();
const { validators } = await import(process.argv[1]);
const count = Object.values(validators).reduce((sum, versions) => sum + Object.keys(versions).length, 0);
console.log(JSON.stringify({ ms: performance.now() - start, count }));
`;

const COMPILE_WITH_AJV = `
import { readFileSync } from "node:fs";
import { createJiti } from "jiti";
const { createValidatorAjv } = await createJiti(process.argv[2]).import("./ajv.ts");
const schemas = JSON.parse(readFileSync(process.argv[1], "utf8"));
const start = performance.now();
const ajv = createValidatorAjv();
const validators = schemas.map((schema) => ajv.compile(schema));
console.log(JSON.stringify({ ms: performance.now() - start, count: validators.length }));
`;

async function childMs(script: string, args: string[]): Promise<number> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, ...args], {
    cwd: benchDir,
    maxBuffer: 1024 * 1024,
  });
  return (JSON.parse(stdout.trim().split("\n").at(-1) as string) as { ms: number }).ms;
}

export async function startupRows(
  options: BenchOptions,
  validatorsJs: string,
  schemas: readonly JsonSchemaObject[],
): Promise<Row[]> {
  const dir = await mkdtemp(path.join(tmpdir(), "evreg-startup-"));
  try {
    const module = path.join(dir, "validators.js");
    const schemaFile = path.join(dir, "schemas.json");
    await writeFile(module, validatorsJs);
    await writeFile(schemaFile, JSON.stringify(schemas));
    const ajvDir = pathToFileURL(path.join(repoRoot, "src/codegen/")).href;
    // Paired rounds: an import, then a compile, each pair giving a ratio; the median of the ratios,
    // so one slow moment of this shared VM moves one pair, not the verdict.
    const pairs: { loaded: number; compiled: number }[] = [];
    for (let round = 0; round < (options.smoke ? 1 : 3); round++) {
      pairs.push({
        loaded: await childMs(IMPORT_PRECOMPILED, [pathToFileURL(module).href]),
        compiled: await childMs(COMPILE_WITH_AJV, [schemaFile, ajvDir]),
      });
    }
    const loaded = median(pairs.map((pair) => pair.loaded));
    const compiled = median(pairs.map((pair) => pair.compiled));
    const ratio = median(pairs.map((pair) => pair.compiled / pair.loaded));
    return [
      {
        name: `start-up, ${schemas.length} validators: import precompiled`,
        value: loaded,
        unit: "ms",
        baseline: `ajv compile at start-up ${Math.round(compiled)} ms; median of ${pairs.length} paired rounds`,
        ratio,
        goal: ">= 10x faster",
        pass: ratio >= 10,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
