/**
 * Loads a registry from its TypeScript entry (`schemas/index.ts`) at run time with jiti, which loads
 * then rather than whenever evreg is imported (schema files import evreg themselves). Whatever goes
 * wrong comes back as one RegistryError naming the file and the cause, never a bare stack trace.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { type Issue, RegistryError } from "../errors.ts";
import type { Registry } from "./define.ts";
import { sourcePosition } from "./source-maps.ts";

function isRegistryError(error: unknown): error is RegistryError {
  // The schema files may load their own copy of evreg, so match by shape, not by class identity.
  return error instanceof Error && error.name === "RegistryError" && Array.isArray((error as RegistryError).issues);
}

/** The first stack frame inside the schemas folder: the file whose import threw. */
function throwingFile(error: unknown, root: string): Pick<Issue, "file" | "line" | "column"> {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  for (const match of stack.matchAll(/(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g)) {
    const [, file = "", line, column] = match;
    if (file.startsWith(root) && !file.includes("node_modules")) {
      const stacked = { line: Number(line), column: Number(column) };
      return { file: path.relative(process.cwd(), file), ...(sourcePosition(file, stacked) ?? stacked) };
    }
  }
  return {};
}

function relativeIssues(issues: readonly Issue[]): Issue[] {
  return issues.map((issue) =>
    issue.file && path.isAbsolute(issue.file) ? { ...issue, file: path.relative(process.cwd(), issue.file) } : issue,
  );
}

/** Imports `entry` and returns its default export, which must be made by `defineRegistry`. */
export async function loadRegistry(entry: string): Promise<Registry> {
  const file = path.resolve(entry);
  const shown = path.relative(process.cwd(), file);
  if (!existsSync(file)) {
    throw new RegistryError(`Cannot load the registry:`, [
      {
        rule: "registry/load",
        severity: "error",
        file: shown,
        message: `${shown} does not exist`,
        fix: "create it with `evreg init`, or pass --schemas <file>",
      },
    ]);
  }
  const { importModule } = await import("./import-module.ts");
  let loaded: unknown;
  try {
    loaded = await importModule(file);
  } catch (error) {
    if (isRegistryError(error)) {
      throw new RegistryError("The registry is not valid:", relativeIssues(error.issues));
    }
    const where = throwingFile(error, path.dirname(file));
    const cause = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new RegistryError("Cannot load the registry:", [
      {
        rule: "registry/load",
        severity: "error",
        file: where.file ?? shown,
        ...where,
        message: `importing ${where.file ?? shown} threw: ${cause}`,
        fix: "fix the error in that schema file; it must import without side effects",
      },
    ]);
  }
  const registry = loaded as Partial<Registry> | undefined;
  if (registry?.kind !== "evreg.registry") {
    throw new RegistryError("Cannot load the registry:", [
      {
        rule: "registry/load",
        severity: "error",
        file: shown,
        message: `${shown} has no default export made by defineRegistry`,
        fix: "end the file with: export default defineRegistry({ app, events: [...] })",
      },
    ]);
  }
  return registry as Registry;
}
