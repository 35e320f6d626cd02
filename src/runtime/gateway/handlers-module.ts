/**
 * `--handlers <module>`: a module whose default export (or `register` export) is a function that
 * receives the local runtime and registers handlers on it with `runtime.on(...)`. TypeScript modules
 * load through jiti, like schema files; a module that fails to load is one Issue, not a stack.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { EvregError } from "../../errors.ts";

function handlersError(file: string, message: string, fix: string): EvregError {
  return new EvregError("Cannot load the handlers module:", [
    { rule: "serve/handlers", severity: "error", file, message, fix },
  ]);
}

const SHAPE_FIX = 'export default (runtime) => { runtime.on("domain/noun.verb", { id: "my-handler" }, handler) }';

/** Imports `module` and calls its registration function with `runtime`. */
export async function registerHandlersModule(module: string, runtime: unknown): Promise<void> {
  const file = path.resolve(module);
  const shown = path.relative(process.cwd(), file);
  if (!existsSync(file)) throw handlersError(shown, `${shown} does not exist`, "pass the path of a .ts or .js module");
  let loaded: Record<string, unknown>;
  try {
    // loaded here, as only `evreg serve --handlers` needs it
    const { createJiti } = await import("jiti");
    const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false });
    loaded = (await jiti.import(file)) as Record<string, unknown>;
  } catch (error) {
    const cause = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw handlersError(shown, `${shown} failed to load: ${cause}`, "fix the module so it imports cleanly");
  }
  const register = typeof loaded.default === "function" ? loaded.default : loaded.register;
  if (typeof register !== "function") {
    throw handlersError(shown, `${shown} exports no function to register handlers with`, SHAPE_FIX);
  }
  try {
    await (register as (runtime: unknown) => unknown)(runtime);
  } catch (error) {
    if (error instanceof EvregError) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    throw handlersError(shown, `registering the handlers failed: ${cause}`, SHAPE_FIX);
  }
}
