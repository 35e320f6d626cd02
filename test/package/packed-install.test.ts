/**
 * The path a new user takes: build and pack evreg, install the tarball into a fresh app outside this
 * repository (so nothing resolves from our own node_modules), then `evreg init`, `generate`, `lint`,
 * `check`, and `tsc` over app code using the generated client. publint and arethetypeswrong check
 * the same tarball (attw through its core library, see below). The build happens in a staging copy, so dist/ in the checkout is never touched.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { checkPackage, Package } from "@arethetypeswrong/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { repoRoot } from "../support/temp.ts";

const exec = promisify(execFile);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const bin = (name: string) => path.join(repoRoot, "node_modules/.bin", name);

const offline = ["--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Result> {
  try {
    const options = { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1", ...env } };
    const { stdout, stderr } = await exec(command, [...args], options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === "number" ? failed.code : 1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? String(error),
    };
  }
}

/** Asserts success and shows what the command printed when it did not succeed. */
function ok(result: Result): Result {
  expect(result, `${result.stdout}\n${result.stderr}`).toMatchObject({ code: 0 });
  return result;
}

const versionOf = (name: string) =>
  readFile(path.join(repoRoot, "node_modules", name, "package.json"), "utf8").then(
    (text) => (JSON.parse(text) as { version: string }).version,
  );

let work: string;
let stage: string;
let app: string;
let tarball: string;

/** A copy of what `npm pack` reads, built there: the checkout's dist/ stays as it is. */
async function buildAndPack(): Promise<string> {
  await mkdir(stage, { recursive: true });
  for (const entry of ["package.json", "README.md", "tsconfig.json", "tsconfig.build.json", "bin", "src"]) {
    await cp(path.join(repoRoot, entry), path.join(stage, entry), { recursive: true });
  }
  await symlink(path.join(repoRoot, "node_modules"), path.join(stage, "node_modules"), "dir");
  ok(
    await sh(
      process.execPath,
      [path.join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
      stage,
    ),
  );
  const packed = ok(await sh(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", work], stage));
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  return path.join(work, filename);
}

/** The app's own dependencies first, from the npm cache, while evreg builds. */
async function createApp(): Promise<void> {
  await mkdir(path.join(app, "src"), { recursive: true });
  await writeFile(
    path.join(app, "package.json"),
    `${JSON.stringify({ name: "shop", private: true, type: "module" }, null, 2)}\n`,
  );
  const pinned = await Promise.all(
    ["inngest", "zod", "typescript", "@types/node"].map(async (name) => `${name}@${await versionOf(name)}`),
  );
  ok(await sh(npm, ["install", "--ignore-scripts", ...offline, ...pinned], app));
}

const evreg = (...args: string[]) => sh(npm, ["exec", "--offline", "--", "evreg", ...args], app);
const tsc = (...args: string[]) =>
  sh(process.execPath, [path.join(app, "node_modules/typescript/bin/tsc"), ...args], app);

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "evreg-packed-"));
  stage = path.join(work, "stage");
  app = path.join(work, "app");
  [tarball] = await Promise.all([buildAndPack(), createApp()]);
  // better-sqlite3 compiles a native addon in its install script; nothing here opens SQLite.
  ok(await sh(npm, ["install", "--ignore-scripts", ...offline, tarball], app));
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the published package", () => {
  test("publint finds nothing to fix", async () => {
    const result = ok(await sh(process.execPath, [bin("publint"), "run", tarball, "--strict"], repoRoot));
    expect(result.stdout).not.toMatch(/warning|error|suggestion/i);
  });

  test("arethetypeswrong: both entry points resolve with types under node16 ESM and bundlers", async () => {
    // The attw CLI cannot read a tarball this size with fflate 0.8.3 (it keeps only the last inflated
    // chunk), so the same check runs through @arethetypeswrong/core on the unpacked tarball.
    const unpacked = path.join(work, "unpacked");
    await mkdir(unpacked, { recursive: true });
    ok(await sh("tar", ["-xzf", tarball, "-C", unpacked], work));
    const root = path.join(unpacked, "package");
    const files: Record<string, Uint8Array> = {};
    for (const file of await readdir(root, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const full = path.join(file.parentPath, file.name);
      files[`/node_modules/evreg/${path.relative(root, full).split(path.sep).join("/")}`] = await readFile(full);
    }
    const { version } = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { version: string };
    const analysis = await checkPackage(new Package(files, "evreg", version));
    expect(analysis.types).toBeTruthy();
    if (!analysis.types) return;
    expect(Object.keys(analysis.entrypoints).sort()).toEqual([".", "./package.json", "./runtime"]);
    // ESM only, as the "esm-only" profile of the attw CLI: CommonJS and node10 resolution are not offered.
    const problems = analysis.problems.filter(
      (problem) => !("resolutionKind" in problem) || !["node10", "node16-cjs"].includes(problem.resolutionKind),
    );
    expect(problems).toEqual([]);
  });

  test("ships dist/ and the CLI, not the TypeScript sources or tests", async () => {
    const listed = ok(await sh("tar", ["-tzf", tarball], work)).stdout.split("\n");
    expect(listed).toEqual(
      expect.arrayContaining([
        "package/bin/evreg.js",
        "package/dist/index.js",
        "package/dist/index.d.ts",
        "package/dist/cli/main.js",
      ]),
    );
    expect(listed.filter((file) => /^package\/(src|test|schemas|generated)\//.test(file))).toEqual([]);
  });
});

describe("a new app", () => {
  test("evreg init, generate, lint and check work through npx, and the typed client compiles", async () => {
    expect(ok(await evreg("--version")).stdout.trim()).toBe(
      JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")).version,
    );
    expect(ok(await evreg("init")).stdout).toContain("created schemas/index.ts");
    expect((await evreg("init")).code).toBe(2);
    expect(JSON.parse(await readFile(path.join(app, "package.json"), "utf8")).scripts).toMatchObject({
      "evreg:generate": "evreg generate",
    });

    expect(ok(await evreg("generate")).stdout).toContain("to generated/ (1 events)");
    await writeFile(
      path.join(app, "src/app.ts"),
      `import { Inngest } from "inngest";
import { send, user } from "../generated/events.js";

export const inngest = new Inngest({ id: "shop" });

export async function signUp(userId: string): Promise<void> {
  await inngest.send(user.signupCompleted.create({ userId, email: "a@example.com", plan: "pro" }));
  await send(inngest, { name: "user/signup.completed", data: { userId, email: "b@example.com", plan: "free" } });
}

export const welcome = inngest.createFunction({ id: "welcome", triggers: [user.signupCompleted] }, async ({ event }) => {
  const plan: "free" | "pro" = event.data.plan;
  return { userId: event.data.userId, plan };
});
`,
    );
    await writeFile(
      path.join(app, "tsconfig.json"),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
          },
          include: ["src", "schemas", "generated", "evreg.config.ts"],
        },
        null,
        2,
      )}\n`,
    );
    ok(await tsc("-p", "tsconfig.json"));
    // The catalog draws producers and consumers from the code in lint.paths: new sends change it.
    expect((await evreg("generate", "--check")).stderr).toContain("changed: generated/catalog/index.html");
    ok(await evreg("generate"));
    ok(await evreg("generate", "--check"));
    ok(await evreg("lint"));
    ok(await evreg("check"));

    await writeFile(
      path.join(app, "src/misuse.ts"),
      `import { inngest } from "./app.js";
import { send, user } from "../generated/events.js";

await send(inngest, { name: "user/signup.complete", data: { userId: "u", email: "a@example.com", plan: "pro" } });
user.signupCompleted.create({ userId: "u", email: "a@example.com", plan: "enterprise" });
user.signupCompleted.create({ userId: "u", plan: "pro" });
`,
    );
    const misuse = await tsc("-p", "tsconfig.json");
    expect(misuse.code).not.toBe(0);
    const errorLines = [...misuse.stdout.matchAll(/src\/misuse\.ts\((\d+),\d+\): error/g)].map((match) =>
      Number(match[1]),
    );
    expect([...new Set(errorLines)].sort()).toEqual([4, 5, 6]);
    expect(misuse.stdout).not.toMatch(/src\/app\.ts|generated\/|schemas\//);
  }, 240_000);

  test("a mistake in a schema names the app's own file and line, not evreg's", async () => {
    const schemas = path.join(app, "schemas/index.ts");
    const original = await readFile(schemas, "utf8");
    try {
      await writeFile(
        schemas,
        original.replace("user-signup-completed-${userId}", "user-signup-completed-${accountId}"),
      );
      const failed = await evreg("generate");
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(/schemas\/index\.ts:\d+:\d+/);
      expect(failed.stderr).toContain("${accountId}");
      expect(failed.stderr).not.toContain("node_modules");
    } finally {
      await writeFile(schemas, original);
    }
  });

  test("a config file with a typo is refused with the key it meant", async () => {
    const config = path.join(app, "evreg.config.ts");
    const original = await readFile(config, "utf8");
    try {
      await writeFile(config, original.replace("compat:", "compt:"));
      const failed = await evreg("generate");
      expect(failed.code).toBe(2);
      expect(failed.stderr).toContain("compt: unknown key");
      expect(failed.stderr).toContain('did you mean "compat"?');
    } finally {
      await writeFile(config, original);
    }
  });

  test("importing evreg/runtime loads neither ts-morph, the TypeScript compiler, the CEL parser, jiti nor the gateway's server", async () => {
    await writeFile(
      path.join(app, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.RESOLVED_LOG, resolved.url + "\\n");
  return resolved;
}
`,
    );
    await writeFile(
      path.join(app, "register.mjs"),
      'import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n',
    );
    /** Every module URL resolved while importing `entry` in a fresh Node process. */
    const resolvedBy = async (entry: string) => {
      const log = path.join(work, `resolved-${entry.replace("/", "-")}.txt`);
      const script = `await import(${JSON.stringify(entry)});`;
      ok(
        await sh(process.execPath, ["--import", "./register.mjs", "--input-type=module", "-e", script], app, {
          RESOLVED_LOG: log,
        }),
      );
      return readFile(log, "utf8");
    };
    const runtime = await resolvedBy("evreg/runtime");
    expect(runtime).toContain("/node_modules/evreg/dist/runtime/index.js");
    expect(runtime).not.toMatch(/\/node_modules\/(ts-morph|typescript|@bufbuild\/cel|jiti|@hono\/node-server)\//);
    expect(await resolvedBy("evreg")).toContain("/node_modules/evreg/dist/index.js");
  });
});
