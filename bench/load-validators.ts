/** Loads generated validator code the way users do: as an ES module file. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ValidateFunction } from "../src/codegen/ajv.ts";

export type ValidatorMap = { [name: string]: { [version: string]: ValidateFunction } | undefined };

export async function importValidators(js: string): Promise<ValidatorMap> {
  const dir = await mkdtemp(path.join(tmpdir(), "evreg-bench-"));
  try {
    const file = path.join(dir, "validators.js");
    await writeFile(file, js);
    return ((await import(pathToFileURL(file).href)) as { validators: ValidatorMap }).validators;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Bytes of validator code (the trailing `validators` map excluded) per validator. */
export function bytesPerValidator(js: string, count: number): number {
  const end = js.lastIndexOf("export const validators = ");
  return Buffer.byteLength(end === -1 ? js : js.slice(0, end)) / count;
}
