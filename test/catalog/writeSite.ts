/** Writes a rendered catalog to a folder under test-output/ (gitignored) for the browser to open. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export const OUTPUT = path.resolve("test-output/catalog");

export function writeSite(
  name: string,
  files: Map<string, string>,
): { dir: string; url: (file: string) => string; bytes: number } {
  const dir = path.join(OUTPUT, name);
  rmSync(dir, { recursive: true, force: true });
  let bytes = 0;
  for (const [file, content] of files) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    bytes += Buffer.byteLength(content);
  }
  return { dir, url: (file) => pathToFileURL(path.join(dir, file)).href, bytes };
}
