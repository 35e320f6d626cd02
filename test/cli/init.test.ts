import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { loadConfig } from "../../src/cli/config.ts";
import { appIdFrom, INIT_SCRIPTS, type InitOptions, initApp, scriptsToAdd } from "../../src/cli/init.ts";
import { type CommandIO, runCommand } from "../../src/cli/io.ts";
import { loadRegistry } from "../../src/registry/load.ts";
import { tempDir } from "../support/temp.ts";

interface Run {
  code: number;
  out: string;
  err: string;
}

async function init(cwd: string, options: Partial<InitOptions> = {}): Promise<Run> {
  const printed = { out: "", err: "" };
  const io: CommandIO = {
    out: (text) => {
      printed.out += `${text}\n`;
    },
    err: (text) => {
      printed.err += `${text}\n`;
    },
    debug: false,
  };
  const code = await runCommand(io, () =>
    initApp(cwd, "schemas/index.ts", "generated", { lint: ["src"], ...options }, io.out),
  );
  return { code, ...printed };
}

async function appDir(packageJson: object | string = { name: "@acme/shop", version: "1.0.0" }): Promise<string> {
  const dir = await tempDir("init");
  const text = typeof packageJson === "string" ? packageJson : `${JSON.stringify(packageJson, null, 2)}\n`;
  await writeFile(path.join(dir, "package.json"), text);
  return dir;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;

describe("evreg init", () => {
  test("creates a registry that loads, a config that loads, and the npm scripts", async () => {
    const dir = await appDir();
    const run = await init(dir);
    expect(run).toMatchObject({ code: 0, err: "" });
    expect(run.out).toContain("created schemas/index.ts");
    expect(run.out).toContain("npm install zod inngest");

    const registry = await loadRegistry(path.join(dir, "schemas/index.ts"));
    expect(registry.app).toBe("acme-shop");
    expect(registry.events.map((event) => event.name)).toEqual(["user/signup.completed"]);
    expect(registry.events[0]?.idTemplate).toBe("user-signup-completed-${userId}");

    const { config } = await loadConfig(dir);
    expect(config).toMatchObject({
      schemas: path.join(dir, "schemas/index.ts"),
      out: path.join(dir, "generated"),
      lint: { paths: [path.join(dir, "src")], format: "pretty" },
      compat: { mode: "FULL_TRANSITIVE" },
      runtime: { store: "memory" },
    });
    expect((await readJson(path.join(dir, "package.json"))).scripts).toEqual(INIT_SCRIPTS);
  });

  test("lints the code folders the app has, or src when it has none yet", async () => {
    const dir = await appDir();
    await mkdir(path.join(dir, "app"));
    await mkdir(path.join(dir, "lib"));
    const run = await init(dir, { lint: undefined });
    expect(run.out).toContain("lint paths: app, lib");
    expect((await loadConfig(dir)).config.lint?.paths).toEqual([path.join(dir, "app"), path.join(dir, "lib")]);

    const bare = await appDir();
    expect((await init(bare, { lint: undefined })).out).toContain("lint paths: src");
  });

  test("refuses to overwrite, names every file in the way, and changes nothing", async () => {
    const dir = await appDir({ name: "shop", scripts: { test: "vitest" } });
    await writeFile(path.join(dir, "evreg.config.json"), "{}\n");
    const before = await readFile(path.join(dir, "package.json"), "utf8");
    const run = await init(dir);
    expect(run.code).toBe(2);
    expect(run.err).toContain("evreg.config.json already exists");
    expect(run.err).toContain("evreg init --force");
    expect(existsSync(path.join(dir, "schemas/index.ts"))).toBe(false);
    expect(await readFile(path.join(dir, "package.json"), "utf8")).toBe(before);

    expect((await init(await appDir())).code).toBe(0);
  });

  test("a second run refuses; --force overwrites and keeps the app's other scripts", async () => {
    const dir = await appDir({ name: "shop", scripts: { test: "vitest", "evreg:generate": "my own" } });
    expect((await init(dir)).code).toBe(0);
    await writeFile(path.join(dir, "schemas/index.ts"), "// mine\n");
    const again = await init(dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain("schemas/index.ts already exists");
    expect(await readFile(path.join(dir, "schemas/index.ts"), "utf8")).toBe("// mine\n");

    const forced = await init(dir, { force: true });
    expect(forced.code).toBe(0);
    expect(await readFile(path.join(dir, "schemas/index.ts"), "utf8")).toContain("defineRegistry");
    expect((await readJson(path.join(dir, "package.json"))).scripts).toEqual({ test: "vitest", ...INIT_SCRIPTS });
  });

  test("keeps an existing script of the same name unless --force, and says so", async () => {
    const dir = await appDir({ name: "shop", scripts: { "evreg:generate": "my own" } });
    const run = await init(dir);
    expect(run.out).toContain('kept your script "evreg:generate"');
    expect((await readJson(path.join(dir, "package.json"))).scripts).toMatchObject({ "evreg:generate": "my own" });
  });

  test("keeps the package.json indentation", async () => {
    const dir = await appDir(
      `{\n\t"name": "tabs",\n\t"dependencies": {\n\t\t"zod": "^4.0.0",\n\t\t"inngest": "^4.0.0"\n\t}\n}\n`,
    );
    const run = await init(dir);
    expect(run.out).not.toContain("npm install");
    expect(await readFile(path.join(dir, "package.json"), "utf8")).toMatch(/^\{\n\t"name": "tabs",\n\t"dependencies"/);
  });

  test.each([
    ["no package.json", undefined, "there is no package.json"],
    ["a broken package.json", "{ nope", "package.json is not valid JSON"],
  ])("%s is an Issue with a fix", async (_title, content, message) => {
    const dir = await tempDir("init");
    if (content !== undefined) await writeFile(path.join(dir, "package.json"), content);
    const run = await init(dir);
    expect(run.code).toBe(2);
    expect(run.err).toContain(message);
    expect(run.err).toContain("fix:");
    expect(existsSync(path.join(dir, "schemas"))).toBe(false);
  });
});

describe("helpers", () => {
  test.each([
    ["@acme/shop", "acme-shop"],
    ["My App", "my-app"],
    ["--", "my-app"],
    [undefined, "my-app"],
  ])("app id from %s is %s", (name, want) => {
    expect(appIdFrom(name)).toBe(want);
  });

  test("scriptsToAdd adds new names, keeps taken ones, replaces them with force", () => {
    expect(scriptsToAdd({}, false)).toEqual({ add: INIT_SCRIPTS, kept: [] });
    expect(scriptsToAdd({ "evreg:watch": "x" }, false).kept).toEqual(["evreg:watch"]);
    expect(scriptsToAdd({ "evreg:watch": "x" }, true)).toEqual({ add: INIT_SCRIPTS, kept: [] });
  });
});
