/**
 * The recorded fingerprint behind `generate --check`'s shortcut: it must change with every input
 * `generate` reads (or give up), and a recorded run must stop counting the moment an input or an
 * output file changes, so the shortcut can never call a stale folder up to date.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { fileHashes, generateFingerprint, recordedUpToDate, recordUpToDate } from "../../src/codegen/fingerprint.ts";
import { repoRoot, tempDir } from "../support/temp.ts";

const run = promisify(execFile);

async function project(files: Record<string, string>): Promise<string> {
  const dir = await tempDir("fingerprint");
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

const target = { schemas: "schemas/index.ts", out: "generated", sources: [] as string[] };

describe("generateFingerprint", () => {
  const importForms: [string, string][] = [
    ["default import", 'import money from "../shared/money.ts";'],
    ["named import over lines", 'import {\n  money,\n  type Money,\n} from "../shared/money.ts";'],
    ["type-only import", 'import type { Money } from "../shared/money.ts";'],
    ["re-export", 'export * from "../shared/money.ts";'],
    ["named re-export", 'export { money } from "../shared/money.ts";'],
    ["side-effect import", 'import "../shared/money.ts";'],
    ["dynamic import of a literal", 'const lazy = await import("../shared/money.ts");'],
    ["require of a literal", 'const money = require("../shared/money.ts");'],
    [".js specifier of a .ts file", 'import { money } from "../shared/money.js";'],
    ["extensionless specifier", 'import { money } from "../shared/money";'],
    ["folder index", 'import { money } from "../shared";'],
  ];

  it.each(importForms)("follows a %s outside the schemas folder", async (_form, statement) => {
    const dir = await project({
      "schemas/index.ts": `${statement}\nexport default {};\n`,
      "shared/money.ts": "export const money = 1;\n",
      "shared/index.ts": 'export * from "./money.ts";\n',
    });
    const before = await generateFingerprint(target, dir);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    expect(await generateFingerprint(target, dir)).toBe(before);
    await writeFile(path.join(dir, "shared/money.ts"), "export const money = 2;\n");
    expect(await generateFingerprint(target, dir)).not.toBe(before);
  });

  it("changes with the schema file, the app code scanned for the catalog, the settings and package versions", async () => {
    const dir = await project({
      "schemas/index.ts": 'import { z } from "zod";\nimport { money } from "fake-money";\nexport default z;\n',
      "node_modules/fake-money/package.json": '{ "name": "fake-money", "version": "1.0.0" }',
      "app/send.ts": 'import { helper } from "./helper.ts";\nexport const sent = helper;\n',
      "app/helper.ts": "export const helper = 1;\n",
    });
    const withApp = { ...target, sources: ["app"] };
    const base = await generateFingerprint(withApp, dir);
    const edits: [string, () => Promise<unknown>][] = [
      [
        "schema",
        () =>
          writeFile(
            path.join(dir, "schemas/index.ts"),
            'import { z } from "zod";\nimport { money } from "fake-money";\nexport default z.string();\n',
          ),
      ],
      ["app file", () => writeFile(path.join(dir, "app/send.ts"), "export const sent = 2;\n")],
      ["file the app imports", () => writeFile(path.join(dir, "app/helper.ts"), "export const helper = 3;\n")],
      [
        "package version",
        () =>
          writeFile(
            path.join(dir, "node_modules/fake-money/package.json"),
            '{ "name": "fake-money", "version": "1.0.1" }',
          ),
      ],
    ];
    const seen = new Set([base]);
    for (const [what, edit] of edits) {
      await edit();
      const next = await generateFingerprint(withApp, dir);
      expect(seen.has(next), what).toBe(false);
      seen.add(next);
    }
    const current = await generateFingerprint(withApp, dir);
    expect(await generateFingerprint({ ...withApp, out: "elsewhere" }, dir)).not.toBe(current);
    expect(await generateFingerprint({ ...withApp, sources: [] }, dir)).not.toBe(current);
  });

  it("gives up, rather than guess, on imports it cannot follow", async () => {
    const cases: Record<string, string> = {
      "a computed dynamic import": "const name = 'x';\nawait import(`./${name}.ts`);\n",
      "a missing relative file": 'import { gone } from "./gone.ts";\n',
      "a package that is not installed": 'import { nothing } from "no-such-package-evreg";\n',
    };
    for (const [what, source] of Object.entries(cases)) {
      const dir = await project({ "schemas/index.ts": source });
      expect(await generateFingerprint(target, dir), what).toBeUndefined();
    }
  });
});

describe("recordedUpToDate", () => {
  async function recorded(): Promise<string> {
    const output = new Map([
      ["events.ts", "// events\n"],
      ["schemas/a.json", "{}\n"],
    ]);
    const dir = await project({
      "schemas/index.ts": "export default {};\n",
      ...Object.fromEntries([...output].map(([file, content]) => [`generated/${file}`, content])),
    });
    await recordUpToDate(target, await generateFingerprint(target, dir), 3, fileHashes(output), dir);
    return dir;
  }

  it("answers for an unchanged tree with the recorded counts", async () => {
    const dir = await recorded();
    expect(await recordedUpToDate(target, dir)).toEqual({ events: 3, files: 2 });
  });

  const changes: [string, (dir: string) => Promise<unknown>][] = [
    ["an output file edited by hand", (dir) => writeFile(path.join(dir, "generated/events.ts"), "// edited\n")],
    ["an output file removed", (dir) => rm(path.join(dir, "generated/schemas/a.json"))],
    ["an extra file in the output", (dir) => writeFile(path.join(dir, "generated/extra.ts"), "\n")],
    ["an input edited", (dir) => writeFile(path.join(dir, "schemas/index.ts"), "export default { edited: 1 };\n")],
  ];

  it.each(changes)("does not answer after %s", async (_what, change) => {
    const dir = await recorded();
    await change(dir);
    expect(await recordedUpToDate(target, dir)).toBeUndefined();
  });

  it("never answers for a folder nothing was recorded for", async () => {
    const dir = await project({ "schemas/index.ts": "export default {};\n", "generated/events.ts": "\n" });
    expect(await recordedUpToDate(target, dir)).toBeUndefined();
  });
});

describe("evreg generate --check", () => {
  it("answers from the record on an unchanged tree and still names a hand-edited file", async () => {
    const dir = await tempDir("fingerprint-cli");
    await cp(path.join(repoRoot, "schemas"), path.join(dir, "schemas"), { recursive: true });
    const cli = (...args: string[]) =>
      run(process.execPath, [path.join(repoRoot, "bin/evreg.js"), ...args], { cwd: dir }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
    expect((await cli("generate")).code).toBe(0);
    const recordedRun = await cli("generate", "--check");
    expect(recordedRun.code).toBe(0);
    expect(recordedRun.stdout).toContain("inputs unchanged since last verified");

    const events = path.join(dir, "generated/events.ts");
    await writeFile(events, (await readFile(events, "utf8")).replace("amount: number;", "amount: string;"));
    const edited = await cli("generate", "--check");
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain("changed: generated/events.ts");
  });
});
