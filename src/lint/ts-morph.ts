/**
 * ts-morph, and the TypeScript compiler it wraps, load on the first scan rather than whenever evreg
 * is imported: schema files import evreg too, and they never scan code.
 */
import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";

let loaded: typeof TsMorph | undefined;

export function tsMorph(): typeof TsMorph {
  loaded ??= createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
  return loaded;
}
