/**
 * Where the code of a transpiled schema file came from. esbuild, which transpiles schema files
 * (import-module.ts), writes code on other lines and columns than the source, so a stack's position
 * in such a file is mapped back before a message cites it (a `defineEvent` call, the frame an import
 * threw at). The table is process-wide (a global symbol), as schema files may load their own copy of
 * evreg.
 */
import { SourceMap, type SourceMapPayload, type SourceMapping } from "node:module";

/** Source maps by file: the JSON esbuild wrote, parsed on first use. */
type Table = Map<string, string | SourceMap>;

function table(): Table {
  const global = globalThis as { [key: symbol]: Table | undefined };
  const key = Symbol.for("evreg.sourceMaps");
  global[key] ??= new Map();
  return global[key];
}

/** Records the source map (JSON) of the code `file` runs as; undefined forgets it (code as written). */
export function setSourceMap(file: string, map: string | undefined): void {
  if (map === undefined) table().delete(file);
  else table().set(file, map);
}

/** A 1-based position, as stacks print them. */
export interface Position {
  line: number;
  column: number;
}

/** The source position of `at` in `file`; undefined when the file runs as written. */
export function sourcePosition(file: string, at: Position): Position | undefined {
  const maps = table();
  let map = maps.get(file);
  if (map === undefined) return undefined;
  if (typeof map === "string") {
    map = new SourceMap(JSON.parse(map) as SourceMapPayload);
    maps.set(file, map);
  }
  // an empty object where nothing maps
  const entry: Partial<SourceMapping> = map.findEntry(at.line - 1, at.column - 1);
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}
