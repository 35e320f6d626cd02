/** Temp folders inside the repo (so schema files there resolve `evreg` and `zod`), removed after the test. */
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

const made: string[] = [];

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(prefix: string): Promise<string> {
  const base = path.join(repoRoot, "test-output");
  await import("node:fs/promises").then((fs) => fs.mkdir(base, { recursive: true }));
  const dir = await mkdtemp(path.join(base, `${prefix}-`));
  made.push(dir);
  return dir;
}
