import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { cachedDataVersionTag } from "node:v8";
import { afterAll, describe, expect, test, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { repoRoot } from "../support/temp.ts";

const run = promisify(execFile);

// V8 hashes its flags into `cachedDataVersionTag`: the tag a process ends with tells whether the CLI
// changed them. Each command runs in an empty folder, so it stops at the missing registry.
const scratch = mkdtempSync(path.join(os.tmpdir(), "evreg-v8-tuning-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const printTag = path.join(scratch, "print-tag.mjs");
writeFileSync(
  printTag,
  'import { cachedDataVersionTag } from "node:v8";\nprocess.on("exit", () => process.stderr.write(`v8-tag ${cachedDataVersionTag()}\\n`));\n',
);

/** Makes the process look like Bun's Node compatibility, which has no V8 to tune. */
const asBun = path.join(scratch, "as-bun.mjs");
writeFileSync(asBun, 'process.versions.bun = "1.2.0";\n');

/** The V8 tag a process running `node <args>` ends with. */
async function tagAfter(...args: string[]): Promise<string> {
  const { stderr } = await run(process.execPath, ["--import", printTag, ...args], { cwd: scratch }).catch(
    (error: { stderr: string }) => error,
  );
  const tag = /v8-tag (\d+)/.exec(stderr)?.[1];
  if (tag === undefined) throw new Error(`no v8 tag printed:\n${stderr}`);
  return tag;
}

describe("V8 flags of the evreg process", () => {
  const evreg = path.join(repoRoot, "bin/evreg.js");

  test.each([
    { args: ["generate"], runtime: "node", tuned: true },
    { args: ["generate", "--check"], runtime: "node", tuned: true },
    { args: ["lint"], runtime: "node", tuned: true },
    { args: ["--out", "serve", "generate"], runtime: "node", tuned: true },
    { args: ["generate", "--watch", "--check"], runtime: "node", tuned: false },
    { args: ["serve"], runtime: "node", tuned: false },
    { args: ["--version"], runtime: "node", tuned: false },
    { args: ["generate"], runtime: "bun", tuned: false },
  ])("evreg $args as $runtime: one-shot flags $tuned", async ({ args, runtime, tuned }) => {
    const untouched = await tagAfter("-e", "");
    const tag = await tagAfter(...(runtime === "bun" ? ["--import", asBun] : []), evreg, ...args);
    if (tuned) expect(tag).not.toBe(untouched);
    else expect(tag).toBe(untouched);
  });

  test("main called by another program leaves that program's flags alone", async () => {
    const before = cachedDataVersionTag();
    let printed = "";
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      const args = ["--schemas", path.join(scratch, "missing.ts"), "generate", "--check"];
      expect(await main(["node", "evreg", ...args])).toBe(2);
    } finally {
      write.mockRestore();
    }
    expect(printed).toContain("missing.ts does not exist");
    expect(cachedDataVersionTag()).toBe(before);
  });
});
