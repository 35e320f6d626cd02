/**
 * `evreg init`: sets up evreg in an existing app: a registry entry with one example event, a config
 * file, and npm scripts. Nothing is written when any target exists (unless --force), so a second run
 * can never eat someone's schemas.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { EvregError, type Issue } from "../errors.ts";
import { CONFIG_FILES, DEFAULT_SETTINGS } from "./config.ts";
import { runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

export const INIT_CONFIG_FILE = "evreg.config.ts";

/** The folder cannot be set up as asked; nothing was written. */
export class InitError extends EvregError {}

/** Scripts added to the app's package.json; an existing script of the same name is kept unless --force. */
export const INIT_SCRIPTS = {
  "evreg:generate": "evreg generate",
  "evreg:watch": "evreg generate --watch",
  "evreg:check": "evreg generate --check && evreg lint && evreg check",
} as const;

/** Inngest app ids are plain: `@acme/shop` becomes `acme-shop`. */
export function appIdFrom(packageName: string | undefined): string {
  const id = (packageName ?? "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return id || "my-app";
}

/** Paths in the config file use `/` on every OS. */
const posix = (file: string): string => file.split(path.sep).join("/");

export function exampleRegistry(appId: string): string {
  return `import { z } from "zod";
import { defineEvent, defineRegistry } from "evreg";

/** One event to start from: rename it, add fields, add a version when its data changes. */
export const signupCompleted = defineEvent({
  name: "user/signup.completed",
  description: "A user finished signing up.",
  owner: "${appId}",
  // dedup id template: a second send with the same userId within 24 hours is not delivered again
  id: "user-signup-completed-\${userId}",
  versions: [
    {
      v: "1.0.0",
      data: z.object({ userId: z.string().min(1), email: z.email(), plan: z.enum(["free", "pro"]) }),
    },
  ],
});

export default defineRegistry({ app: "${appId}", events: [signupCompleted] });
`;
}

export function exampleConfig(settings: { schemas: string; out: string; lintPaths: string[] }): string {
  return `import { defineConfig } from "evreg";

export default defineConfig({
  schemas: ${JSON.stringify(settings.schemas)},
  out: ${JSON.stringify(settings.out)},
  lint: {
    paths: ${JSON.stringify(settings.lintPaths)},
    rules: { "name/past-tense": "warning", "code/unversioned-send": "error" },
    format: "pretty",
  },
  compat: { mode: "FULL_TRANSITIVE" },
  runtime: { store: "memory" },
});
`;
}

interface PackageJson {
  name?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The scripts to set: new names always, names already taken only with --force. */
export function scriptsToAdd(
  existing: Readonly<Record<string, string>>,
  force: boolean,
): { add: Record<string, string>; kept: string[] } {
  const add: Record<string, string> = {};
  const kept: string[] = [];
  for (const [name, command] of Object.entries(INIT_SCRIPTS)) {
    if (existing[name] === undefined || existing[name] === command || force) add[name] = command;
    else kept.push(name);
  }
  return { add, kept };
}

/** Two spaces, four, or a tab: whatever the file already uses. */
const indentOf = (json: string): string => /^\{\r?\n([ \t]+)"/.exec(json)?.[1] ?? "  ";

function initIssue(file: string, message: string, fix: string): Issue {
  return { rule: "init/exists", severity: "error", file, message, fix };
}

async function readPackageJson(file: string): Promise<{ json: PackageJson; indent: string }> {
  if (!existsSync(file)) {
    throw new InitError("evreg init needs an app to set up:", [
      initIssue(
        "package.json",
        "there is no package.json in this folder",
        "run `npm init -y` first, or run evreg init in your app's folder",
      ),
    ]);
  }
  const text = await readFile(file, "utf8");
  try {
    return { json: JSON.parse(text) as PackageJson, indent: indentOf(text) };
  } catch (error) {
    throw new InitError("evreg init cannot read package.json:", [
      initIssue(
        "package.json",
        `package.json is not valid JSON: ${(error as Error).message}`,
        "fix package.json, then run evreg init again",
      ),
    ]);
  }
}

async function writeNew(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
}

export interface InitOptions {
  force?: boolean;
  /** Folders `evreg lint` scans; by default the usual code folders the app has (`appFolders`). */
  lint?: string[] | undefined;
}

/** Where apps keep the code that sends and handles events, in the order they are written to the config. */
const CODE_FOLDERS = ["src", "app", "lib", "server", "functions", "inngest"];

/** The usual code folders `cwd` has, or `src` when it has none yet. */
function appFolders(cwd: string): string[] {
  const found = CODE_FOLDERS.filter((folder) => existsSync(path.join(cwd, folder)));
  return found.length > 0 ? found : ["src"];
}

/** Sets up the app in `cwd`; `schemas` and `out` are relative to it. Resolves to the exit code. */
export async function initApp(
  cwd: string,
  schemas: string,
  out: string,
  options: InitOptions,
  print: (line: string) => void,
): Promise<number> {
  const packageFile = path.join(cwd, "package.json");
  const { json, indent } = await readPackageJson(packageFile);
  const schemasFile = path.resolve(cwd, schemas);
  const configFile = path.join(cwd, INIT_CONFIG_FILE);
  const taken = [schemasFile, ...CONFIG_FILES.map((name) => path.join(cwd, name))].filter((file) => existsSync(file));
  if (taken.length > 0 && !options.force) {
    throw new InitError("evreg init did not change anything:", [
      ...taken.map((file) =>
        initIssue(
          path.relative(cwd, file),
          `${path.relative(cwd, file)} already exists`,
          "keep it, or run `evreg init --force` to overwrite it",
        ),
      ),
    ]);
  }
  await writeNew(schemasFile, exampleRegistry(appIdFrom(json.name)));
  const settings = {
    schemas: posix(path.relative(cwd, schemasFile)),
    out: posix(path.relative(cwd, path.resolve(cwd, out)) || "."),
    lintPaths: options.lint ?? appFolders(cwd),
  };
  await writeNew(configFile, exampleConfig(settings));
  const { add, kept } = scriptsToAdd(json.scripts ?? {}, options.force === true);
  json.scripts = { ...json.scripts, ...add };
  await writeFile(packageFile, `${JSON.stringify(json, null, indent)}\n`);

  print(`created ${settings.schemas} (one example event: user/signup.completed)`);
  print(`created ${INIT_CONFIG_FILE} (lint paths: ${settings.lintPaths.join(", ")})`);
  print(`added scripts to package.json: ${Object.keys(add).join(", ") || "none"}`);
  for (const name of kept)
    print(
      `kept your script "${name}" (run with --force to replace it with "${INIT_SCRIPTS[name as keyof typeof INIT_SCRIPTS]}")`,
    );
  const installed = { ...json.dependencies, ...json.devDependencies };
  const missing = ["zod", "inngest"].filter((name) => installed[name] === undefined);
  if (missing.length > 0)
    print(`install what the schemas and the generated client import: npm install ${missing.join(" ")}`);
  print("next: npx evreg generate, then import the typed client from the output folder");
  return 0;
}

export function registerInitCommand(program: Command, context: CommandContext): void {
  program
    .command("init")
    .description("set up evreg in this app: a registry with one example event, evreg.config.ts and npm scripts")
    .option("--force", "overwrite an existing registry entry and config file, and replace scripts of the same name")
    .option(
      "--lint <paths...>",
      `folders \`evreg lint\` scans, written to the config (default: those of ${CODE_FOLDERS.join(", ")} the app has, else src)`,
    )
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  evreg init                                  # schemas/index.ts, evreg.config.ts, scripts",
        "  evreg --schemas events/index.ts --out src/events init --lint src lib",
        "  evreg init --force                          # start over",
      ].join("\n"),
    )
    .action(async (options: InitOptions) => {
      const { schemas = DEFAULT_SETTINGS.schemas, out = DEFAULT_SETTINGS.out } = context.options();
      const io = context.io();
      context.exit(await runCommand(io, () => initApp(process.cwd(), schemas, out, options, io.out)));
    });
}
