#!/usr/bin/env node
// `npm start`: the main job on the example registry, step by step, printing what happened.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const steps = [
  ["Generate the typed client, JSON Schemas and validators", ["generate"]],
  ["Check that generated/ matches the registry", ["generate", "--check"]],
  ["Check compatibility and published versions against schemas/evreg.lock.json", ["check"]],
];

let failed = 0;
for (const [title, args] of steps) {
  process.stdout.write(`\n== ${title}: evreg ${args.join(" ")}\n`);
  const result = spawnSync(process.execPath, ["bin/evreg.js", ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
