#!/usr/bin/env node
// `npm run bench`: runs the TypeScript benchmarks through jiti (no build step), like bin/evreg.js.
// BENCH_SMOKE=1 runs every benchmark once with tiny sizes (used by the smoke test).
import { createJiti } from "jiti";

const jiti = createJiti(import.meta.url);
const { runBenchmarks } = await jiti.import("./main.ts");
process.exitCode = await runBenchmarks({ smoke: process.env.BENCH_SMOKE === "1" });
