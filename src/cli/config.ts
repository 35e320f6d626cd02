/**
 * The project config file, `evreg.config.ts` (or `.mts`, `.js`, `.mjs`, `.json`): one key per CLI
 * flag, so CI scripts can stay `evreg lint` and `evreg check`. Flags given on the command line win over
 * the file, the file wins over the defaults. A key evreg does not know is an error that names the
 * closest known key: a typo must not silently turn a setting off.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";
import { EvregError, type Issue } from "../errors.ts";
import { LINT_RULES, type LintRule, RULE_SETTINGS, type RuleSetting } from "../lint/config.ts";
import { FORMATS, type Format } from "../lint/reporters.ts";
import { COMPATIBILITY_MODES, type CompatibilityMode } from "../registry/versions.ts";

/** Where events are deduplicated: in memory, in a SQLite file, or in Redis shared by many processes. */
export type StoreSetting = "memory" | `sqlite:${string}` | `redis://${string}` | `rediss://${string}`;

/** Everything `evreg.config.ts` may set; every key is optional. Relative paths start at the config file. */
export interface EvregConfig {
  /** Registry entry file (flag `--schemas`). Default `schemas/index.ts`. */
  schemas?: string;
  /** Output folder of `evreg generate` (flag `--out`). Default `generated`. */
  out?: string;
  lint?: {
    /** Files or folders `evreg lint` scans for sends and triggers. */
    paths?: string[];
    /** Severity per rule id; `"off"` drops the rule's findings. */
    rules?: Partial<Record<LintRule, RuleSetting>>;
    /** Rule settings for some events only, e.g. a legacy name that cannot be renamed. */
    overrides?: { events: string[]; rules: Partial<Record<LintRule, RuleSetting>> }[];
    format?: Format;
  };
  compat?: {
    /** Default `--mode` of `evreg compat` (events declare their own mode in defineEvent). */
    mode?: CompatibilityMode;
    /** Lockfile of published versions. Default `evreg.lock.json` beside the registry entry. */
    lock?: string;
  };
  runtime?: {
    /** `"memory"`, `"sqlite:FILE"` or a `redis://` URL. */
    store?: StoreSetting;
  };
  serve?: {
    port?: number;
    host?: string;
    /** Inngest Event API URL to forward accepted events to, instead of the local runtime. */
    upstream?: string;
    /** File holding the event key clients must send. */
    eventKeyFile?: string;
  };
}

/** Types a config file: `export default defineConfig({ ... })`. */
export function defineConfig(config: EvregConfig): EvregConfig {
  return config;
}

export interface LoadedConfig {
  /** The file read, or undefined when the project has none. */
  file: string | undefined;
  /** The settings, with every path made absolute. */
  config: EvregConfig;
}

export class ConfigError extends EvregError {}

/** Looked for in this order in the current folder. */
export const CONFIG_FILES = [
  "evreg.config.ts",
  "evreg.config.mts",
  "evreg.config.js",
  "evreg.config.mjs",
  "evreg.config.json",
] as const;

export const DEFAULT_SETTINGS = { schemas: "schemas/index.ts", out: "generated" } as const;

const storePattern = /^(memory|sqlite:.+|rediss?:\/\/.+)$/;

/**
 * The schema of the file, built when a config is first read, with zod loaded then: evreg's entry
 * exports this module too, and a run without a config file (or `--help`) never loads zod here.
 */
function buildConfigSchema(z: Zod) {
  const ruleMap = z.record(z.string(), z.enum(RULE_SETTINGS as [RuleSetting, ...RuleSetting[]]));
  return z.strictObject({
    schemas: z.string().min(1).optional(),
    out: z.string().min(1).optional(),
    lint: z
      .strictObject({
        paths: z.array(z.string().min(1)).optional(),
        rules: ruleMap.optional(),
        overrides: z.array(z.strictObject({ events: z.array(z.string().min(1)), rules: ruleMap })).optional(),
        format: z.enum(FORMATS).optional(),
      })
      .optional(),
    compat: z
      .strictObject({
        mode: z.enum(COMPATIBILITY_MODES).optional(),
        lock: z.string().min(1).optional(),
      })
      .optional(),
    runtime: z
      .strictObject({
        store: z.string().regex(storePattern, 'use "memory", "sqlite:FILE" or a redis:// URL').optional(),
      })
      .optional(),
    serve: z
      .strictObject({
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().min(1).optional(),
        upstream: z.url({ protocol: /^https?$/ }).optional(),
        eventKeyFile: z.string().min(1).optional(),
      })
      .optional(),
  });
}

type Zod = typeof z;

interface ConfigSchema {
  z: Zod;
  schema: ReturnType<typeof buildConfigSchema>;
}

let configSchemaLoaded: ConfigSchema | undefined;

async function configSchema(): Promise<ConfigSchema> {
  if (!configSchemaLoaded) {
    const { z } = await import("zod");
    configSchemaLoaded = { z, schema: buildConfigSchema(z) };
  }
  return configSchemaLoaded;
}

/** The keys an object at `keyPath` of the config may have, for "did you mean" suggestions. */
function knownKeysAt({ z, schema: root }: ConfigSchema, keyPath: readonly PropertyKey[]): string[] {
  let schema: z.ZodType = root;
  for (const key of keyPath) {
    while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
    if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject)
      schema = (schema.shape as Record<string, z.ZodType>)[String(key)] ?? z.never();
    else return [];
  }
  while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

const dotted = (keyPath: readonly PropertyKey[]): string =>
  keyPath
    .map((key, index) => (typeof key === "number" ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join("");

/** Every nested key path of the config, e.g. `lint.rules`, to point at a key written at the wrong level. */
function nestedKeyPaths(config: ConfigSchema, keyPath: readonly PropertyKey[] = []): string[][] {
  return knownKeysAt(config, keyPath).flatMap((key) => {
    const here = [...keyPath.map(String), key];
    return [here, ...nestedKeyPaths(config, here)];
  });
}

function didYouMean(config: ConfigSchema, key: string, keyPath: readonly PropertyKey[]): string {
  const known = knownKeysAt(config, keyPath);
  const elsewhere = nestedKeyPaths(config).find(
    (candidate) => candidate.at(-1) === key && candidate.length !== keyPath.length + 1,
  );
  if (elsewhere) return `move it: "${key}" belongs in ${elsewhere.join(".")}`;
  if (known.length === 0) return "remove it";
  const nearest = closest(key, [...known]);
  const list = `known keys here: ${known.join(", ")}`;
  return distance(key.toLowerCase(), nearest.toLowerCase()) <= Math.max(2, Math.floor(key.length / 2))
    ? `did you mean "${nearest}"? (${list})`
    : `remove it or use one of the ${list}`;
}

function configIssue(file: string, keyPath: readonly PropertyKey[], message: string, fix: string): Issue {
  const where = keyPath.length > 0 ? `${dotted(keyPath)}: ` : "";
  return { rule: "config/invalid", severity: "error", file, message: `${where}${message}`, fix };
}

function issuesOfZod(config: ConfigSchema, error: z.ZodError, file: string): Issue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) =>
        configIssue(file, [...issue.path, key], "unknown key", didYouMean(config, key, issue.path)),
      );
    }
    return [
      configIssue(file, issue.path, issue.message, "see `evreg --help` or the defineConfig type for allowed values"),
    ];
  });
}

/** Rule ids are keys of a record, so zod cannot check them; unknown ones get a suggestion too. */
function unknownRuleIssues(config: EvregConfig, file: string): Issue[] {
  const known = Object.keys(LINT_RULES);
  const maps: [PropertyKey[], Record<string, unknown>][] = [
    [["lint", "rules"], config.lint?.rules ?? {}],
    ...(config.lint?.overrides ?? []).map((override, index): [PropertyKey[], Record<string, unknown>] => [
      ["lint", "overrides", index, "rules"],
      override.rules,
    ]),
  ];
  return maps.flatMap(([keyPath, rules]) =>
    Object.keys(rules)
      .filter((rule) => !Object.hasOwn(LINT_RULES, rule))
      .map((rule) => configIssue(file, [...keyPath, rule], "unknown rule", `did you mean "${closest(rule, known)}"?`)),
  );
}

function resolvePaths(config: EvregConfig, base: string): EvregConfig {
  const at = (file: string) => path.resolve(base, file);
  const store = config.runtime?.store;
  return {
    ...config,
    ...(config.schemas !== undefined ? { schemas: at(config.schemas) } : {}),
    ...(config.out !== undefined ? { out: at(config.out) } : {}),
    ...(config.lint !== undefined
      ? { lint: { ...config.lint, ...(config.lint.paths ? { paths: config.lint.paths.map(at) } : {}) } }
      : {}),
    ...(config.compat !== undefined
      ? { compat: { ...config.compat, ...(config.compat.lock !== undefined ? { lock: at(config.compat.lock) } : {}) } }
      : {}),
    ...(store?.startsWith("sqlite:") && store !== "sqlite::memory:"
      ? { runtime: { ...config.runtime, store: `sqlite:${at(store.slice("sqlite:".length))}` } }
      : {}),
    ...(config.serve?.eventKeyFile !== undefined
      ? { serve: { ...config.serve, eventKeyFile: at(config.serve.eventKeyFile) } }
      : {}),
  };
}

/** Checks a config value read from `file` and makes its paths absolute (relative to the file's folder). */
export async function parseConfig(value: unknown, file: string): Promise<EvregConfig> {
  const shown = path.relative(process.cwd(), file) || file;
  const config = await configSchema();
  const parsed = config.schema.safeParse(value);
  if (!parsed.success)
    throw new ConfigError(`The config file ${shown} is not valid:`, issuesOfZod(config, parsed.error, shown));
  const checked = parsed.data as EvregConfig;
  const unknownRules = unknownRuleIssues(checked, shown);
  if (unknownRules.length > 0) throw new ConfigError(`The config file ${shown} is not valid:`, unknownRules);
  return resolvePaths(checked, path.dirname(file));
}

async function readConfigFile(file: string, shown: string): Promise<unknown> {
  try {
    if (file.endsWith(".json")) return JSON.parse(await readFile(file, "utf8"));
    const { importModule } = await import("../registry/import-module.ts");
    return await importModule(file);
  } catch (error) {
    const cause = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError("Cannot read the config file:", [
      {
        rule: "config/load",
        severity: "error",
        file: shown,
        message: `reading ${shown} failed: ${cause}`,
        fix: "fix the file; it must `export default defineConfig({ ... })` (or hold a JSON object)",
      },
    ]);
  }
}

/** Reads `explicitPath`, or the first of CONFIG_FILES in `cwd`; no file means an empty config. */
export async function loadConfig(cwd: string, explicitPath?: string): Promise<LoadedConfig> {
  const file = explicitPath
    ? path.resolve(cwd, explicitPath)
    : CONFIG_FILES.map((name) => path.join(cwd, name)).find((candidate) => existsSync(candidate));
  if (file === undefined) return { file: undefined, config: {} };
  const shown = path.relative(cwd, file) || file;
  if (!existsSync(file)) {
    throw new ConfigError("Cannot read the config file:", [
      {
        rule: "config/load",
        severity: "error",
        file: shown,
        message: `${shown} does not exist`,
        fix: "pass the path of an existing file to --config, or create one with `evreg init`",
      },
    ]);
  }
  return { file, config: await parseConfig(await readConfigFile(file, shown), file) };
}

/** A setting given as a flag wins over the config file, which wins over the default. */
export function pickSetting<T>(flag: T | undefined, fromConfig: T | undefined, fallback: T): T {
  return flag ?? fromConfig ?? fallback;
}
