/**
 * generated/events.ts tells apps' compilers not to check it (`// @ts-nocheck`, see NO_CHECK), the way
 * they skip a library's .d.ts files. So a broken client would pass unnoticed in every app: here it is
 * checked with the directive removed, under the repo's strict settings, by TypeScript 5.9 and 7,
 * together with validators.d.ts, which skipLibCheck would skip as well (checked here as a .ts file).
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER, NO_CHECK } from "../../src/codegen/client.ts";
import { repoRoot, tempDir } from "../support/temp.ts";

const run = promisify(execFile);
const COMPILERS = {
  "5.9": path.join(repoRoot, "node_modules/typescript/bin/tsc"),
  "7": path.join(repoRoot, "node_modules/typescript7/bin/tsc"),
};

/** The generated client and its validators' declarations as checked source, plus `extra` code. */
async function checkedClient(compiler: string, extra = ""): Promise<{ code: number; output: string }> {
  const dir = await tempDir("client-check");
  const client = await readFile(path.join(repoRoot, "generated/events.ts"), "utf8");
  await writeFile(path.join(dir, "events.ts"), client.replace(`${NO_CHECK}\n`, "") + extra);
  // As `validators.ts`, `./validators.js` resolves to it and it is checked like any source file.
  await writeFile(path.join(dir, "validators.ts"), await readFile(path.join(repoRoot, "generated/validators.d.ts")));
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: path.join(repoRoot, "tsconfig.json"),
      include: [],
      files: ["events.ts", "validators.ts"],
    }),
  );
  return run(process.execPath, [compiler, "-p", dir, "--pretty", "false"], { cwd: repoRoot }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

describe("the generated client's own check", () => {
  it("tells apps' compilers to skip it, right below the header", async () => {
    const client = await readFile(path.join(repoRoot, "generated/events.ts"), "utf8");
    expect(client.startsWith(`// ${GENERATED_HEADER}\n${NO_CHECK}\n`)).toBe(true);
  });

  it.each(Object.entries(COMPILERS))("type-checks without the directive under TypeScript %s", async (_, compiler) => {
    const result = await checkedClient(compiler);
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it.each(Object.entries(COMPILERS))("reports an error in the client under TypeScript %s", async (_, compiler) => {
    const result = await checkedClient(compiler, 'export const broken: EventName = "billing/invoice.payed";\n');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(
      /events\.ts\(\d+,\d+\): error TS\d+: Type ."billing\/invoice\.payed". is not assignable/,
    );
  });

  it.each(
    Object.entries(COMPILERS),
  )("reports a misspelt name given to send on the name, with the name meant, under TypeScript %s", async (_, compiler) => {
    const result = await checkedClient(
      compiler,
      'void send({ send: async () => ({ ids: [] }) }, { name: "billing/invoice.payed", data: { amount: 1 } });\n',
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      `Type '"billing/invoice.payed"' is not assignable to type 'keyof AppEvents'. Did you mean '"billing/invoice.paid"'?`,
    );
    // The name alone: the data is not compared with every event's payload type.
    expect(result.output).not.toMatch(/amount/);
  });
});
