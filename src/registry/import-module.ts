/**
 * Imports schema and config files (TypeScript) at run time with jiti. jiti's own transform, Babel,
 * takes 5-7 s on a 1,000-event schema file when its cache is cold; sucrase strips the types and turns
 * the imports into loads in a fraction of that, keeping every line where it was, so the file:line a
 * RegistryError cites stays right. Babel stays the transform of what the fast path leaves out (told
 * from the source text, never guessed): `import.meta`, dynamic `import()`, CommonJS (`require`,
 * `import x =`, `export =`), decorators, value namespaces, JSX, plain JavaScript, an import below
 * code, and anything sucrase cannot parse (Babel then reports the syntax error as it always did).
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createJiti, type Jiti, type TransformOptions, type TransformResult } from "jiti";
import type { transform as SucraseTransform } from "sucrase";

/**
 * Schema files import "evreg": resolve it to this copy of evreg (src/ in a checkout, dist/ once
 * installed), so the schemas and the CLI loading them always agree and a checkout needs no build.
 */
function evregAliases(): Record<string, string> {
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

let sucrase: typeof SucraseTransform | undefined;
let babel: Jiti | undefined;

/** sucrase's output for jiti, or undefined when the source needs Babel. */
export function sucraseTransform({ source, filename = "", ts, jsx, async, interopDefault }: TransformOptions) {
  if (!ts || jsx || interopDefault === false || filename.endsWith("x")) return undefined;
  if (NEEDS_BABEL.some((pattern) => pattern.test(source)) || importsAfterCode(source)) return undefined;
  sucrase ??= (createRequire(import.meta.url)("sucrase") as { transform: typeof SucraseTransform }).transform;
  let code: string;
  try {
    code = sucrase(source, {
      transforms: ["typescript", "imports"],
      // Node 20 runs class fields, `?.` and `??` itself: keep them as written, as jiti's Babel does.
      disableESTransforms: true,
      filePath: filename,
    }).code;
  } catch {
    return undefined;
  }
  // The source has no `require` of its own, so each one in the output is an import sucrase turned
  // into a load; jiti's async mode loads imports with `jitiImport` (ESM-only packages, evreg's dist).
  return async ? code.replace(/\brequire\(/g, "await jitiImport(") : code;
}

function transform(options: TransformOptions): TransformResult {
  const code = sucraseTransform(options);
  if (code !== undefined) return { code };
  babel ??= createJiti(import.meta.url);
  return { code: babel.transform(options) };
}

/** Imports `file` in a fresh module graph (watch mode re-reads edited files) and returns its default export. */
export function importModule(file: string): Promise<unknown> {
  // jiti's file cache stays on: it is keyed by each file's content, so unchanged files are not
  // transformed again on every run.
  const jiti = createJiti(import.meta.url, {
    moduleCache: false,
    interopDefault: true,
    alias: evregAliases(),
    transform,
  });
  return jiti.import(file, { default: true });
}
