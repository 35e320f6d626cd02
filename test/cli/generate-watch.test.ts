import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import { LARGE_REGISTRY_EVENTS } from "../../src/cli/generate.ts";
import { repoRoot, tempDir } from "../support/temp.ts";

const evreg = path.join(repoRoot, "bin/evreg.js");
const run = promisify(execFile);

interface Watcher {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function startWatch(cwd: string): Watcher {
  const child = spawn(
    process.execPath,
    [evreg, "--schemas", "schemas/index.ts", "--out", "out", "generate", "--watch"],
    { cwd },
  );
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Polls until `ready` holds; fails with what was seen after `limitMs` (a bound, not a timing assertion). */
async function until(
  what: string,
  ready: () => boolean | Promise<boolean>,
  seen: () => unknown,
  limitMs = 45_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; seen: ${JSON.stringify(seen())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const count = (text: string, part: string) => text.split(part).length - 1;

async function exampleCopy(): Promise<string> {
  const dir = await tempDir("watch");
  await cp(path.join(repoRoot, "schemas"), path.join(dir, "schemas"), { recursive: true });
  return dir;
}

describe("evreg generate --watch", () => {
  test("regenerates on a save, survives a broken schema, and stops cleanly on SIGTERM", async () => {
    const dir = await exampleCopy();
    const watcher = startWatch(dir);
    const events = path.join(dir, "out/events.ts");
    await until(
      "the first run and the watcher",
      () => watcher.output().stdout.includes("watching schemas/"),
      watcher.output,
    );
    expect(watcher.output().stdout).toMatch(/wrote \d+ files to out\/ \(17 events\)/);

    const billing = path.join(dir, "schemas/billing.ts");
    const original = await readFile(billing, "utf8");
    await writeFile(billing, original.replace("A customer's invoice was paid in full.", "An invoice was settled."));
    await until(
      "the edit to reach out/events.ts",
      async () => (await readFile(events, "utf8")).includes("An invoice was settled."),
      watcher.output,
    );

    // A schema mistake: the id template names a field the event does not have.
    await writeFile(billing, original.replace("invoice-paid-${invoiceId}", "invoice-paid-${invoiceNumber}"));
    await until("the schema error", () => watcher.output().stderr.includes("invoiceNumber"), watcher.output);
    expect(watcher.output().stderr).toContain("schemas/billing.ts");
    expect(watcher.output().stderr).not.toMatch(/unexpected error|at .*\.ts:\d+:\d+\)/);
    expect(watcher.child.exitCode).toBeNull();
    expect(await readFile(events, "utf8")).toContain("An invoice was settled.");

    await writeFile(billing, original.replace("A customer's invoice was paid in full.", "Paid again."));
    await until(
      "recovery after the fix",
      async () => (await readFile(events, "utf8")).includes("Paid again."),
      watcher.output,
    );

    watcher.child.kill("SIGTERM");
    expect(await watcher.exited).toBe(0);
    expect(watcher.output().stdout).toContain("stopped watching (SIGTERM)");
  });

  test("a burst of saves and a save that changes nothing", async () => {
    const dir = await exampleCopy();
    const watcher = startWatch(dir);
    await until("the watcher", () => watcher.output().stdout.includes("watching schemas/"), watcher.output);
    const trial = path.join(dir, "schemas/trial.ts");
    const original = await readFile(trial, "utf8");
    for (const round of [1, 2, 3]) await writeFile(trial, `${original}\n// save ${round}\n`);
    await until(
      "a run after the burst",
      () => count(watcher.output().stdout, "out/ is up to date") >= 1,
      watcher.output,
    );
    // Comments change no output: the folder is left alone, not rewritten.
    expect(count(watcher.output().stdout, "wrote ")).toBe(1);
    expect(existsSync(path.join(dir, "out/events.ts"))).toBe(true);

    watcher.child.kill("SIGINT");
    expect(await watcher.exited).toBe(0);
    expect(watcher.output().stdout).toContain("stopped watching (SIGINT)");
  });

  test("--check and --watch together is a usage error", async () => {
    const dir = await exampleCopy();
    const failed = await run(process.execPath, [evreg, "generate", "--check", "--watch"], { cwd: dir }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining("cannot be combined") });
  });
});

describe("progress", () => {
  test(`a registry of ${LARGE_REGISTRY_EVENTS} events prints a progress line before the slow step`, async () => {
    const dir = await tempDir("progress");
    await writeFile(
      path.join(dir, "index.ts"),
      `import { z } from "zod";
import { defineEvent, defineRegistry } from "evreg";
export default defineRegistry({
  app: "large",
  events: Array.from({ length: ${LARGE_REGISTRY_EVENTS} }, (_, index) =>
    defineEvent({ name: \`area\${index % 10}/thing\${index}.created\`, data: z.object({ id: z.string() }) }),
  ),
});
`,
    );
    const { stdout, stderr } = await run(
      process.execPath,
      [evreg, "--schemas", "index.ts", "--out", "out", "generate"],
      { cwd: dir },
    );
    expect(stderr).toContain(`generating files for ${LARGE_REGISTRY_EVENTS} events...`);
    expect(stdout).toContain(`(${LARGE_REGISTRY_EVENTS} events)`);
  });
});
