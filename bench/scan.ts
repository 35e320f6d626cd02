/**
 * `evreg lint`'s code scan on a 200-file app: the example app (example/app, the guide's functions
 * for Inngest v4) copied into numbered folders until there are at least 200 files, scanned whole.
 */
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { scanProject } from "../src/lint/scan.ts";
import { loadRegistry } from "../src/registry/load.ts";
import { median, type Row, timeMs } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { repoRoot } from "./paths.ts";

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".ts")).length;
}

export async function scanRows(options: BenchOptions): Promise<Row[]> {
  const app = path.join(repoRoot, "example/app");
  const perCopy = await countFiles(app);
  const target = options.smoke ? perCopy : 200;
  const registry = await loadRegistry(path.join(repoRoot, "schemas/index.ts"));
  const dir = await mkdtemp(path.join(os.tmpdir(), "evreg-bench-scan-"));
  try {
    const copies = Math.ceil(target / perCopy);
    for (let index = 0; index < copies; index++) await cp(app, path.join(dir, `app-${index}`), { recursive: true });
    const files = copies * perCopy;
    let found = 0;
    const scan = () => {
      const result = scanProject([dir], registry, { cwd: dir });
      found = result.sends.length + result.triggers.length + result.waits.length;
    };
    const ms = median([await timeMs(scan), await timeMs(scan), await timeMs(scan)]);
    return [
      {
        name: `lint code scan of ${files} files (${found} sends, triggers and waits)`,
        value: ms / 1000,
        unit: "s",
        baseline: "goal",
        ratio: null,
        goal: "< 5 s",
        pass: ms < 5_000,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
