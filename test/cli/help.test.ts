import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test, vi } from "vitest";
import { main } from "../../src/cli/main.ts";
import { repoRoot } from "../support/temp.ts";

/** Runs the CLI in this process and returns what it printed to stdout. */
async function evreg(...args: string[]): Promise<string> {
  let printed = "";
  const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    printed += String(chunk);
    return true;
  });
  try {
    expect(await main(["node", "evreg", ...args])).toBe(0);
  } finally {
    write.mockRestore();
  }
  return printed;
}

/** Command names from the "Commands:" section of `evreg --help`. */
const commandsIn = (help: string): string[] =>
  [...(help.split("Commands:")[1] ?? "").matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] ?? "")
    .filter((name) => name !== "help");

const hasExample = (help: string) => /Examples?:\n {2}evreg /.test(help);

describe("evreg --help and --version", () => {
  test("--version prints the version in package.json", async () => {
    const { version } = JSON.parse(await readFile(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    expect((await evreg("--version")).trim()).toBe(version);
  });

  test("the top-level help lists the global flags and an example", async () => {
    const help = await evreg("--help");
    for (const flag of ["--config <file>", "--schemas <file>", "--out <dir>", "--debug", "--version"])
      expect(help).toContain(flag);
    expect(hasExample(help)).toBe(true);
  });

  test("every command's help describes its flags with an example", async () => {
    const commands = commandsIn(await evreg("--help"));
    expect(commands).toEqual(expect.arrayContaining(["init", "generate"]));
    const withoutExample: string[] = [];
    for (const command of commands) if (!hasExample(await evreg(command, "--help"))) withoutExample.push(command);
    expect(withoutExample).toEqual([]);
  });
});
