/**
 * The compatibility engine's figures (the compat issue's): a diff of two 500-property schemas, in
 * process, and `evreg check` of 1,000 events with 3 versions each through the CLI as it ships, the
 * third version of every event not yet in the lockfile so each is checked against the two before it.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffSchemas } from "../src/compat/diff.ts";
import { buildLockfile, serializeLockfile } from "../src/compat/lockfile.ts";
import { defineEvent, defineRegistry } from "../src/index.ts";
import { median, type Row } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { repoRoot } from "./paths.ts";
import {
  defineSyntheticEvent,
  type Field,
  type FieldSpec,
  fields,
  registrySource,
  seededRandom,
  syntheticEvents,
  zodObjectOf,
} from "./synthetic.ts";

/** A new version's spec for a field an edit changes: bounds moved, an enum value added, a type changed. */
function editedSpec(spec: FieldSpec): FieldSpec {
  switch (spec.kind) {
    case "int":
      return { ...spec, max: spec.max * 10 };
    case "string":
      return { ...spec, min: spec.min === 0 ? 1 : 0 };
    case "enum":
      return { ...spec, values: [...spec.values, "other"] };
    default:
      return { kind: "string", min: 0 };
  }
}

/**
 * `count` fields, and the same fields after one edit in ten: removed, made optional or required,
 * changed (`editedSpec`), or followed by a new optional field.
 */
function editedFields(count: number): { before: Field[]; after: Field[] } {
  const before = fields(seededRandom(500), count);
  const after = before.flatMap((field, index): Field[] => {
    switch (index % 40) {
      case 0:
        return [];
      case 10:
        return [{ ...field, optional: !field.optional }];
      case 20:
        return [{ ...field, spec: editedSpec(field.spec) }];
      case 30:
        return [field, { key: `added${index}`, spec: { kind: "string", min: 0 }, optional: true }];
      default:
        return [field];
    }
  });
  return { before, after };
}

/** `diffSchemas` (what `evreg compat` runs) on two published envelope schemas of 500 data properties. */
export function diffRows(options: BenchOptions): Row[] {
  const count = options.smoke ? 40 : 500;
  const { before, after } = editedFields(count);
  const event = defineEvent({
    name: "bench/wide.changed",
    compatibility: "NONE",
    versions: [
      { v: "1.0.0", data: zodObjectOf(before) },
      { v: "2.0.0", data: zodObjectOf(after) },
    ],
  });
  const [oldSchema, newSchema] = event.versions.map((version) => version.envelopeSchema);
  const times: number[] = [];
  let changes = 0;
  for (let call = 0; call < (options.smoke ? 2 : 11); call++) {
    const start = performance.now();
    changes = diffSchemas(oldSchema, newSchema).length;
    times.push(performance.now() - start);
  }
  const [first, ...rest] = times as [number, ...number[]];
  const value = median(rest);
  return [
    {
      name: `compat diff of two ${count}-property schemas (${changes} changes)`,
      value,
      unit: "ms",
      baseline: `median of ${rest.length} calls after the first (${first.toFixed(1)} ms)`,
      ratio: null,
      goal: "< 50 ms",
      pass: value < 50,
    },
  ];
}

/**
 * Cold `evreg check` runs (`coldRun`: the built CLI, no jiti cache) of a registry of `count` events
 * with 3 versions each, the first two recorded in the lockfile.
 */
export async function checkRows(
  options: BenchOptions,
  coldRun: (cwd: string, args: string[]) => Promise<number>,
): Promise<Row[]> {
  const count = options.smoke ? 10 : 1000;
  const events = syntheticEvents(count, undefined, 3);
  const published = defineRegistry({
    app: `synthetic-check-${count}`,
    events: events.map((event) => defineSyntheticEvent({ ...event, versions: event.versions.slice(0, 2) })),
  });
  // Inside the repo, so the schema file resolves `evreg` and `zod` as an app's would.
  const project = path.join(repoRoot, "test-output", `bench-check-${process.pid}`);
  try {
    await mkdir(path.join(project, "schemas"), { recursive: true });
    await writeFile(path.join(project, "schemas/index.ts"), registrySource(events, published.app));
    await writeFile(path.join(project, "schemas/evreg.lock.json"), serializeLockfile(buildLockfile(published)));
    const runs: number[] = [];
    for (let round = 0; round < (options.smoke ? 1 : 3); round++) runs.push(await coldRun(project, ["check"]));
    const value = median(runs);
    return [
      {
        name: `evreg check (cold), ${count} events x 3 versions, 2 locked`,
        value,
        unit: "ms",
        baseline: `median of ${runs.length} cold runs: ${runs.map((each) => Math.round(each)).join(", ")} ms`,
        ratio: null,
        goal: "< 5000 ms",
        pass: value < 5000,
      },
    ];
  } finally {
    await rm(project, { recursive: true, force: true });
  }
}
