/**
 * Generation for a large registry, through the CLI as it ships (compiled to JS, run by bin/evreg.js
 * without src/ beside it): a cold `evreg generate` of a synthetic registry written as schema source,
 * with an empty temp folder (jiti's cache) so nothing transpiled before is reused, then `evreg
 * generate --check` on the unchanged tree (as the first run left it, as on a developer's machine); and what
 * the generated client costs the TypeScript compiler (5.9 and 7) with 50 typed sends, against an
 * empty project and against the same client whose data types come from `z.input` inference.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { compiledSchemaOf } from "../src/codegen/ajv.ts";
import type { Registry } from "../src/index.ts";
import type { JsonSchemaObject } from "../src/registry/json-schema.ts";
import { checkRows } from "./compat.ts";
import { median, type Row, timeMs } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { repoRoot } from "./paths.ts";
import {
  registrySource,
  type SyntheticEvent,
  seededRandom,
  syntheticRegistry,
  validObject,
  zodObjectSourceOf,
} from "./synthetic.ts";

const run = promisify(execFile);

export interface CodegenResult {
  rows: Row[];
  /** The synthetic registry generated, and the validators.js the CLI wrote for it. */
  registry: Registry;
  validatorsJs: string;
  schemas: JsonSchemaObject[];
}

/**
 * evreg compiled the way `npm run build` does (without declarations or maps), in `root/dist` with
 * `root/bin/evreg.js` and `root/package.json` beside it: the layout of the installed package.
 * Dependencies resolve from the repository's node_modules, as `root` is inside it.
 */
async function buildCli(root: string): Promise<string> {
  await run(process.execPath, [
    path.join(repoRoot, "node_modules/typescript/bin/tsc"),
    ...["-p", path.join(repoRoot, "tsconfig.build.json"), "--outDir", path.join(root, "dist")],
    ...["--declaration", "false", "--sourceMap", "false", "--inlineSources", "false"],
  ]).catch((error: { stdout: string }) => {
    throw new Error(`bench: building evreg failed:\n${error.stdout.slice(0, 2000)}`);
  });
  await mkdir(path.join(root, "bin"), { recursive: true });
  await copyFile(path.join(repoRoot, "bin/evreg.js"), path.join(root, "bin/evreg.js"));
  await copyFile(path.join(repoRoot, "package.json"), path.join(root, "package.json"));
  return path.join(root, "bin/evreg.js");
}

async function evreg(cli: string, cwd: string, args: string[], jitiCache: string): Promise<number> {
  return timeMs(() =>
    run(process.execPath, [cli, ...args], {
      cwd,
      // evreg transpiles schema files on every run, but jiti caches what its Babel transforms, in
      // the temp folder when the module loading it has no node_modules beside it (evreg's dist/;
      // it reads JITI_FS_CACHE as a boolean only): each run gets its own empty temp folder.
      env: { ...process.env, TMPDIR: jitiCache },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`bench: evreg ${args.join(" ")} failed:\n${error.stdout}${error.stderr}`.slice(0, 4000));
    }),
  );
}

async function readTree(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = new Map<string, string>();
  for (const entry of entries.filter((each) => each.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, file).split(path.sep).join("/"), await readFile(file, "utf8"));
  }
  return files;
}

export async function codegenRows(options: BenchOptions, progress: (title: string) => void): Promise<CodegenResult> {
  const count = options.smoke ? 10 : 1000;
  const { registry, events } = syntheticRegistry(count);
  const versions = registry.events.reduce((sum, event) => sum + event.versions.length, 0);
  // Inside the repo, so the schema file resolves `evreg` and `zod` as an app's would.
  const project = path.join(repoRoot, "test-output", `bench-generate-${process.pid}`);
  const cliRoot = path.join(repoRoot, "test-output", `bench-evreg-${process.pid}`);
  const jitiCache = await mkdtemp(path.join(tmpdir(), "evreg-bench-jiti-"));
  try {
    await mkdir(path.join(project, "schemas"), { recursive: true });
    await writeFile(path.join(project, "schemas/index.ts"), registrySource(events, registry.app));
    progress("building evreg as it ships");
    const cli = await buildCli(cliRoot);
    progress(`evreg generate for ${count} events (three cold runs)`);
    // Each run cold: no output folder and an empty jiti cache. The median, as one run on a shared
    // VM can be slowed by a neighbour. The previous run's output is moved aside, not deleted: on ext4
    // without a journal (this machine's disk) the inode allocator steps over every inode freed in
    // the last minute or more, one at a time, so each of the next run's 4,000 new files and folders
    // paid for the 4,000 just deleted (the command's kernel time grew from 1.2 s to 2 s over three
    // runs). The moved trees go with the project folder, after the timed runs.
    const coldRun = async (cwd: string, args: string[]) => {
      await rm(jitiCache, { recursive: true, force: true });
      await mkdir(jitiCache, { recursive: true });
      return evreg(cli, cwd, args, jitiCache);
    };
    const cold: number[] = [];
    for (let round = 0; round < (options.smoke ? 1 : 3); round++) {
      await rename(path.join(project, "generated"), path.join(project, `generated-run-${round}`)).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error;
        },
      );
      cold.push(await coldRun(project, ["generate"]));
    }
    const coldMs = median(cold);
    progress("evreg generate --check on the unchanged tree");
    const checkMs = median([
      await evreg(cli, project, ["generate", "--check"], jitiCache),
      await evreg(cli, project, ["generate", "--check"], jitiCache),
    ]);
    const files = await readTree(path.join(project, "generated"));
    const rows: Row[] = [
      {
        name: `evreg generate (cold), ${count} events, ${versions} versions`,
        value: coldMs,
        unit: "ms",
        baseline: `median of ${cold.length} cold runs: ${cold.map((each) => Math.round(each)).join(", ")} ms`,
        ratio: null,
        goal: "< 5000 ms",
        pass: coldMs < 5000,
      },
      {
        name: `evreg generate --check, unchanged, ${count} events`,
        value: checkMs,
        unit: "ms",
        baseline: "-",
        ratio: null,
        goal: "< 2000 ms",
        pass: checkMs < 2000,
      },
    ];
    progress("tsc 5.9 and 7 over the generated client");
    rows.push(...(await typeCheckRows(files, events, options)));
    progress(`evreg check for ${count} events with 3 versions each (three cold runs)`);
    rows.push(...(await checkRows(options, coldRun)));
    return {
      rows,
      registry,
      validatorsJs: files.get("validators.js") as string,
      schemas: registry.events.flatMap((event) =>
        event.versions.map((version) => compiledSchemaOf(version.envelopeSchema)),
      ),
    };
  } finally {
    await rm(project, { recursive: true, force: true });
    await rm(cliRoot, { recursive: true, force: true });
    await rm(jitiCache, { recursive: true, force: true });
  }
}

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    types: [],
  },
};

interface Diagnostics {
  totalMs: number;
  instantiations: number;
}

const COMPILERS = {
  "5.9": path.join(repoRoot, "node_modules/typescript/bin/tsc"),
  "7": path.join(repoRoot, "node_modules/typescript7/bin/tsc"),
} as const;
type Compiler = keyof typeof COMPILERS;

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ ...TSCONFIG, include: Object.keys(files).filter((file) => file.endsWith(".ts")) }),
  );
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(dir, file), content);
}

/** `tsc --extendedDiagnostics` on a written project: total time and instantiations. */
async function typeCheck(dir: string, compiler: Compiler): Promise<Diagnostics> {
  const { stdout } = await run(process.execPath, [COMPILERS[compiler], "-p", dir, "--extendedDiagnostics"], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout: string }) => {
    throw new Error(`bench: tsc ${compiler} failed in ${dir}:\n${error.stdout.slice(0, 2000)}`);
  });
  const number = (label: string) => Number(stdout.match(new RegExp(`${label}:\\s+([\\d.]+)`))?.[1] ?? Number.NaN);
  return { totalMs: number("Total time") * 1000, instantiations: number("Instantiations") };
}

/**
 * `rounds` rounds of `typeCheck` over every project in turn (empty, then the others), so a slow
 * moment of this shared VM falls on one round of each, not on one project: a project's cost over
 * `base` is the median of its per-round differences.
 */
async function typeCheckRounds<Name extends string>(
  dirs: Record<Name, string>,
  compiler: Compiler,
  rounds: number,
): Promise<{ [N in Name]: Diagnostics[] }> {
  const runs = Object.fromEntries(Object.keys(dirs).map((name) => [name, [] as Diagnostics[]])) as {
    [N in Name]: Diagnostics[];
  };
  for (let round = 0; round < rounds; round++)
    for (const name of Object.keys(dirs) as Name[]) runs[name].push(await typeCheck(dirs[name], compiler));
  return runs;
}

const medianTotal = (runs: readonly Diagnostics[]): number => median(runs.map((each) => each.totalMs));
const medianOver = (runs: readonly Diagnostics[], base: readonly Diagnostics[]): number =>
  median(runs.map((each, round) => each.totalMs - (base[round] as Diagnostics).totalMs));

/** 50 sends of the first events' latest data, typed against the generated client. */
function typedSends(events: readonly SyntheticEvent[]): string {
  const random = seededRandom(50);
  const sends = events.slice(0, 50).map((event) => {
    const latest = event.versions.at(-1) as SyntheticEvent["versions"][number];
    return `  await send(client, { name: ${JSON.stringify(event.name)}, data: ${JSON.stringify(validObject(latest.fields, random))} });`;
  });
  return `import { send, type EventSender } from "./events.ts";\ndeclare const client: EventSender;\nexport async function sendAll() {\n${sends.join("\n")}\n}\n`;
}

/** The generated client with each data type replaced by `z.input<typeof schema>` of the same zod schema. */
function inferredClient(eventsTs: string, events: readonly SyntheticEvent[]): Record<string, string> {
  const versions = events.flatMap((event) => event.versions);
  // A version is written out (`= { ... };`), or derived from the one before (`= Previous & { ... };`, `= Previous;`).
  const aliases = [...eventsTs.matchAll(/^export type (\w+) = (?:\w+;|(?:\w+ & )?\{\n[\s\S]*?^\};)$/gm)].slice(
    0,
    versions.length,
  );
  if (aliases.length !== versions.length) throw new Error("bench: the generated client's data types changed shape");
  const schemas = aliases.map(
    (alias, index) =>
      `export const ${alias[1]} = ${zodObjectSourceOf((versions[index] as (typeof versions)[number]).fields)};`,
  );
  let client = eventsTs;
  for (const alias of aliases)
    client = client.replace(alias[0], `export type ${alias[1]} = z.input<typeof schemas.${alias[1]}>;`);
  client = client.replace(
    "import { EventType",
    'import type { z } from "zod";\nimport type * as schemas from "./schemas.ts";\nimport { EventType',
  );
  return { "events.ts": client, "schemas.ts": `import { z } from "zod";\n${schemas.join("\n")}\n` };
}

async function typeCheckRows(
  files: Map<string, string>,
  events: readonly SyntheticEvent[],
  options: BenchOptions,
): Promise<Row[]> {
  const root = path.join(repoRoot, "test-output", `bench-tsc-${process.pid}`);
  const rounds = options.smoke ? 1 : 5;
  try {
    const sends = typedSends(events);
    const validatorsDts = files.get("validators.d.ts") as string;
    const eventsTs = files.get("events.ts") as string;
    const projects = {
      empty: { "index.ts": "export {};\n" },
      // What every Inngest app compiles anyway: the SDK's declarations, which the client imports.
      inngest: { "index.ts": 'export type { EventType } from "inngest";\n' },
      generated: { "events.ts": eventsTs, "validators.d.ts": validatorsDts, "sends.ts": sends },
      inferred: { ...inferredClient(eventsTs, events), "validators.d.ts": validatorsDts, "sends.ts": sends },
    };
    for (const [name, project] of Object.entries(projects)) await writeProject(path.join(root, name), project);
    const label = `${options.smoke ? 10 : 1000} events + 50 sends`;
    const rows: Row[] = [];
    for (const compiler of ["5.9", "7"] as const) {
      const dir = (name: keyof typeof projects) => path.join(root, name);
      const runs = await typeCheckRounds(
        { empty: dir("empty"), inngest: dir("inngest"), generated: dir("generated") },
        compiler,
        rounds,
      );
      const overhead = medianOver(runs.generated, runs.empty);
      const instantiations = (runs.generated[0] as Diagnostics).instantiations;
      const goals = compiler === "5.9";
      rows.push(
        {
          name: `tsc ${compiler}: generated client, ${label}`,
          value: overhead,
          unit: "ms over empty project",
          baseline: `empty project ${Math.round(medianTotal(runs.empty))} ms; median of ${rounds} interleaved rounds`,
          ratio: null,
          goal: goals ? "<= 1000 ms" : null,
          pass: goals ? overhead <= 1000 : null,
        },
        {
          name: `tsc ${compiler}: generated client, ${label}, over the inngest SDK's types`,
          value: medianOver(runs.generated, runs.inngest),
          unit: "ms",
          baseline: `project importing inngest ${Math.round(medianTotal(runs.inngest))} ms`,
          ratio: null,
          goal: null,
          pass: null,
        },
        {
          name: `tsc ${compiler}: generated client instantiations, ${label}`,
          value: instantiations - (runs.empty[0] as Diagnostics).instantiations,
          unit: "instantiations",
          baseline: `empty project ${(runs.empty[0] as Diagnostics).instantiations}`,
          ratio: null,
          goal: goals ? "<= 2000" : null,
          pass: goals ? instantiations - (runs.empty[0] as Diagnostics).instantiations <= 2000 : null,
        },
      );
      if (compiler === "5.9") {
        const inferred = await typeCheck(dir("inferred"), compiler);
        const generated = medianTotal(runs.generated);
        rows.push({
          name: `tsc ${compiler}: generated vs z.input inference, ${label}`,
          value: generated,
          unit: "ms",
          baseline: `z.input client ${Math.round(inferred.totalMs)} ms, ${inferred.instantiations} inst.`,
          ratio: inferred.totalMs / generated,
          goal: null,
          pass: null,
        });
      }
    }
    return rows;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
