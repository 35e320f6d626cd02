/**
 * `evreg catalog [--out DIR] [--src paths...]`: writes the browsable HTML catalog; with source paths,
 * the code scan supplies producers and consumers for the fan-out graph.
 * `evreg asyncapi [--out FILE]`: prints or writes the AsyncAPI 3.0 document.
 * The commands import their stages when they run, so the CLI starts without loading the compiler.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import type { CatalogLinks } from "../codegen/catalog/links.ts";
import { RegistryError } from "../errors.ts";
import { runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

type Reference = { event: string; file: string; scope?: string; functionId?: string };

/**
 * The scan's references as catalog links. A send inside a function carries that function's id, so
 * the graph draws it from the function node that the trigger also points at: that is the fan-out.
 * `cancelOn` entries are drawn like waits (the event ends a waiting function).
 */
export function catalogLinksFromScan(scan: {
  sends: Reference[];
  triggers: Reference[];
  waits: Reference[];
  cancels?: Reference[];
}): CatalogLinks {
  const strip = ({ event, file, scope, functionId }: Reference) => ({
    event,
    file,
    ...(scope !== undefined ? { scope } : {}),
    ...(functionId !== undefined ? { functionId } : {}),
  });
  return {
    sends: scan.sends.map(strip),
    triggers: scan.triggers.map(strip),
    waits: [...scan.waits, ...(scan.cancels ?? [])].map(strip),
  };
}

/** The whole output folder is replaced, so refuse a folder that holds anything but a catalog. */
function checkCatalogFolder(out: string): void {
  if (!existsSync(out)) return;
  const isCatalog =
    statSync(out).isDirectory() && (readdirSync(out).length === 0 || existsSync(path.join(out, "catalog.css")));
  if (!isCatalog) {
    throw new RegistryError("Cannot write the catalog:", [
      {
        rule: "catalog/out",
        severity: "error",
        file: out,
        message: `${out} exists and is not a catalog folder; evreg catalog replaces the whole folder`,
        fix: "pass --out with a new or empty folder, e.g. --out generated/catalog",
      },
    ]);
  }
}

/**
 * `--out` is evreg's global option (commander hands it to the program even after the subcommand),
 * so the commands read it there and tell an explicit `--out` from its default by its source.
 */
function explicitOut(program: Command): string | undefined {
  return program.getOptionValueSource("out") === "cli" ? program.opts<{ out: string }>().out : undefined;
}

export function registerCatalogCommands(program: Command, context: CommandContext): void {
  program
    .command("catalog")
    .description("write the browsable HTML event catalog (static files; open index.html from disk)")
    .option("--src <paths...>", "source files or folders to scan for producers and consumers")
    .addHelpText(
      "after",
      "\n--out <dir>: the folder to write (replaced as a whole); default <generate's --out>/catalog.\n\nExamples:\n  evreg catalog\n  evreg catalog --out site --src src/ functions/",
    )
    .action(async (options: { src?: string[] }) => {
      const io = context.io();
      context.exit(
        await runCommand(io, async () => {
          // one at a time (see loadPlanner in generate.ts)
          const { loadRegistry } = await import("../registry/load.ts");
          const { scanProject } = await import("../lint/scan.ts");
          const { renderCatalog } = await import("../codegen/catalog/render.ts");
          const { writeGeneratedFiles } = await import("../codegen/generate.ts");
          const registry = await loadRegistry(context.options().schemas);
          const links = options.src ? catalogLinksFromScan(scanProject(options.src, registry)) : undefined;
          const target = explicitOut(program) ?? path.join(context.options().out, "catalog");
          const out = path.relative(process.cwd(), path.resolve(target)) || ".";
          checkCatalogFolder(out);
          const files = await renderCatalog(registry, links ? { links } : {});
          await writeGeneratedFiles(out, files);
          io.out(`wrote the catalog to ${out}/index.html (${registry.events.length} events, ${files.size} files)`);
          return 0;
        }),
      );
    });

  program
    .command("asyncapi")
    .description("export the registry as an AsyncAPI 3.0 document (JSON)")
    .addHelpText(
      "after",
      "\n--out <file>: write to this file instead of standard output.\n\nExamples:\n  evreg asyncapi > asyncapi.json\n  evreg asyncapi --out docs/asyncapi.json",
    )
    .action(async () => {
      const io = context.io();
      const file = explicitOut(program);
      context.exit(
        await runCommand(io, async () => {
          const { loadRegistry } = await import("../registry/load.ts");
          const { renderAsyncApi } = await import("../codegen/asyncapi.ts");
          const registry = await loadRegistry(context.options().schemas);
          const text = `${JSON.stringify(renderAsyncApi(registry), null, 2)}\n`;
          if (file === undefined) {
            io.out(text);
            return 0;
          }
          await mkdir(path.dirname(path.resolve(file)), { recursive: true });
          await writeFile(file, text);
          io.out(`wrote ${file} (AsyncAPI 3.0, ${registry.events.length} channels)`);
          return 0;
        }),
      );
    });
}
