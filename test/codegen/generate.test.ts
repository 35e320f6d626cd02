import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { catalogLinksFromScan } from "../../src/cli/catalog.ts";
import { fileHashes } from "../../src/codegen/fingerprint.ts";
import {
  findStaleFiles,
  openOutputWriter,
  planOutput,
  schemaFilePath,
  writeGeneratedFiles,
} from "../../src/codegen/generate.ts";
import { loadRegistry, type Registry } from "../../src/index.ts";
import { scanProject } from "../../src/lint/scan.ts";
import { repoRoot, tempDir } from "../support/temp.ts";

const run = promisify(execFile);
const evreg = path.join(repoRoot, "bin/evreg.js");

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [evreg, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let registry: Registry;
beforeAll(async () => {
  registry = await loadRegistry(path.join(repoRoot, "schemas/index.ts"));
});

describe("generated/ golden", () => {
  test("the committed generated/ is exactly what the registry (and the example app's code) produces", async () => {
    const links = catalogLinksFromScan(scanProject([path.join(repoRoot, "example/app")], registry, { cwd: repoRoot }));
    const stale = await findStaleFiles(path.join(repoRoot, "generated"), await planOutput(registry, { links }));
    expect(stale).toEqual({ changed: [], missing: [], extra: [] });
  });

  test("output is deterministic", async () => {
    const first = await planOutput(registry, { catalog: false });
    const second = await planOutput(registry, { catalog: false });
    expect([...second]).toEqual([...first]);
  });

  test("one JSON Schema per event version, system events included", async () => {
    const files = [...(await planOutput(registry, { catalog: false })).keys()].filter((file) =>
      file.startsWith("schemas/"),
    );
    expect(files).toContain("schemas/user/profile.updated/2023-11-02.1.json");
    expect(files).toContain("schemas/user/profile.updated/2024-01-15.1.json");
    expect(files).toContain("schemas/inngest/function.failed/1.0.0.json");
    expect(files).toHaveLength(18 + 5);
  });

  test("hands the catalog, the JSON Schemas and the client to the sink before the validators are done", async () => {
    const batches: string[][] = [];
    const files = await planOutput(registry, { sink: (batch) => batches.push([...batch.keys()]) });
    expect(batches.map((batch) => batch[0]?.split("/")[0])).toEqual([
      "catalog",
      "schemas",
      "events.ts",
      "validators.js",
    ]);
    expect(batches.at(-1)).toEqual(["validators.js", "validators.d.ts"]);
    expect(batches.flat().sort()).toEqual([...files.keys()].sort());
  });

  test("schema file paths cannot escape the output folder", () => {
    expect(schemaFilePath("../../etc/passwd", "1.0.0")).toBe("schemas/%2E._/%2E._/etc/passwd/1.0.0.json");
    expect(schemaFilePath("a b/c", "1.0.0")).toBe("schemas/a%20b/c/1.0.0.json");
  });
});

describe("writeGeneratedFiles", () => {
  test("replaces the folder, removing files no longer generated", async () => {
    const out = path.join(await tempDir("gen"), "generated");
    await writeGeneratedFiles(out, new Map([["old.txt", "old"]]));
    await writeGeneratedFiles(out, new Map([["a/b.txt", "new"]]));
    expect(await findStaleFiles(out, new Map([["a/b.txt", "new"]]))).toEqual({ changed: [], missing: [], extra: [] });
  });

  test("a failed write leaves the previous output untouched", async () => {
    const out = path.join(await tempDir("gen"), "generated");
    await writeGeneratedFiles(out, new Map([["keep.txt", "previous"]]));
    // "x" as a file and as a folder cannot both be written
    await expect(
      writeGeneratedFiles(
        out,
        new Map([
          ["x", "file"],
          ["x/y", "nested"],
        ]),
      ),
    ).rejects.toThrow(/EEXIST|ENOTDIR/);
    expect(await readFile(path.join(out, "keep.txt"), "utf8")).toBe("previous");
    expect(await readdir(path.dirname(out))).toEqual(["generated"]);
  });

  test("commit answers the sha256 of each file written, as fileHashes computes it", async () => {
    const out = path.join(await tempDir("gen"), "generated");
    const files = new Map([
      ["a.txt", "first"],
      ["nested/b.txt", "ünïcode ✓"],
    ]);
    const writer = openOutputWriter(out);
    writer.add(new Map([...files].slice(0, 1)));
    writer.add(new Map([...files].slice(1)));
    const hashes = await writer.commit();
    expect(hashes).toEqual(fileHashes(files));
    expect(hashes["nested/b.txt"]).toBe(
      createHash("sha256")
        .update(await readFile(path.join(out, "nested/b.txt")))
        .digest("hex"),
    );
  });

  test("a batch goes over as one buffer: each file gets its own bytes, multi-byte text and empty files included", async () => {
    const out = path.join(await tempDir("gen"), "generated");
    const files = new Map([
      ["multi.txt", "€ → 𝄞, then ascii"],
      ["empty.txt", ""],
      ["after/ascii.txt", "plain"],
      ["after/emoji.json", '{"ok":"✓"}\n'],
    ]);
    const writer = openOutputWriter(out);
    writer.add(files);
    await writer.commit();
    for (const [file, content] of files) expect(await readFile(path.join(out, file), "utf8")).toBe(content);
  });

  test("a discarded writer leaves the output and no temp folder behind", async () => {
    const out = path.join(await tempDir("gen"), "generated");
    await writeGeneratedFiles(out, new Map([["keep.txt", "previous"]]));
    const writer = openOutputWriter(out);
    writer.add(new Map([["keep.txt", "replaced"]]));
    await writer.discard();
    expect(await readFile(path.join(out, "keep.txt"), "utf8")).toBe("previous");
    expect(await readdir(path.dirname(out))).toEqual(["generated"]);
  });
});

describe("evreg generate (CLI)", () => {
  async function project(): Promise<string> {
    const dir = await tempDir("cli");
    await cp(path.join(repoRoot, "schemas"), path.join(dir, "schemas"), { recursive: true });
    return dir;
  }

  test("--check exits 0 when fresh and 1 naming the stale files after a schema edit", async () => {
    const dir = await project();
    expect((await cli(dir, "generate")).code).toBe(0);
    // an unchanged tree: nothing is swapped in, and the writer's temp folder is gone
    expect((await cli(dir, "generate")).stdout).toContain("generated/ is up to date");
    expect((await readdir(dir)).filter((entry) => entry.startsWith(".evreg-tmp"))).toEqual([]);
    const fresh = await cli(dir, "generate", "--check");
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain("up to date");

    const file = path.join(dir, "schemas/order.ts");
    await writeFile(file, (await readFile(file, "utf8")).replace("orderId: z.string()", "orderId: z.string().min(3)"));
    const stale = await cli(dir, "generate", "--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("changed: generated/schemas/order/placed/1.0.0.json");
    expect(stale.stderr).toContain("changed: generated/validators.js");
    expect(stale.stderr).toContain("fix: run `evreg generate`");
  });

  test("--check follows the sends in app code, not their lines", async () => {
    const dir = await project();
    await cp(path.join(repoRoot, "example"), path.join(dir, "example"), { recursive: true });
    await cp(path.join(repoRoot, "evreg.config.json"), path.join(dir, "evreg.config.json"));
    expect((await cli(dir, "generate")).code).toBe(0);
    const page = path.join(dir, "generated/catalog/events/user_action.performed.html");
    expect(await readFile(page, "utf8")).toContain("example/app/functions/users.ts · recordActions");

    const file = path.join(dir, "example/app/functions/users.ts");
    const source = await readFile(file, "utf8");
    await writeFile(file, `// a comment and a blank line move every send down\n\n${source}`);
    const moved = await cli(dir, "generate", "--check");
    expect(moved.stderr).toBe("");
    expect(moved.code).toBe(0);

    const added = `${source}\nexport async function recordLogout(userId: string) {\n  return inngest.send({ name: "user/action.performed", data: { action: "logout", userId } });\n}\n`;
    await writeFile(file, added);
    const stale = await cli(dir, "generate", "--check");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("changed: generated/catalog/events/user_action.performed.html");
    expect((await cli(dir, "generate")).code).toBe(0);
    expect(await readFile(page, "utf8")).toContain("example/app/functions/users.ts · recordLogout");
  });

  test("a lint path that does not exist yet (right after evreg init) is a warning, not a failure", async () => {
    const dir = await project();
    await writeFile(path.join(dir, "evreg.config.json"), JSON.stringify({ lint: { paths: ["src", "schemas"] } }));
    const result = await cli(dir, "generate");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("warning config/lint-path src: this lint path does not exist");
    expect(result.stdout).toContain("wrote");
    expect((await cli(dir, "lint")).code).toBe(2);
  });

  test("a broken schema file prints one readable issue, no stack, and leaves generated/ alone", async () => {
    const dir = await project();
    expect((await cli(dir, "generate")).code).toBe(0);
    const before = await readFile(path.join(dir, "generated/events.ts"), "utf8");
    await writeFile(
      path.join(dir, "schemas/order.ts"),
      'import { z } from "zod";\nimport { defineEvent } from "evreg";\nexport const orderPlaced = defineEvent({ name: "order/placed", versions: [{ v: "2024-13-01.1", data: z.object({}) }] });\n',
    );
    const result = await cli(dir, "generate");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("registry/version-label");
    expect(result.stderr).toContain("schemas/order.ts:3");
    expect(result.stderr).toContain("fix:");
    expect(result.stderr).not.toMatch(/\n\s+at .*\(/);
    expect(await readFile(path.join(dir, "generated/events.ts"), "utf8")).toBe(before);
  });

  test("unknown flags are usage errors (exit 2)", async () => {
    const dir = await project();
    await mkdir(path.join(dir, "generated"));
    const result = await cli(dir, "generate", "--chekc");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option");
  });
});
