#!/usr/bin/env node
// `npm start`: the main job on the example registry, step by step, printing what happened.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createJiti } from "jiti";

const root = fileURLToPath(new URL("..", import.meta.url));
const steps = [
  ["Generate the typed client, JSON Schemas and validators", ["generate"]],
  ["Check that generated/ matches the registry", ["generate", "--check"]],
  ["Check compatibility and published versions against schemas/evreg.lock.json", ["check"]],
  [
    "Lint event names and the example app's sends, triggers and waits",
    ["--config", "example/app/evreg.config.json", "lint"],
  ],
];

let failed = 0;
for (const [title, args] of steps) {
  process.stdout.write(`\n== ${title}: evreg ${args.join(" ")}\n`);
  const result = spawnSync(process.execPath, ["bin/evreg.js", ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}

process.stdout.write("\n== The guide's scenarios through the bundled runtime (example/scenarios.ts)\n");
const jiti = createJiti(import.meta.url);
const { loadRegistry } = await jiti.import("../src/registry/load.ts");
const { runScenarios } = await jiti.import("../example/scenarios.ts");
try {
  await runScenarios(await loadRegistry(`${root}schemas/index.ts`), (line) => process.stdout.write(`${line}\n`));
} catch (error) {
  failed += 1;
  process.stderr.write(`scenarios failed: ${error instanceof Error ? error.message : String(error)}\n`);
}
process.exitCode = failed === 0 ? 0 : 1;
