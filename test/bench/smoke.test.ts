/**
 * `npm run bench` once with tiny sizes (BENCH_SMOKE=1), so no benchmark can rot: every section runs
 * end to end, prints its rows into the one table, and the run exits 0. Figures are not checked here
 * (tests never assert timings); the full run holds the goals.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { repoRoot } from "../support/temp.ts";

const run = promisify(execFile);

it("runs every benchmark once and prints one table with a row for each", { timeout: 600_000 }, async () => {
  const { stdout } = await run(process.execPath, [path.join(repoRoot, "bench/run.js")], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_SMOKE: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });
  const table = stdout.split("\n");
  expect(table[0]).toMatch(/^benchmark\s+value\s+baseline\s+ratio\s+goal/);
  const sections = [
    /^validate valid: evreg vs zod/,
    /^validate valid: evreg vs hand-written/,
    /^validate invalid: evreg vs zod/,
    /^zod vs evreg verdicts on \d+ payloads/,
    /^size per validator, synthetic registry/,
    /^evreg generate \(cold\)/,
    /^evreg generate --check, unchanged/,
    /^tsc 5\.9: generated client instantiations/,
    /^tsc 7: generated client/,
    /^start-up, \d+ validators/,
    /^evreg check \(cold\), \d+ events x 3 versions/,
    /^compat diff of two \d+-property schemas/,
    /^runtime send, batches of 100/,
    /^version routing, event at the reader's version/,
    /^upcast of the typical event/,
    /^the same upcast, the upcaster written with Object.assign/,
    /^the same upcast \(spread upcaster\) against the runtime.s whole check/,
    /^the same upcast by hand \(copy, spread upcaster, validation\), no router/,
    /^upcast of the typical event on a current V8 \(Chromium [\d.]+\), through the router/,
    /^the same upcast by hand on a current V8 \(Chromium [\d.]+\), no router/,
    /^fan-out of one event to 100 handlers/,
    /^dedup memory: one id per claim/,
    /^dedup memory: batches of 100/,
    /^dedup SQLite: batches of 100/,
    /^dedup Redis: batches of 100/,
    /^gateway /,
    /^lint code scan of \d+ files/,
  ];
  for (const section of sections)
    expect(
      table.some((line) => section.test(line)),
      String(section),
    ).toBe(true);
  expect(stdout).toMatch(/\d+ of \d+ goals failed; \d+ s; node v\d+/);
});
