import type { Command } from "commander";
import type { CommandContext } from "./main.ts";

/** `evreg compat`, `evreg check`, `evreg lock`: filled in by the compat stage. */
export function registerCompatCommands(_program: Command, _context: CommandContext): void {}
