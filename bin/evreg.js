#!/usr/bin/env node
// The installed package runs the compiled CLI in dist/. A checkout of the evreg repository (the only
// place src/ exists: the package ships dist/ alone) runs the TypeScript source through jiti instead,
// so working on evreg needs no build step and never runs a stale one.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/main.ts", import.meta.url);
const { main } = existsSync(source)
  ? await (await import("jiti")).createJiti(import.meta.url).import(source.href)
  : await import("../dist/cli/main.js");
process.exitCode = await main(process.argv, { tuneProcess: true });
