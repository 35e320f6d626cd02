/**
 * Lets `evreg generate --check` answer for an unchanged tree without loading the registry or
 * planning a single file. `generate` (and a full `--check` that passed) records two things in
 * `node_modules/.cache/evreg/`: a fingerprint of every input, and the sha256 of every file the
 * output folder then held. A later check whose fingerprint and output hashes both match again is up
 * to date; anything else falls back to the full comparison, which stays the source of truth.
 *
 * The inputs: the registry entry and every file it reaches through static imports (relative ones by
 * content, packages by name and version), the app code whose scan draws the catalog (same walk), the
 * settings that shape the output, and evreg's own code. An input the walk cannot resolve, such as an
 * import built at run time, switches the shortcut off for that target instead of guessing. A fresh
 * clone (CI) has no cache, so it always runs the full check.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listSourceFiles } from "../lint/files.ts";

export interface GenerateTarget {
  schemas: string;
  out: string;
  /** App code scanned for the catalog's producers and consumers (config `lint.paths`). */
  sources: readonly string[];
}

/** Relative path -> sha256 of each file in the output folder. */
export type FileHashes = Record<string, string>;

interface CacheEntry {
  fingerprint: string;
  events: number;
  files: FileHashes;
}

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** The sha256 of each planned file (the output writer computes the same as it writes). */
export function fileHashes(files: ReadonlyMap<string, string>): FileHashes {
  return Object.fromEntries([...files].map(([name, content]) => [name, sha256(content)]));
}

/** `import ... from "x"`, `export ... from "x"`, `import "x"`, `import("x")`, `require("x")`. */
const SPECIFIERS =
  /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*["']([^"'\n]+)["']|\bimport\s*["']([^"'\n]+)["']|\b(?:import|require)\s*\(\s*["']([^"'\n]+)["']\s*\)/g;
/** Dynamic imports and requires of anything but a string literal: the walk cannot follow them. */
const OPAQUE_LOADS = /\b(?:import|require)\s*\(\s*[^"'\s)]/;

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".json"];

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const typescriptTwin = base.replace(/\.(m|c)?js(x?)$/, ".$1ts$2");
  const candidates = [
    base,
    typescriptTwin,
    ...EXTENSIONS.map((extension) => base + extension),
    ...EXTENSIONS.map((extension) => path.join(base, `index${extension}`)),
  ];
  return candidates.find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
}

/** `name@version` of a package as Node would find it from `from`, or undefined. */
async function packageIdentity(from: string, specifier: string): Promise<string | undefined> {
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string);
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(manifest)) {
      const { version } = JSON.parse(await readFile(manifest, "utf8")) as { version?: string };
      return `${name}@${version ?? "?"}`;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Every file reachable from `roots` by static imports, with the packages they use; undefined when some import cannot be followed. */
async function importClosure(roots: readonly string[], outDir: string): Promise<string[] | undefined> {
  const seen = new Set<string>();
  const parts: string[] = [];
  const queue = roots.map((root) => path.resolve(root));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    // The output folder is checked by its own hashes, not as an input.
    if (seen.has(file) || file.startsWith(`${outDir}${path.sep}`)) continue;
    seen.add(file);
    const text = await readFile(file, "utf8");
    parts.push(`file ${file} ${sha256(text)}`);
    if (file.endsWith(".json")) continue;
    if (OPAQUE_LOADS.test(text)) return undefined;
    for (const match of text.matchAll(SPECIFIERS)) {
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      if (specifier.startsWith("node:") || specifier === "evreg" || specifier.startsWith("evreg/")) continue;
      if (specifier.startsWith(".") || specifier.startsWith("/")) {
        const resolved = resolveRelative(file, specifier);
        if (resolved === undefined) return undefined;
        queue.push(resolved);
      } else {
        const identity = await packageIdentity(file, specifier);
        if (identity === undefined) return undefined;
        parts.push(`package ${identity}`);
      }
    }
  }
  return parts.sort();
}

/** evreg's own code (src/ in a checkout, dist/ when installed): another version writes other output. */
async function ownCode(): Promise<string> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && /\.[cm]?[jt]s$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) hash.update(file.slice(root.length)).update(await readFile(file));
  return hash.digest("hex");
}

/** The fingerprint of everything `generate` reads for `target`, or undefined when it cannot be told. */
export async function generateFingerprint(target: GenerateTarget, cwd = process.cwd()): Promise<string | undefined> {
  const outDir = path.resolve(cwd, target.out);
  const schemas = path.resolve(cwd, target.schemas);
  if (!existsSync(schemas)) return undefined;
  let sources: string[];
  try {
    sources = target.sources.length > 0 ? listSourceFiles(target.sources, cwd) : [];
  } catch {
    return undefined;
  }
  const closure = await importClosure([schemas, ...sources], outDir);
  if (closure === undefined) return undefined;
  const settings = JSON.stringify({ schemas, out: outDir, sources: target.sources });
  return sha256([settings, await ownCode(), ...closure].join("\n"));
}

async function outputHashes(outDir: string): Promise<FileHashes | undefined> {
  if (!existsSync(outDir)) return undefined;
  const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
  const hashes: FileHashes = {};
  for (const entry of entries.filter((each) => each.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    hashes[path.relative(outDir, file).split(path.sep).join("/")] = sha256(await readFile(file));
  }
  return hashes;
}

/** `node_modules/.cache/evreg/` of the nearest node_modules above `cwd`; undefined when there is none. */
function cacheFile(outDir: string, cwd: string): string | undefined {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "node_modules"))) {
      return path.join(dir, "node_modules", ".cache", "evreg", `generate-${sha256(outDir).slice(0, 16)}.json`);
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function sameHashes(a: FileHashes, b: FileHashes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/**
 * When the inputs and the output folder are exactly as a previous run recorded them: the number of
 * events and files then. Undefined means "not known", never "stale".
 */
export async function recordedUpToDate(
  target: GenerateTarget,
  cwd = process.cwd(),
): Promise<{ events: number; files: number } | undefined> {
  const outDir = path.resolve(cwd, target.out);
  const file = cacheFile(outDir, cwd);
  if (file === undefined || !existsSync(file)) return undefined;
  const entry = JSON.parse(await readFile(file, "utf8").catch(() => "null")) as CacheEntry | null;
  if (!entry || typeof entry.fingerprint !== "string" || typeof entry.files !== "object") return undefined;
  if (entry.fingerprint !== (await generateFingerprint(target, cwd))) return undefined;
  const hashes = await outputHashes(outDir);
  if (hashes === undefined || !sameHashes(hashes, entry.files)) return undefined;
  return { events: entry.events, files: Object.keys(hashes).length };
}

/**
 * Records that the output folder holds exactly the files of `hashes` (just written, or just
 * compared equal) for the inputs as they were at `fingerprint` (taken before the registry was
 * loaded, so an edit made meanwhile only costs a full check next time). The hashes come from the
 * files in memory (`fileHashes`, or the output writer), not from reading the folder back. Best
 * effort: a cache that cannot be written leaves the full check in place.
 */
export async function recordUpToDate(
  target: GenerateTarget,
  fingerprint: string | undefined,
  events: number,
  hashes: FileHashes,
  cwd = process.cwd(),
): Promise<void> {
  const outDir = path.resolve(cwd, target.out);
  const file = cacheFile(outDir, cwd);
  if (fingerprint === undefined || file === undefined) return;
  const entry: CacheEntry = { fingerprint, events, files: hashes };
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, JSON.stringify(entry));
    await rename(temp, file);
  } catch {
    // A read-only node_modules: no shortcut, nothing else changes.
  }
}
