/**
 * `npm run bench`: every figure is a ratio against an alternative measured in the same process and
 * run; prints one table and writes bench/results.json. Tiny sizes with `smoke` (one quick pass).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { codegenRows } from "./codegen.ts";
import { diffRows } from "./compat.ts";
import { currentV8Rows } from "./current-v8.ts";
import { gatewayRows } from "./gateway.ts";
import { formatTable, type Row } from "./harness.ts";
import { benchDir } from "./paths.ts";
import { runtimeRows } from "./runtime.ts";
import { scanRows } from "./scan.ts";
import { startupRows } from "./startup.ts";
import { agreementRows, sizeRows, validationRows } from "./validation.ts";

export interface BenchOptions {
  smoke: boolean;
}

export async function runBenchmarks(options: BenchOptions): Promise<number> {
  const started = performance.now();
  const rows: Row[] = [];
  // each line says when it started, so the sections that hold the run's 5-minute bound show
  const progress = (title: string) =>
    process.stderr.write(`bench: ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s  ${title}...\n`);
  const section = async (title: string, run: () => Promise<Row[]> | Row[]) => {
    progress(title);
    rows.push(...(await run()));
  };
  await section("validation of one typical event", () => validationRows(options));
  await section("zod vs precompiled validators on a shared corpus", () => agreementRows(options));
  const generated = await codegenRows(options, progress);
  rows.push(...generated.rows);
  await section("validator size", () => sizeRows(generated.registry, generated.validatorsJs));
  await section("start-up of a registry's validators", () =>
    startupRows(options, generated.validatorsJs, generated.schemas),
  );
  await section("compat: diff of two 500-property schemas", () => diffRows(options));
  await section("runtime: dedup stores vs raw clients, fan-out", () => runtimeRows(options));
  await section("versions: the upcast on a current V8 (Chromium)", () => currentV8Rows(options));
  await section("gateway: evreg serve vs a bare hono server", () => gatewayRows(options));
  await section("lint code scan", () => scanRows(options));
  process.stdout.write(`${formatTable(rows)}\n`);
  process.stdout.write(
    `\n${rows.filter((row) => row.pass === false).length} of ${rows.filter((row) => row.pass !== null).length} goals failed; ${((performance.now() - started) / 1000).toFixed(0)} s; node ${process.version}\n`,
  );
  if (!options.smoke) await writeFile(path.join(benchDir, "results.json"), `${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}
