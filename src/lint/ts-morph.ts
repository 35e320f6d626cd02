/**
 * ts-morph, and the TypeScript compiler it wraps, load on first use (a scan, or printing generated
 * code) rather than whenever evreg is imported: schema files import evreg too, and they use neither.
 * It loads through `require`: imported as an ES module, its 1 MB CommonJS entry is first read by
 * Node's export-name lexer, which took 0.1 s more on every `evreg generate`.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";

let loaded: typeof TsMorph | undefined;

export function tsMorph(): typeof TsMorph {
  loaded ??= createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
  return loaded;
}

/**
 * ts-morph's `Node` type guards (`Node.isCallExpression(node)`…), read from the package on first
 * use, so the scanner's code reads as it would with a static import.
 */
export const Node: typeof TsMorph.Node = new Proxy({} as typeof TsMorph.Node, {
  get: (_target, key) => Reflect.get(tsMorph().Node, key),
});
export type Node = TsMorph.Node;
