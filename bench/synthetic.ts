/**
 * Synthetic registries for the benchmarks, built from a fixed seed so every run measures the same
 * thing: 3-12 fields per event, nested objects, arrays, enums, uuid and ISO date-time strings, 1-3
 * versions. One field spec drives the zod schema, its TypeScript source (for the compiler
 * benchmark) and valid and near-miss payloads (for the agreement corpus).
 */
import { z } from "zod";
import { defineEvent, defineRegistry, type EventDefinition, type Registry } from "../src/index.ts";

export type FieldSpec =
  | { kind: "string"; min: number }
  | { kind: "int"; min: number; max: number }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "uuid" }
  | { kind: "datetime" }
  | { kind: "object"; fields: readonly Field[] }
  | { kind: "array"; of: FieldSpec; min: number };

export interface Field {
  key: string;
  spec: FieldSpec;
  optional: boolean;
}

export interface SyntheticEvent {
  name: string;
  versioned: boolean;
  /** Fields of each version, oldest first; each version adds one optional field. */
  versions: { v: string; fields: readonly Field[] }[];
}

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const between = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const WORDS = [
  "amount",
  "status",
  "owner",
  "region",
  "plan",
  "label",
  "source",
  "channel",
  "account",
  "reason",
  "priority",
  "total",
];
const ENUMS = [
  ["free", "pro", "team", "enterprise"],
  ["pending", "active", "cancelled"],
  ["low", "medium", "high", "urgent"],
  ["card", "bank", "wallet"],
  ["eu", "us", "apac", "latam", "mea"],
];

function scalarSpec(random: Random): FieldSpec {
  const roll = random();
  if (roll < 0.22) return { kind: "string", min: pick(random, [0, 1]) };
  if (roll < 0.36) return { kind: "int", min: 0, max: pick(random, [100, 10_000, 1_000_000]) };
  if (roll < 0.44) return { kind: "number" };
  if (roll < 0.52) return { kind: "boolean" };
  if (roll < 0.68) return { kind: "enum", values: pick(random, ENUMS) };
  if (roll < 0.84) return { kind: "uuid" };
  return { kind: "datetime" };
}

function scalarFields(random: Random, count: number, prefix: string): Field[] {
  return Array.from({ length: count }, (_, index) => ({
    key: `${prefix}${pick(random, WORDS)}${index}`,
    spec: scalarSpec(random),
    optional: random() < 0.15,
  }));
}

function fieldSpec(random: Random): FieldSpec {
  const roll = random();
  if (roll < 0.12) return { kind: "object", fields: scalarFields(random, between(random, 2, 4), "") };
  if (roll < 0.2)
    return {
      kind: "array",
      of: { kind: "object", fields: scalarFields(random, between(random, 2, 3), "") },
      min: pick(random, [0, 1]),
    };
  if (roll < 0.26)
    return {
      kind: "array",
      of: pick<FieldSpec>(random, [
        { kind: "string", min: 1 },
        { kind: "uuid" },
        { kind: "enum", values: pick(random, ENUMS) },
      ]),
      min: 0,
    };
  return scalarSpec(random);
}

/** `count` fields of any kind (scalars, nested objects, arrays), keys numbered from 0. */
export function fields(random: Random, count: number): Field[] {
  return Array.from({ length: count }, (_, index) => ({
    key: `${pick(random, WORDS)}${index}`,
    spec: fieldSpec(random),
    optional: random() < 0.15,
  }));
}

/**
 * `count` events from `seed`: same seed, same events. With `fixedVersions`, every event has that many
 * versions (and names them); otherwise 1-3.
 */
export function syntheticEvents(count: number, seed = 20240115, fixedVersions?: number): SyntheticEvent[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const base = fields(random, between(random, 3, 12));
    const versionCount = fixedVersions ?? between(random, 1, 3);
    // Each version adds one optional field and keeps the ones before it as they were, as a
    // registry that passes `evreg check` does (its default mode is FULL_TRANSITIVE).
    const added = Array.from({ length: versionCount - 1 }, (_, index) => ({
      key: `added${index}`,
      spec: scalarSpec(random),
      optional: true,
    }));
    const versions = Array.from({ length: versionCount }, (_, step) => ({
      v: `1.${step}.0`,
      fields: [...base, ...added.slice(0, step)],
    }));
    return {
      name: `domain${index % 40}/thing${index}.updated`,
      versioned: versionCount > 1 || random() < 0.5,
      versions,
    };
  });
}

export function zodOf(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case "string":
      return spec.min > 0 ? z.string().min(spec.min) : z.string();
    case "int":
      return z.number().int().min(spec.min).max(spec.max);
    case "number":
      return z.number();
    case "boolean":
      return z.boolean();
    case "enum":
      return z.enum(spec.values as [string, ...string[]]);
    case "uuid":
      return z.uuid();
    case "datetime":
      return z.iso.datetime();
    case "object":
      return zodObjectOf(spec.fields);
    case "array":
      return spec.min > 0 ? z.array(zodOf(spec.of)).min(spec.min) : z.array(zodOf(spec.of));
  }
}

export function zodObjectOf(fields: readonly Field[]): z.ZodObject {
  return z.object(
    Object.fromEntries(
      fields.map((field) => [field.key, field.optional ? zodOf(field.spec).optional() : zodOf(field.spec)]),
    ),
  );
}

/** The same schema as TypeScript source, for the compiler benchmark. */
export function zodSourceOf(spec: FieldSpec): string {
  switch (spec.kind) {
    case "string":
      return spec.min > 0 ? `z.string().min(${spec.min})` : "z.string()";
    case "int":
      return `z.number().int().min(${spec.min}).max(${spec.max})`;
    case "number":
      return "z.number()";
    case "boolean":
      return "z.boolean()";
    case "enum":
      return `z.enum(${JSON.stringify(spec.values)})`;
    case "uuid":
      return "z.uuid()";
    case "datetime":
      return "z.iso.datetime()";
    case "object":
      return zodObjectSourceOf(spec.fields);
    case "array":
      return `z.array(${zodSourceOf(spec.of)})${spec.min > 0 ? `.min(${spec.min})` : ""}`;
  }
}

export function zodObjectSourceOf(fields: readonly Field[]): string {
  return `z.object({ ${fields.map((field) => `${field.key}: ${zodSourceOf(field.spec)}${field.optional ? ".optional()" : ""}`).join(", ")} })`;
}

/** The synthetic events as one schema file, the way a team would declare them. */
export function registrySource(events: readonly SyntheticEvent[], app: string): string {
  const definitions = events.map((event) => {
    const versions = event.versions.map(
      (version) => `{ v: ${JSON.stringify(version.v)}, data: ${zodObjectSourceOf(version.fields)} }`,
    );
    return event.versioned
      ? `  defineEvent({ name: ${JSON.stringify(event.name)}, versions: [${versions.join(", ")}] }),`
      : `  defineEvent({ name: ${JSON.stringify(event.name)}, data: ${zodObjectSourceOf((event.versions[0] as SyntheticEvent["versions"][number]).fields)} }),`;
  });
  return [
    'import { z } from "zod";',
    'import { defineEvent, defineRegistry } from "evreg";',
    `export default defineRegistry({ app: ${JSON.stringify(app)}, events: [`,
    ...definitions,
    "] });",
    "",
  ].join("\n");
}

export function defineSyntheticEvent(event: SyntheticEvent): EventDefinition {
  const versions = event.versions.map((version) => ({ v: version.v, data: zodObjectOf(version.fields) }));
  return event.versioned
    ? defineEvent({ name: event.name, versions })
    : defineEvent({ name: event.name, data: (versions[0] as (typeof versions)[0]).data });
}

export function syntheticRegistry(
  count: number,
  seed?: number,
  fixedVersions?: number,
): { registry: Registry; events: SyntheticEvent[] } {
  const events = syntheticEvents(count, seed, fixedVersions);
  return { registry: defineRegistry({ app: `synthetic-${count}`, events: events.map(defineSyntheticEvent) }), events };
}

/** The label a sent event carries: versioned events name their version, others carry no `v`. */
export function versionLabel(event: SyntheticEvent, version: string): string | undefined {
  return event.versioned ? version : undefined;
}

const UUIDS = [
  "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  "9b2f6c1e-2d7a-4c55-8e1b-7a6f0c2d9e44",
  "00000000-0000-0000-0000-000000000000",
];
const DATES = ["2024-02-15T12:00:00Z", "2024-02-29T23:59:59.123Z", "1999-12-31T00:00:00Z"];

/** A valid value for `spec`, varied by `random`. */
export function validValue(spec: FieldSpec, random: Random): unknown {
  switch (spec.kind) {
    case "string":
      return pick(random, ["x", "hello world", "ünïcode", "a-b_c"]);
    case "int":
      return between(random, spec.min, spec.max);
    case "number":
      return pick(random, [0, -1.5, 2.5, 1e9]);
    case "boolean":
      return random() < 0.5;
    case "enum":
      return pick(random, spec.values);
    case "uuid":
      return pick(random, UUIDS);
    case "datetime":
      return pick(random, DATES);
    case "object":
      return validObject(spec.fields, random);
    case "array":
      return Array.from({ length: between(random, spec.min, 3) }, () => validValue(spec.of, random));
  }
}

export function validObject(fields: readonly Field[], random: Random): Record<string, unknown> {
  return Object.fromEntries(
    fields
      .filter((field) => !field.optional || random() < 0.6)
      .map((field) => [field.key, validValue(field.spec, random)]),
  );
}

/** Values that are wrong for some specs and right for others: zod and the validator must agree on each. */
const NEAR_MISSES: readonly unknown[] = [
  "",
  "3f2504e0-4f89-41d3-9a0c-0305e82c330",
  "3F2504E0-4F89-41D3-9A0C-0305E82C3301",
  "3f2504e0-4f89-01d3-9a0c-0305e82c3301",
  "2024-02-30T12:00:00Z",
  "2023-02-29T12:00:00Z",
  "2024-02-15T12:00:00+01:00",
  "2024-02-15T12:00:00",
  "2024-02-15",
  "PRO",
  "pro",
  "😀",
  -1,
  0,
  1.5,
  2 ** 53,
  1_000_001,
  Number.MAX_VALUE,
  true,
  null,
  [],
  {},
  ["x"],
  [{}],
];

/** One random change to a copy of `data`: a field removed, retyped, given a near miss, or an extra key. */
export function mutate(data: Record<string, unknown>, random: Random): Record<string, unknown> {
  const copy = structuredClone(data);
  const containers: Record<string, unknown>[] = [];
  const collect = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (typeof node === "object" && node !== null) {
      containers.push(node as Record<string, unknown>);
      Object.values(node).forEach(collect);
    }
  };
  collect(copy);
  const target = pick(random, containers);
  const keys = Object.keys(target);
  const roll = random();
  if (keys.length === 0 || roll < 0.1) target[`extra${between(random, 0, 9)}`] = pick(random, NEAR_MISSES);
  else if (roll < 0.3) delete target[pick(random, keys)];
  else target[pick(random, keys)] = pick(random, NEAR_MISSES);
  return copy;
}

export interface CorpusEntry {
  event: SyntheticEvent;
  version: string;
  data: unknown;
}

/** At least `size` payloads over `events`: valid ones and 1-3 mutations of valid ones. */
export function payloadCorpus(events: readonly SyntheticEvent[], size: number, seed = 7): CorpusEntry[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, index) => {
    const event = events[index % events.length] as SyntheticEvent;
    const version = pick(random, event.versions);
    let data = validObject(version.fields, random);
    if (index % 3 !== 0) for (let step = between(random, 1, 3); step > 0; step--) data = mutate(data, random);
    return { event, version: version.v, data };
  });
}
