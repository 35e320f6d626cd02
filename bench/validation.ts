/**
 * Validation speed of one typical event against zod, default ajv, TypeBox and a hand-written
 * check; agreement between zod and the precompiled validators on a generated corpus; and the size
 * of the generated validators against naive ajv standalone output.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import addFormats from "ajv-formats";
import { renderValidators } from "../src/codegen/validators.ts";
import { defineRegistry, type Registry } from "../src/index.ts";
import { systemRegistry } from "../src/registry/system.ts";
import { type MeasureOptions, opsPerSecond, type Row } from "./harness.ts";
import { bytesPerValidator, importValidators } from "./load-validators.ts";
import type { BenchOptions } from "./main.ts";
import { payloadCorpus, syntheticRegistry, versionLabel } from "./synthetic.ts";
import {
  defaultAjvCheck,
  handWrittenCheck,
  invalidEvent,
  TYPICAL_NAME,
  TYPICAL_VERSION,
  typeboxCheck,
  typicalEnvelope,
  typicalRegistry,
  validEvent,
} from "./typical.ts";

const ratioRow = (name: string, value: number, baselineName: string, baseline: number, goal: number | null): Row => ({
  name,
  value,
  unit: "ops/s",
  baseline: baselineName,
  ratio: value / baseline,
  goal: goal === null ? null : `>= ${goal}x`,
  pass: goal === null ? null : value / baseline >= goal,
});

export async function validationRows(options: BenchOptions): Promise<Row[]> {
  const measure: MeasureOptions = options.smoke
    ? { warmupMs: 5, roundMs: 5, rounds: 1 }
    : { warmupMs: 300, roundMs: 200, rounds: 7 };
  const evreg = (await importValidators(renderValidators([typicalRegistry()]).js))[TYPICAL_NAME]?.[TYPICAL_VERSION];
  if (!evreg) throw new Error("bench: the typical event has no precompiled validator");
  const checks: [string, (event: unknown) => boolean][] = [
    ["evreg precompiled", (event) => evreg(event)],
    ["zod safeParse", (event) => typicalEnvelope.safeParse(event).success],
    ["ajv default + ajv-formats", defaultAjvCheck()],
    ["TypeBox TypeCompiler", typeboxCheck()],
    ["hand-written", handWrittenCheck],
  ];
  for (const [label, check] of checks) {
    if (!check(validEvent) || check(invalidEvent))
      throw new Error(`bench: ${label} gives the wrong verdict on the typical event`);
  }
  const rows: Row[] = [];
  for (const [kind, event] of [
    ["valid", validEvent],
    ["invalid", invalidEvent],
  ] as const) {
    const ops = new Map(checks.map(([label, check]) => [label, opsPerSecond(() => check(event), measure)]));
    const of = (label: string) => ops.get(label) as number;
    const evregOps = of("evreg precompiled");
    rows.push(
      ratioRow(
        `validate ${kind}: evreg vs zod`,
        evregOps,
        "zod safeParse",
        of("zod safeParse"),
        kind === "valid" ? 3 : 5,
      ),
    );
    if (kind === "valid")
      rows.push(ratioRow("validate valid: evreg vs hand-written", evregOps, "hand-written", of("hand-written"), 0.5));
    else
      rows.push(
        ratioRow("validate invalid: evreg vs hand-written", evregOps, "hand-written", of("hand-written"), null),
      );
    rows.push(
      ratioRow(
        `validate ${kind}: evreg vs default ajv`,
        evregOps,
        "ajv default + ajv-formats",
        of("ajv default + ajv-formats"),
        null,
      ),
    );
    rows.push(
      ratioRow(
        `validate ${kind}: evreg vs TypeBox`,
        evregOps,
        "TypeBox TypeCompiler",
        of("TypeBox TypeCompiler"),
        null,
      ),
    );
  }
  return rows;
}

export async function agreementRows(options: BenchOptions): Promise<Row[]> {
  const { registry, events } = syntheticRegistry(options.smoke ? 10 : 100);
  const validators = await importValidators(renderValidators([registry]).js);
  const corpus = payloadCorpus(events, options.smoke ? 100 : 2000);
  const result = corpusAgreement(registry, validators, corpus);
  return [
    {
      name: `zod vs evreg verdicts on ${corpus.length} payloads (${result.accepted} valid)`,
      value: result.disagreements.length,
      unit: "disagreements",
      baseline: "zod safeParse",
      ratio: null,
      goal: "0",
      pass: result.disagreements.length === 0,
    },
  ];
}

export interface Agreement {
  accepted: number;
  disagreements: { name: string; version: string; data: unknown; zod: boolean }[];
}

/** Runs zod and the precompiled validator on each payload; lists where they disagree. */
export function corpusAgreement(
  registry: Registry,
  validators: Awaited<ReturnType<typeof importValidators>>,
  corpus: ReturnType<typeof payloadCorpus>,
): Agreement {
  const result: Agreement = { accepted: 0, disagreements: [] };
  for (const { event, version, data } of corpus) {
    const schema = registry.get(event.name)?.versions.find((each) => each.v === version);
    const validate = validators[event.name]?.[version];
    if (!schema || !validate) throw new Error(`bench: no schema or validator for ${event.name} ${version}`);
    const zod = schema.data.safeParse(data).success;
    const v = versionLabel(event, version);
    const ajv = validate({ name: event.name, data, ...(v ? { v } : {}) });
    if (zod) result.accepted++;
    if (zod !== ajv) result.disagreements.push({ name: event.name, version, data, zod });
  }
  return result;
}

/** Naive: default ajv options with ajv-formats over the published schemas, one standalone module. */
export function naiveStandalone(registry: Registry): string {
  const ajv = new Ajv2020({ code: { source: true, esm: true } });
  addFormats.default(ajv);
  const refs: Record<string, string> = {};
  for (const [index, event] of registry.events.entries()) {
    for (const [at, version] of event.versions.entries()) {
      ajv.addSchema(version.envelopeSchema, `v${index}_${at}`);
      refs[`v${index}_${at}`] = `v${index}_${at}`;
    }
  }
  return standalone.default(ajv, refs);
}

/**
 * Size per validator of the generated validators.js for the synthetic registry of `generate`'s
 * benchmark (1,000 events, system events included), against naive ajv standalone output for its
 * first 100 events (per-validator size does not depend on the registry's size, compiling 1,980
 * schemas naively would take half a minute); and the typical event's validator alone.
 */
export function sizeRows(registry: Registry, validatorsJs: string): Row[] {
  const count = [registry, systemRegistry].reduce(
    (sum, each) => sum + each.events.reduce((events, event) => events + event.versions.length, 0),
    0,
  );
  const sample = defineRegistry({ app: "sample", events: registry.events.slice(0, 100) });
  const sampleCount = sample.events.reduce((sum, event) => sum + event.versions.length, 0);
  const naive = bytesPerValidator(naiveStandalone(sample), sampleCount);
  const evreg = bytesPerValidator(validatorsJs, count);
  const typical = bytesPerValidator(renderValidators([typicalRegistry()]).js, 1);
  const typicalNaive = bytesPerValidator(naiveStandalone(typicalRegistry()), 1);
  return [
    {
      name: `size per validator, synthetic registry (${count} validators)`,
      value: evreg,
      unit: "bytes",
      baseline: `naive ajv standalone ${Math.round(naive)} B`,
      ratio: naive / evreg,
      goal: "<= 4096 B",
      pass: evreg <= 4096,
    },
    {
      name: "size of the typical event's validator alone (nothing to share with other versions)",
      value: typical,
      unit: "bytes",
      baseline: `naive ajv standalone ${Math.round(typicalNaive)} B`,
      ratio: typicalNaive / typical,
      goal: null,
      pass: null,
    },
  ];
}
