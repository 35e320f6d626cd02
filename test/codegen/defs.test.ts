/**
 * zod moves a schema given `.meta({ id })`, and each recursive part, to `$defs`, whatever its kind:
 * an enum, a union, a reference to another def. The client types each def as what it is, names it
 * where it is used, and the validators resolve the references, whatever the id holds (`/`, `%`, spaces).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { NO_CHECK } from "../../src/codegen/client.ts";
import { type GeneratedFiles, planOutput, writeGeneratedFiles } from "../../src/codegen/generate.ts";
import { defineEvent, defineRegistry } from "../../src/index.ts";
import { tempDir } from "../support/temp.ts";

const Status = z.enum(["open", "closed"]).meta({ id: "status" });
const Node: z.ZodType = z.lazy(() => z.object({ value: z.string(), children: z.array(Node) }));
const registry = defineRegistry({
  app: "defs",
  events: [
    defineEvent({
      name: "ticket/status.changed",
      data: z.object({
        from: Status,
        to: Status,
        either: z.union([z.string(), z.number()]).meta({ id: "either" }),
        tree: Node.meta({ id: "tree/node" }),
        odd: z.enum(["x"]).meta({ id: "a b%c/d~e" }),
        // a % that looks like an escape: still the key "a%20b", not "a b"
        escaped: z.enum(["p"]).meta({ id: "a%20b" }),
      }),
    }),
  ],
});

let files: GeneratedFiles;
let client: string;
let dir: string;
beforeAll(async () => {
  files = await planOutput(registry, { catalog: false });
  client = files.get("events.ts") as string;
});
// temp folders go after each test
beforeEach(async () => {
  dir = await tempDir("defs");
  await writeGeneratedFiles(dir, files);
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
});

describe("$defs in the client", () => {
  it("types a def that is not an object as what it is", () => {
    expect(client).toContain('export type TicketStatusChanged_Status = "open" | "closed";');
    expect(client).toContain("export type TicketStatusChanged_Either = string | number;");
    expect(client).toContain('export type TicketStatusChanged_ABCDE = "x";');
    expect(client).toMatch(/ {2}from: TicketStatusChanged_Status;\n {2}to: TicketStatusChanged_Status;/);
  });

  it("declares every def type it names, ids with / and ~ included", () => {
    const declared = new Set([...client.matchAll(/^export type (TicketStatusChanged\w*)/gm)].map((match) => match[1]));
    const named = new Set(client.match(/\bTicketStatusChanged_\w+/g));
    expect(named.size).toBeGreaterThan(3);
    for (const name of named) expect(declared).toContain(name);
  });

  it("checks data against the defs' types", () => {
    const snippet = [
      'import type { EventData } from "./events.ts";',
      'export const ok: EventData<"ticket/status.changed"> = { from: "open", to: "closed", either: 1, odd: "x", escaped: "p",',
      '  tree: { value: "root", children: [{ value: "leaf", children: [] }] } };',
      'export const wrong: EventData<"ticket/status.changed"> = { ...ok, from: "shut" };',
    ].join("\n");
    // the client checked whole (no @ts-nocheck); validators.js's types do not matter here
    const sources = new Map([
      [path.join(dir, "events.ts"), client.replace(`${NO_CHECK}\n`, "")],
      [path.join(dir, "validators.ts"), ""],
      [path.join(dir, "snippet.ts"), snippet],
    ]);
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    host.readFile = (file) => sources.get(file) ?? read(file);
    const exists = host.fileExists.bind(host);
    host.fileExists = (file) => sources.has(file) || exists(file);
    const program = ts.createProgram([path.join(dir, "snippet.ts")], options, host);
    const messages = program
      .getSemanticDiagnostics(program.getSourceFile(path.join(dir, "snippet.ts")))
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    expect(messages).toEqual([
      expect.stringContaining(`Type '"shut"' is not assignable to type 'TicketStatusChanged_Status'`),
    ]);
  });
});

describe("$defs in the validators", () => {
  it("resolve every reference, ids with /, ~, %, %20 and spaces included", async () => {
    const module = (await import(pathToFileURL(path.join(dir, "validators.js")).href)) as {
      validators: Record<string, Record<string, ((event: unknown) => boolean) | undefined>>;
    };
    const validate = module.validators["ticket/status.changed"]?.["1.0.0"];
    const data = {
      from: "open",
      to: "closed",
      either: "a",
      odd: "x",
      escaped: "p",
      tree: { value: "r", children: [] },
    };
    expect(validate?.({ name: "ticket/status.changed", data })).toBe(true);
    expect(validate?.({ name: "ticket/status.changed", data: { ...data, odd: "y" } })).toBe(false);
    expect(validate?.({ name: "ticket/status.changed", data: { ...data, escaped: "q" } })).toBe(false);
    const deep = { ...data, tree: { value: "r", children: [{ value: 1, children: [] }] } };
    expect(validate?.({ name: "ticket/status.changed", data: deep })).toBe(false);
  });

  it("publish the references as zod writes them, with a % written %25", async () => {
    const schema = await readFile(path.join(dir, "schemas/ticket/status.changed/1.0.0.json"), "utf8");
    expect(schema).toContain('"$ref": "#/$defs/a b%25c~1d~0e"');
    expect(schema).toContain('"$ref": "#/$defs/tree~1node"');
  });
});
