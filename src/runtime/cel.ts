/**
 * CEL expressions of triggers, `waitForEvent` and `cancelOn`, evaluated with @bufbuild/cel. The
 * library is imported on first use only, so runtimes whose handlers use no `if` never load it.
 */
import { EvregError } from "../errors.ts";

export type Bindings = { event?: unknown; async?: unknown };
export type CompiledExpression = (bindings: Bindings) => boolean;

let celModule: Promise<typeof import("@bufbuild/cel")> | undefined;
const compiled = new Map<string, CompiledExpression>();

/** Compiles an expression once; a parse error becomes an EvregError with `code/invalid-expression`. */
export async function compileExpression(expression: string, where: string): Promise<CompiledExpression> {
  const cached = compiled.get(expression);
  if (cached) return cached;
  celModule ??= import("@bufbuild/cel");
  const { celEnv, isCelError, parse, plan } = await celModule;
  let evaluate: ReturnType<typeof plan>;
  try {
    evaluate = plan(celEnv(), parse(expression));
  } catch (error) {
    throw new EvregError("Invalid expression:", [
      {
        rule: "code/invalid-expression",
        severity: "error",
        path: where,
        message: `${JSON.stringify(expression)} is not valid CEL: ${error instanceof RangeError ? "it nests too deeply for the parser" : (error as Error).message}`,
        fix: "write CEL such as `event.data.userId == async.data.userId`",
      },
    ]);
  }
  // A missing field is a CEL error, not a match: Inngest treats it as false.
  const match: CompiledExpression = (bindings) => {
    const result = evaluate(bindings as never);
    return !isCelError(result) && result === true;
  };
  compiled.set(expression, match);
  return match;
}

/** `match: "data.userId"` is shorthand for `event.data.userId == async.data.userId`. */
export function matchToExpression(field: string): string {
  return `event.${field} == async.${field}`;
}
