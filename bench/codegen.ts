/**
 * Generation for a large registry: time of `planGeneratedFiles`, and what the generated client
 * costs the TypeScript compiler (plus 50 typed sends) against an empty project and against the
 * same client whose data types come from `z.input<typeof schema>` inference.
 */
import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { compiledSchemaOf } from "../src/codegen/ajv.ts";
import { planGeneratedFiles } from "../src/codegen/generate.ts";
import type { JsonSchemaObject } from "../src/registry/json-schema.ts";
import { type Row, timeMs } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { repoRoot } from "./paths.ts";
import { type SyntheticEvent, seededRandom, syntheticRegistry, validObject, zodObjectSourceOf } from "./synthetic.ts";

const run = promisify(execFile);

export interface CodegenResult {
  rows: Row[];
  validatorsJs: string;
  schemas: JsonSchemaObject[];
}

export async function codegenRows(options: BenchOptions, progress: (title: string) => void): Promise<CodegenResult> {
  const count = options.smoke ? 10 : 1000;
  const { registry, events } = syntheticRegistry(count);
  progress(`planGeneratedFiles for ${count} events`);
  let files = new Map<string, string>();
  const planMs = await timeMs(() => {
    files = planGeneratedFiles(registry);
  });
  const rows: Row[] = [
    {
      name: `planGeneratedFiles, ${count} events (${registry.events.reduce((sum, event) => sum + event.versions.length, 0)} versions)`,
      value: planMs,
      unit: "ms",
      baseline: "-",
      ratio: null,
      goal: "< 5000 ms (cold generate)",
      pass: planMs < 5000,
    },
  ];
  progress("tsc over the generated client");
  rows.push(...(await typeCheckRows(files, events, options)));
  return {
    rows,
    validatorsJs: files.get("validators.js") as string,
    schemas: registry.events.flatMap((event) =>
      event.versions.map((version) => compiledSchemaOf(version.envelopeSchema)),
    ),
  };
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

async function typeCheck(dir: string, files: Record<string, string>): Promise<Diagnostics> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ ...TSCONFIG, include: Object.keys(files).filter((file) => file.endsWith(".ts")) }),
  );
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const [file, content] of Object.entries(files)) await writeFile(path.join(dir, file), content);
  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  const { stdout } = await run(process.execPath, [tsc, "-p", dir, "--extendedDiagnostics"], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { stdout: string }) => {
    throw new Error(`bench: tsc failed in ${dir}:\n${error.stdout.slice(0, 2000)}`);
  });
  const number = (label: string) => Number(stdout.match(new RegExp(`${label}:\\s+([\\d.]+)`))?.[1] ?? Number.NaN);
  return { totalMs: number("Total time") * 1000, instantiations: number("Instantiations") };
}

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
  const aliases = [...eventsTs.matchAll(/^export type (\w+) = \{\n[\s\S]*?^\};$/gm)].slice(0, versions.length);
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
  try {
    const sends = typedSends(events);
    const validatorsDts = files.get("validators.d.ts") as string;
    const eventsTs = files.get("events.ts") as string;
    const empty = await typeCheck(path.join(root, "empty"), { "index.ts": "export {};\n" });
    const generated = await typeCheck(path.join(root, "generated"), {
      "events.ts": eventsTs,
      "validators.d.ts": validatorsDts,
      "sends.ts": sends,
    });
    const inferred = await typeCheck(path.join(root, "inferred"), {
      ...inferredClient(eventsTs, events),
      "validators.d.ts": validatorsDts,
      "sends.ts": sends,
    });
    const label = `${options.smoke ? 10 : 1000} events + 50 sends`;
    return [
      {
        name: `tsc: generated client, ${label}`,
        value: generated.totalMs - empty.totalMs,
        unit: "ms over empty project",
        baseline: `empty project ${Math.round(empty.totalMs)} ms`,
        ratio: null,
        goal: "<= 1000 ms",
        pass: generated.totalMs - empty.totalMs <= 1000,
      },
      {
        name: `tsc: generated client instantiations, ${label}`,
        value: generated.instantiations - empty.instantiations,
        unit: "instantiations",
        baseline: `empty project ${empty.instantiations}`,
        ratio: null,
        goal: "<= 2000",
        pass: generated.instantiations - empty.instantiations <= 2000,
      },
      {
        name: `tsc: generated vs z.input inference, ${label}`,
        value: generated.totalMs,
        unit: "ms",
        baseline: `z.input client ${Math.round(inferred.totalMs)} ms, ${inferred.instantiations} inst.`,
        ratio: inferred.totalMs / generated.totalMs,
        goal: null,
        pass: null,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
