/**
 * Imports schema and config files (TypeScript) at run time with jiti. jiti's own transform, Babel,
 * takes 5-7 s on a 1,000-event schema file when its cache is cold; sucrase strips the types and turns
 * the imports into loads in a fraction of that, keeping every line where it was, so the file:line a
 * RegistryError cites stays right. Babel stays the transform of what the fast path leaves out (told
 * from the source text, never guessed): `import.meta`, dynamic `import()`, CommonJS (`require`,
 * `import x =`, `export =`), decorators, value namespaces, JSX, plain JavaScript, an import below
 * code, and anything sucrase cannot parse (Babel then reports the syntax error as it always did).
 * `evreg generate` starts sucrase on a worker thread (transpileAhead) before it loads the code
 * generator, so a cold registry's transform overlaps that load instead of following it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { createJiti as CreateJiti, Jiti, TransformOptions, TransformResult } from "jiti";
import type { Options as SucraseOptions, transform as SucraseTransform } from "sucrase";

const load = createRequire(import.meta.url);

let jitiFactory: typeof CreateJiti | undefined;

/** jiti, loaded on first use (60 ms): transpileAhead starts its worker first. */
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
 * An `import` at the start of a line below the first line of code (a line at column 0 that is not an
 * import, an `export type`, a comment or the `}` closing a multi-line import). ES modules hoist their
 * imports; sucrase turns each into a load where it stands, so code above it would run first.
 */
function importsAfterCode(source: string): boolean {
  const code = /^(?!import\b|export\s+type\b|\/\/|\/\*|\*|\}|\s|$)/m.exec(source);
  return code !== null && /^import\b/m.test(source.slice(code.index));
}

const SUCRASE_OPTIONS = {
  transforms: ["typescript", "imports"],
  // Node 20 runs class fields, `?.` and `??` itself: keep them as written, as jiti's Babel does.
  disableESTransforms: true,
} satisfies SucraseOptions;

/** A file sucrase transformed ahead of its import (transpileAhead), with the source it read. */
interface Transpiled {
  source: string;
  code: string;
}

let sucrase: typeof SucraseTransform | undefined;
let babel: Jiti | undefined;

/**
 * sucrase's output for jiti, or undefined when the source needs Babel. `ahead` is the file as
 * transpileAhead transformed it; it is used only if it was made from this very source.
 */
export function sucraseTransform(
  { source, filename = "", ts, jsx, async, interopDefault }: TransformOptions,
  ahead?: Transpiled,
) {
  if (!ts || jsx || interopDefault === false || filename.endsWith("x")) return undefined;
  if (NEEDS_BABEL.some((pattern) => pattern.test(source)) || importsAfterCode(source)) return undefined;
  let code: string;
  if (ahead?.source === source) code = ahead.code;
  else {
    sucrase ??= (load("sucrase") as { transform: typeof SucraseTransform }).transform;
    try {
      code = sucrase(source, { ...SUCRASE_OPTIONS, filePath: filename }).code;
    } catch {
      return undefined;
    }
  }
  // The source has no `require` of its own, so each one in the output is an import sucrase turned
  // into a load; jiti's async mode loads imports with `jitiImport` (ESM-only packages, evreg's dist).
  return async ? code.replace(/\brequire\(/g, "await jitiImport(") : code;
}

function transform(options: TransformOptions, ahead?: ReadonlyMap<string, Transpiled>): TransformResult {
  const code = sucraseTransform(options, ahead?.get(options.filename ?? ""));
  if (code !== undefined) return { code };
  babel ??= createJiti(import.meta.url);
  return { code: babel.transform(options) };
}

/**
 * jiti as evreg runs it. Its file cache stays on: it is keyed by each file's content, so unchanged
 * files are not transformed again on every run.
 */
function evregJiti(transform: (options: TransformOptions) => TransformResult): Jiti {
  return createJiti(import.meta.url, { moduleCache: false, interopDefault: true, alias: evregAliases(), transform });
}

/**
 * Transforms a file and the relative TypeScript imports it leads to (read from sucrase's output,
 * where each import is a `require`), then answers with every file's source and code. Files it cannot
 * find or parse are left out: the import transforms them as it always does.
 */
const TRANSPILER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");
const { transform } = require(workerData.sucrase);
const files = [workerData.entry];
const done = [];
for (const file of files) {
  try {
    const source = readFileSync(file, "utf8");
    const { code } = transform(source, { ...workerData.options, filePath: file });
    done.push([file, { source, code }]);
    for (const [, , specifier] of code.matchAll(/\\brequire\\((['"])(\\.\\.?\\/[^'"]*)\\1\\)/g)) {
      const base = path.resolve(path.dirname(file), specifier);
      const found = [base.replace(/\\.([cm]?)js$/, ".$1ts"), base, base + ".ts", path.join(base, "index.ts")]
        .find((candidate) => /\\.[cm]?ts$/.test(candidate) && existsSync(candidate));
      if (found && !files.includes(found)) files.push(found);
    }
  } catch {}
}
parentPort.postMessage(done);
`;

let ahead: Promise<ReadonlyMap<string, Transpiled>> | undefined;

/**
 * Starts transforming the registry entry `file` and the schema files it imports on a worker thread,
 * when jiti's cache does not already hold the entry; the next importModule picks the code up, for
 * each file whose source is still what the worker read. sucrase takes 0.5-0.75 s on a 1,000-event
 * schema file: the caller loads the code generator meanwhile. Resolves to the files transformed;
 * undefined when nothing was started.
 */
export function transpileAhead(file: string): Promise<string[]> | undefined {
  ahead = undefined;
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  // started before jiti is loaded to look in its cache, and stopped on a hit
  const worker = new Worker(TRANSPILER_SOURCE, {
    eval: true,
    workerData: { entry: file, sucrase: load.resolve("sucrase"), options: SUCRASE_OPTIONS },
  });
  worker.unref();
  const transpiled = new Promise<ReadonlyMap<string, Transpiled>>((resolve) => {
    const none = () => resolve(new Map());
    worker.once("message", (done: [string, Transpiled][]) => resolve(new Map(done)));
    worker.once("error", none);
    worker.once("exit", none);
  });
  let missed = false;
  try {
    // as jiti.import transforms it; on a cache hit the source is never transformed
    evregJiti(() => {
      missed = true;
      throw new Error("not cached");
    }).transform({ filename: file, source, ts: true, async: true, jsx: false });
  } catch {
    // a miss, or jiti failing on its cache: the import itself reports what is wrong
  }
  if (!missed) {
    void worker.terminate();
    return undefined;
  }
  ahead = transpiled;
  return transpiled.then((done) => [...done.keys()]);
}

/** Imports `file` in a fresh module graph (watch mode re-reads edited files) and returns its default export. */
export async function importModule(file: string): Promise<unknown> {
  // Schema files import evreg, which imports zod: load them while the worker finishes. Installed
  // evreg is JavaScript, which jiti imports natively, so its import then finds them loaded.
  const { evreg } = evregAliases();
  const [transpiled] = await Promise.all([ahead, ahead && evreg.endsWith(".js") && import(evreg)]);
  ahead = undefined;
  const jiti = evregJiti((options) => transform(options, transpiled));
  return jiti.import(file, { default: true });
}
