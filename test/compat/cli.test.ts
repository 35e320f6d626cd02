import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/main.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
// Inside the package, so schema files resolve `zod` and `evreg` like a user's would.
const dir = mkdtempSync(path.join(root, "test/compat/.tmp-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function evreg(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/evreg.js", ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function file(name: string, content: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
}

const json = (name: string, value: unknown) => file(name, JSON.stringify(value));

/** The same CLI in this process (spawning costs seconds each): exit code and what went to stderr. */
async function evregInProcess(...args: string[]): Promise<{ code: number; stderr: string }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return { code: await main(["node", "evreg", ...args]), stderr: written.join("") };
  } finally {
    spy.mockRestore();
  }
}

describe("evreg compat", () => {
  const old = json("old.json", { type: "object", properties: { a: { type: "string", maxLength: 10 } } });
  const narrower = json("new.json", {
    type: "object",
    properties: { a: { type: "string", maxLength: 5 } },
    required: ["a"],
  });

  it("prints the JSON contract and exits 1 when incompatible", async () => {
    const result = await evreg("compat", old, narrower, "--mode", "BACKWARD", "--format", "json");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      compatible: false,
      changes: [
        {
          kind: "MAX_LENGTH_DECREASED",
          path: "/properties/a/maxLength",
          compatible: false,
          message: "maxLength decreased: 10 -> 5",
        },
        {
          kind: "REQUIRED_PROPERTY_ADDED",
          path: "/required/a",
          compatible: false,
          message: 'a property became required: "a"',
        },
      ],
    });
  });

  it("exits 0 when the mode allows the changes", async () => {
    const pretty = await evreg("compat", old, narrower, "--mode", "FORWARD");
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toContain("compatible (FORWARD)");
    expect(pretty.stdout).toContain("MAX_LENGTH_DECREASED /properties/a/maxLength");
  });

  it.each([
    ["a file that is not JSON", () => file("bad.json", "{nope"), /not valid JSON/],
    ["a file that is not a schema", () => json("array.json", [1, 2]), /object or a boolean/],
    ["a missing file", () => path.join(dir, "missing.json"), /does not exist/],
    [
      "a schema nested 5,000 levels deep",
      () => file("deep.json", `${'{"items":'.repeat(4_999)}{}${"}".repeat(4_999)}`),
      /more than 500 levels deep/,
    ],
    ["an unresolvable $ref", () => json("ref.json", { $ref: "#/$defs/nowhere" }), /does not resolve/],
    [
      "a $ref cycle",
      () => json("cycle.json", { $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" }),
      /loops back/,
    ],
  ])("exits 2 on %s, without a stack trace", async (_title, make, message) => {
    const result = await evregInProcess("compat", make(), old);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on bad input in a spawned process too", async () => {
    const result = await evreg("compat", file("broken.json", "{nope"), old);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("not valid JSON");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on an unknown mode", async () => {
    const result = await evregInProcess("compat", old, old, "--mode", "SIDEWAYS");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("FULL_TRANSITIVE");
  });
});

describe("evreg check and evreg lock", () => {
  const entry = path.join(dir, "index.ts");
  const registry = (versions: string) =>
    file(
      "index.ts",
      `import { z } from "zod";
import { defineEvent, defineRegistry } from "evreg";
const placed = defineEvent({ name: "shop/order.placed", versions: [${versions}] });
export default defineRegistry({ app: "cli-test", events: [placed] });
`,
    );
  const v1 = `{ v: "1.0.0", data: z.object({ orderId: z.string() }) }`;

  it("locks a passing registry, then fails on an edited version and on a new required field", async () => {
    registry(v1);
    expect((await evreg("--schemas", entry, "check")).code).toBe(0);
    const locked = await evreg("--schemas", entry, "lock");
    expect(locked.code).toBe(0);
    const lockText = readFileSync(path.join(dir, "evreg.lock.json"), "utf8");
    expect(JSON.parse(lockText).events["shop/order.placed"]["1.0.0"].sha256).toMatch(/^[0-9a-f]{64}$/);

    registry(`{ v: "1.0.0", data: z.object({ orderId: z.number() }) }`);
    const edited = await evreg("--schemas", entry, "check");
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain("compat/version-changed");
    expect(edited.stderr).toContain("TYPE_CHANGED at /properties/data/properties/orderId/type");

    registry(`${v1}, { v: "1.1.0", data: z.object({ orderId: z.string(), note: z.string() }) }`);
    const breaking = await evreg("--schemas", entry, "lock");
    expect(breaking.code).toBe(1);
    expect(breaking.stderr).toContain("REQUIRED_PROPERTY_ADDED at data.note");
    expect(breaking.stderr).toContain("make it optional");
    expect(readFileSync(path.join(dir, "evreg.lock.json"), "utf8")).toBe(lockText);

    registry(`${v1}, { v: "1.1.0", data: z.object({ orderId: z.string(), note: z.string().optional() }) }`);
    const json = await evreg("--schemas", entry, "check", "--format", "json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ issues: [], summary: { errors: 0, warnings: 0 } });
  });

  it("exits 2 on a lockfile that is not JSON", async () => {
    registry(v1);
    file("evreg.lock.json", "{ not json");
    const result = await evregInProcess("--schemas", entry, "check");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("compat/lockfile");
  });

  it("passes on the example registry and its committed lockfile", async () => {
    const result = await evreg("check");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("evreg check: ok");
  });
});
