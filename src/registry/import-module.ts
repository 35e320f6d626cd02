/**
 * Imports schema and config files (TypeScript) at run time with jiti. jiti's own transform, Babel,
 * takes 5-7 s on a 1,000-event schema file when its cache is cold; esbuild strips the types and turns
 * the imports into loads in a fraction of that (about 0.5 s, in its own process), and the source map
 * each file registers (source-maps.ts) keeps the file:line a RegistryError cites right. Babel stays
 * the transform of what the fast path leaves out (told from the source text, never guessed):
 * `import.meta`, dynamic `import()`, CommonJS (`require`, `import x =`, `export =`), decorators,
 * value namespaces, JSX, plain JavaScript, and anything esbuild cannot transform (Babel then
 * reports the syntax error as it always did). `evreg generate` starts esbuild (transpileAhead)
 * before it loads the code generator, so a registry's transform overlaps that load instead of
 * following it.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TransformOptions as EsbuildOptions } from "esbuild";
import type { createJiti as CreateJiti, Jiti, TransformOptions, TransformResult } from "jiti";
import { setSourceMap } from "./source-maps.ts";

const load = createRequire(import.meta.url);

let jitiFactory: typeof CreateJiti | undefined;

/** jiti, loaded on first use (60 ms), after transpileAhead has started esbuild. */
function createJiti(...args: Parameters<typeof CreateJiti>): Jiti {
  jitiFactory ??= (load("jiti") as { createJiti: typeof CreateJiti }).createJiti;
  return jitiFactory(...args);
}

/**
 * Schema files import "evreg": resolve it to this copy of evreg (src/ in a checkout, dist/ once
 * installed), so the schemas and the CLI loading them always agree and a checkout needs no build.
 */
function evregAliases() {
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const entry = (file: string) => fileURLToPath(new URL(`../${file}${extension}`, import.meta.url));
  return { "evreg/runtime": entry("runtime/index"), evreg: entry("index") };
}

/** Source that only jiti's Babel plugins turn into what jiti can evaluate. */
const NEEDS_BABEL = [
  /\brequire\b/,
  /\bimport\s*(?:\(|\.\s*meta\b)/,
  /\bimport\s+(?:type\s+)?[\w$]+\s*=(?!=)/,
  /\bexport\s*=(?!=)/,
  /(?:^|[(){},;]|\bexport|\bdefault)\s*@[A-Za-z_$]/m,
  /\b(?:namespace|module)\s+[\w$.]+\s*\{/,
];

/**
 * esbuild as the fast path runs it: CommonJS for jiti, as Node 20 runs it (class fields, `?.` and
 * `??` kept as written, as jiti's Babel does), with a source map and without the source in it.
 * Imports only types use are dropped, as TypeScript drops them.
 */
const ESBUILD_OPTIONS = {
  loader: "ts",
  format: "cjs",
  target: "node20",
  sourcemap: "external",
  sourcesContent: false,
} satisfies EsbuildOptions;

type Esbuild = typeof import("esbuild");
let esbuild: Esbuild | undefined;

/** esbuild, loaded on first use. */
function esbuildApi(): Esbuild {
  esbuild ??= load("esbuild") as Esbuild;
  return esbuild;
}

/** What esbuild made of a file: its code and source map (JSON), with the source it read. */
interface Transpiled {
  source: string;
  code: string;
  map: string;
}

let babel: Jiti | undefined;

/**
 * esbuild's output for jiti, or undefined when the source needs Babel. `ahead` is the file as
 * transpileAhead transformed it; it is used only if it was made from this very source.
 */
export function fastTransform(
  { source, filename = "", ts, jsx, async, interopDefault }: TransformOptions,
  ahead?: Transpiled,
): Transpiled | undefined {
  if (!ts || jsx || interopDefault === false || filename.endsWith("x")) return undefined;
  if (NEEDS_BABEL.some((pattern) => pattern.test(source))) return undefined;
  let done = ahead?.source === source ? ahead : undefined;
  if (done === undefined) {
    try {
      const { code, map } = esbuildApi().transformSync(source, { ...ESBUILD_OPTIONS, sourcefile: filename });
      done = { source, code, map };
    } catch {
      return undefined;
    }
  }
  // The source has no `require` of its own, so each one in the output is an import esbuild turned
  // into a load; jiti's async mode loads imports with `jitiImport` (ESM-only packages, evreg's dist).
  return async ? { ...done, code: done.code.replace(/\brequire\(/g, "await jitiImport(") } : done;
}

function transform(options: TransformOptions, ahead?: ReadonlyMap<string, Transpiled>): TransformResult {
  const filename = options.filename ?? "";
  const fast = fastTransform(options, ahead?.get(filename));
  setSourceMap(filename, fast?.map);
  if (fast !== undefined) return { code: fast.code };
  babel ??= createJiti(import.meta.url);
  return { code: babel.transform(options) };
}

/**
 * jiti as evreg runs it. Its file cache is off: esbuild is quick enough to run on every import, and
 * each run records the file's source map, which a cached transform would not. Babel's transforms
 * (a jiti of its own, above) stay cached, keyed by each file's content.
 */
function evregJiti(transform: (options: TransformOptions) => TransformResult): Jiti {
  return createJiti(import.meta.url, {
    moduleCache: false,
    fsCache: false,
    interopDefault: true,
    alias: evregAliases(),
    transform,
  });
}

/** The TypeScript files `code` (esbuild's output for `file`) loads by relative path. */
function relativeImports(file: string, code: string): string[] {
  const found: string[] = [];
  for (const [, , specifier = ""] of code.matchAll(/\brequire\((['"])(\.\.?\/[^'"]*)\1\)/g)) {
    const base = path.resolve(path.dirname(file), specifier);
    const candidates = [base.replace(/\.([cm]?)js$/, ".$1ts"), base, `${base}.ts`, path.join(base, "index.ts")];
    const match = candidates.find((candidate) => /\.[cm]?ts$/.test(candidate) && existsSync(candidate));
    if (match) found.push(match);
  }
  return found;
}

/**
 * Transforms `entry` and the relative TypeScript imports it leads to, each as soon as its importer
 * is done, and answers with every file's source and code. Files it cannot read or transform are left
 * out: the import transforms them as it always does.
 */
async function transpileTree(entry: string, entrySource: string): Promise<ReadonlyMap<string, Transpiled>> {
  const done = new Map<string, Transpiled>();
  const started = new Set<string>();
  const visit = async (file: string, known?: string): Promise<void> => {
    if (started.has(file)) return;
    started.add(file);
    try {
      const source = known ?? (await readFile(file, "utf8"));
      const { code, map } = await esbuildApi().transform(source, { ...ESBUILD_OPTIONS, sourcefile: file });
      done.set(file, { source, code, map });
      await Promise.all(relativeImports(file, code).map((next) => visit(next)));
    } catch {
      // left to the import
    }
  };
  await visit(entry, entrySource);
  return done;
}

let ahead: Promise<ReadonlyMap<string, Transpiled>> | undefined;

/**
 * Starts transforming the registry entry `file` and the schema files it imports (esbuild, in its own
 * process); the next importModule picks the code up, for each file whose source is still what esbuild
 * read. esbuild takes about 0.5 s on a 1,000-event schema file: the caller loads the code generator
 * meanwhile. Resolves to the files transformed; undefined when the entry cannot be read.
 */
export function transpileAhead(file: string): Promise<string[]> | undefined {
  ahead = undefined;
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  ahead = transpileTree(file, source);
  return ahead.then((done) => [...done.keys()]);
}

/** Imports `file` in a fresh module graph (watch mode re-reads edited files) and returns its default export. */
export async function importModule(file: string): Promise<unknown> {
  // Schema files import evreg, which imports zod: load them while esbuild finishes. Installed
  // evreg is JavaScript, which jiti imports natively, so its import then finds them loaded.
  const { evreg } = evregAliases();
  const [transpiled] = await Promise.all([ahead, ahead && evreg.endsWith(".js") && import(evreg)]);
  ahead = undefined;
  const jiti = evregJiti((options) => transform(options, transpiled));
  return jiti.import(file, { default: true });
}
