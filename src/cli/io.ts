/**
 * What every command shares: turning user mistakes (EvregError) into printed Issues and an exit
 * code instead of a stack trace. Exit codes: 0 ok, 1 the check failed, 2 the input could not be used.
 */
import { EvregError, formatIssue, type Issue } from "../errors.ts";

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  debug: boolean;
}

export const processIO = (debug: boolean): CommandIO => ({
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  debug,
});

export function printIssues(io: CommandIO, issues: readonly Issue[]): void {
  if (issues.length > 0) io.err(issues.map(formatIssue).join("\n"));
}

/** Runs a command body; EvregErrors print as Issues (exit 2), anything else as a one-line bug report. */
export async function runCommand(io: CommandIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof EvregError || (error instanceof Error && Array.isArray((error as EvregError).issues))) {
      io.err((error as Error).message);
    } else {
      io.err(`evreg: unexpected error: ${error instanceof Error ? error.message : String(error)}`);
      io.err("This is a bug in evreg; run again with --debug and report the stack trace.");
    }
    if (io.debug && error instanceof Error && error.stack) io.err(error.stack);
    return 2;
  }
}
