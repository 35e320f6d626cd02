/**
 * The generated client under TypeScript 7 (the native compiler): generated/events.ts and the type
 * tests that prove its promises compile there exactly as under TypeScript 5.9, so every
 * `@ts-expect-error` still meets its error. A misuse without the directive must fail the run, or the
 * check could not tell a broken client from a working one.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "../support/temp.ts";

const run = promisify(execFile);
// `typescript7` is typescript@7 under an npm alias, beside the 5.9 that ts-morph and the build use.
const tsc7 = path.join(repoRoot, "node_modules/typescript7/bin/tsc");

async function typeCheck(files: string[]): Promise<{ code: number; output: string }> {
  const dir = await tempDir("ts7");
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ extends: path.join(repoRoot, "tsconfig.json"), include: [], files }),
  );
  return run(process.execPath, [tsc7, "-p", dir, "--pretty", "false"], { cwd: repoRoot }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

describe("TypeScript 7", () => {
  it("is the native compiler, version 7", async () => {
    const { stdout } = await run(process.execPath, [tsc7, "--version"]);
    expect(stdout).toMatch(/^Version 7\./);
  });

  it("type-checks the generated client and every type test of it", async () => {
    const result = await typeCheck([
      path.join(repoRoot, "generated/events.ts"),
      path.join(repoRoot, "test/codegen/events.test-d.ts"),
      path.join(repoRoot, "test/versions/types.test-d.ts"),
    ]);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("reports a misuse of the client as an error", async () => {
    const dir = await tempDir("ts7-misuse");
    const misuse = path.join(dir, "misuse.ts");
    await writeFile(
      misuse,
      [
        `import { billing, send, type EventSender } from ${JSON.stringify(path.join(repoRoot, "generated/events.ts"))};`,
        "declare const client: EventSender;",
        'void send(client, { name: "billing/invoice.payed", data: {} });',
        "billing.invoicePaid.create({ invoiceId: 1 });",
      ].join("\n"),
    );
    const result = await typeCheck([misuse]);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('"billing/invoice.payed"');
    expect(result.output).toMatch(/misuse\.ts\(4,\d+\): error TS\d+/);
  });
});
