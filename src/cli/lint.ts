import type { Command } from "commander";
import type { CommandContext } from "./main.ts";

/** `evreg lint`: filled in by the lint stage. */
export function registerLintCommand(_program: Command, _context: CommandContext): void {}
