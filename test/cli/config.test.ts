import { writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ConfigError, type EvregConfig, loadConfig, parseConfig, pickSetting } from "../../src/cli/config.ts";
import type { Issue } from "../../src/errors.ts";
import { tempDir } from "../support/temp.ts";

async function configIssues(value: unknown): Promise<Issue[]> {
  const error = await Promise.resolve()
    .then(() => parseConfig(value, path.resolve("evreg.config.json")))
    .then(
      () => undefined,
      (caught: unknown) => caught,
    );
  expect(error).toBeInstanceOf(ConfigError);
  return [...(error as ConfigError).issues];
}

describe("loadConfig", () => {
  test("no config file means no settings", async () => {
    const dir = await tempDir("config");
    expect(await loadConfig(dir)).toEqual({ file: undefined, config: {} });
  });

  test("reads evreg.config.ts written with defineConfig, paths relative to the file", async () => {
    const dir = await tempDir("config");
    await writeFile(
      path.join(dir, "evreg.config.ts"),
      `import { defineConfig } from "evreg";
export default defineConfig({
  schemas: "events/index.ts",
  out: "src/generated",
  lint: { paths: ["src"], rules: { "name/past-tense": "off" }, format: "github" },
  compat: { mode: "BACKWARD" },
  runtime: { store: "sqlite:data/dedup.db" },
  serve: { port: 8288, host: "127.0.0.1", upstream: "https://inn.gs", eventKeyFile: "secrets/key" },
});
`,
    );
    const loaded = await loadConfig(dir);
    expect(loaded.file).toBe(path.join(dir, "evreg.config.ts"));
    expect(loaded.config).toEqual({
      schemas: path.join(dir, "events/index.ts"),
      out: path.join(dir, "src/generated"),
      lint: { paths: [path.join(dir, "src")], rules: { "name/past-tense": "off" }, format: "github" },
      compat: { mode: "BACKWARD" },
      runtime: { store: `sqlite:${path.join(dir, "data/dedup.db")}` },
      serve: { port: 8288, host: "127.0.0.1", upstream: "https://inn.gs", eventKeyFile: path.join(dir, "secrets/key") },
    } satisfies EvregConfig);
  });

  test("reads evreg.config.json, and an explicit --config path from another folder", async () => {
    const dir = await tempDir("config");
    await writeFile(
      path.join(dir, "evreg.config.json"),
      JSON.stringify({ out: "gen", runtime: { store: "redis://127.0.0.1:6379/2" } }),
    );
    expect((await loadConfig(dir)).config).toEqual({
      out: path.join(dir, "gen"),
      runtime: { store: "redis://127.0.0.1:6379/2" },
    });
    const other = await tempDir("config-cwd");
    expect((await loadConfig(other, path.relative(other, path.join(dir, "evreg.config.json")))).config.out).toBe(
      path.join(dir, "gen"),
    );
  });

  test("the first of the known names wins when several exist", async () => {
    const dir = await tempDir("config");
    await writeFile(path.join(dir, "evreg.config.json"), JSON.stringify({ out: "from-json" }));
    await writeFile(path.join(dir, "evreg.config.mjs"), 'export default { out: "from-mjs" };\n');
    expect((await loadConfig(dir)).config.out).toBe(path.join(dir, "from-mjs"));
  });

  test.each([
    ["a missing --config file", undefined, "nope.config.ts", /nope\.config\.ts does not exist/],
    ["a config that throws", "throw new Error('boom');\n", undefined, /reading evreg\.config\.ts failed: boom/],
    ["a config with a syntax error", "export default {\n", undefined, /reading evreg\.config\.ts failed/],
  ])("%s is a config/load Issue, not a stack trace", async (_title, content, explicit, message) => {
    const dir = await tempDir("config");
    if (content !== undefined) await writeFile(path.join(dir, "evreg.config.ts"), content);
    const error = await loadConfig(dir, explicit).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const [issue] = (error as ConfigError).issues;
    expect(issue).toMatchObject({ rule: "config/load", severity: "error", message: expect.stringMatching(message) });
    expect(issue?.fix).toBeTruthy();
  });

  test("an invalid JSON config names the file", async () => {
    const dir = await tempDir("config");
    await writeFile(path.join(dir, "evreg.config.json"), "{ out: 1 }");
    await expect(loadConfig(dir)).rejects.toThrow(/evreg\.config\.json/);
  });
});

describe("parseConfig: unknown keys name the closest known key", () => {
  test.each([
    ["top level", { schema: "x.ts" }, "schema: unknown key", 'did you mean "schemas"?'],
    ["top level, far off", { output: "gen" }, "output: unknown key", 'did you mean "out"?'],
    ["lint", { lint: { rule: {} } }, "lint.rule: unknown key", 'did you mean "rules"?'],
    ["lint, paths", { lint: { path: ["src"] } }, "lint.path: unknown key", 'did you mean "paths"?'],
    ["compat", { compat: { mdoe: "FULL" } }, "compat.mdoe: unknown key", 'did you mean "mode"?'],
    ["runtime", { runtime: { stores: "memory" } }, "runtime.stores: unknown key", 'did you mean "store"?'],
    ["serve", { serve: { prot: 1 } }, "serve.prot: unknown key", 'did you mean "port"?'],
    [
      "serve, camel case",
      { serve: { eventkeyfile: "k" } },
      "serve.eventkeyfile: unknown key",
      'did you mean "eventKeyFile"?',
    ],
    ["a key written at the wrong level", { rules: {} }, "rules: unknown key", 'move it: "rules" belongs in lint.rules'],
    [
      "a key far from every known one",
      { colour: true },
      "colour: unknown key",
      "remove it or use one of the known keys here: schemas, out",
    ],
    [
      "lint override",
      { lint: { overrides: [{ events: ["a/b.c"], rules: {}, rule: {} }] } },
      "lint.overrides[0].rule: unknown key",
      'did you mean "rules"?',
    ],
    [
      "rule id",
      { lint: { rules: { "name/past-tens": "error" } } },
      "lint.rules.name/past-tens: unknown rule",
      'did you mean "name/past-tense"?',
    ],
    [
      "rule id in an override",
      { lint: { overrides: [{ events: ["a/b.c"], rules: { "code/unknown-evnt": "off" } }] } },
      "lint.overrides[0].rules.code/unknown-evnt: unknown rule",
      'did you mean "code/unknown-event"?',
    ],
  ])("%s", async (_where, value, message, fix) => {
    const [issue, ...rest] = await configIssues(value);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ rule: "config/invalid", severity: "error", file: "evreg.config.json", message });
    expect(issue?.fix).toContain(fix);
  });

  test("every unknown key is reported, not just the first", async () => {
    const issues = await configIssues({ schema: "a", outt: "b", lint: { pathz: [] } });
    expect(issues.map((issue) => issue.message).sort()).toEqual([
      "lint.pathz: unknown key",
      "outt: unknown key",
      "schema: unknown key",
    ]);
  });
});

describe("parseConfig: values", () => {
  test.each([
    ["a compatibility mode", { compat: { mode: "BACKWARDS" } }, /^compat\.mode: /],
    ["a rule severity", { lint: { rules: { "name/case": "fatal" } } }, /^lint\.rules\.name\/case: /],
    ["a lint format", { lint: { format: "sarif" } }, /^lint\.format: /],
    [
      "a store",
      { runtime: { store: "postgres://db" } },
      /^runtime\.store: use "memory", "sqlite:FILE" or a redis:\/\/ URL/,
    ],
    ["a port", { serve: { port: 70000 } }, /^serve\.port: /],
    ["an upstream URL", { serve: { upstream: "ftp://example.com" } }, /^serve\.upstream: /],
    ["lint paths", { lint: { paths: "src" } }, /^lint\.paths: /],
    ["an empty schemas path", { schemas: "" }, /^schemas: /],
    ["the whole file", [1, 2], /expected object/i],
  ])("a wrong %s is an Issue naming the key", async (_what, value, message) => {
    const [issue] = await configIssues(value);
    expect(issue?.message).toMatch(message);
  });

  test.each([
    ["memory"],
    ["sqlite::memory:"],
    ["redis://127.0.0.1:6379"],
    ["rediss://user:pw@cache.example.com:6380/1"],
  ])("store %s is accepted as written", async (store) => {
    expect((await parseConfig({ runtime: { store } }, path.resolve("evreg.config.json"))).runtime?.store).toBe(store);
  });

  test("any JSON value either parses or is a ConfigError with Issues (never a crash)", async () => {
    const keys = fc.constantFrom(
      "schemas",
      "out",
      "lint",
      "compat",
      "runtime",
      "serve",
      "paths",
      "rules",
      "mode",
      "store",
      "port",
      "x",
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 1 }),
        fc.dictionary(keys, tie("node"), { maxKeys: 4 }),
        fc.array(tie("node"), { maxLength: 3 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(value, async (candidate) => {
        try {
          await parseConfig(candidate, path.resolve("evreg.config.json"));
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const issues = (error as ConfigError).issues;
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue.fix).toBeTruthy();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("pickSetting", () => {
  test.each([
    ["a flag wins over the config", "flag", "config", "flag"],
    ["the config wins over the default", undefined, "config", "config"],
    ["the default is last", undefined, undefined, "default"],
  ])("%s", (_title, flag, fromConfig, want) => {
    expect(pickSetting(flag, fromConfig, "default")).toBe(want);
  });
});
