#!/usr/bin/env node
// Runs the TypeScript CLI through jiti, so a clean clone needs no build step.
import { createJiti } from "jiti";

const jiti = createJiti(import.meta.url);
const { main } = await jiti.import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
