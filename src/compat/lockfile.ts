/**
 * `schemas/evreg.lock.json`: the published versions of every event, each as its canonical JSON
 * Schema (the envelope the registry publishes, keys sorted, documentation and annotations dropped) and the
 * sha256 of that canonical JSON. Deterministic: the same registry always gives the same bytes.
 */
import { CompatibilityError } from "../errors.ts";
import type { Registry } from "../registry/define.ts";
import { CHECK_FORMATS, type JsonSchemaObject } from "../registry/json-schema.ts";
import { canonicalJson, sha256OfJson, stableStringify } from "./canonical.ts";
import {
  isSchemaObject,
  JSON_SCHEMA_KEYWORDS,
  SCHEMA_ARRAY_KEYWORDS,
  SCHEMA_KEYWORDS,
  SCHEMA_MAP_KEYWORDS,
} from "./document.ts";

export const LOCKFILE_VERSION = 1;
export const LOCKFILE_NAME = "evreg.lock.json";

export interface LockedVersion {
  schema: JsonSchemaObject;
  sha256: string;
}

export interface Lockfile {
  lockfileVersion: number;
  app: string;
  /** event name -> version label -> locked schema. */
  events: Record<string, Record<string, LockedVersion>>;
}

const UNORDERED = new Set(["allOf", "anyOf", "oneOf"]);

function sortedByJson(items: unknown[]): unknown[] {
  return items
    .map((item) => ({ item, key: canonicalJson(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item);
}

/** Keywords that document a schema without changing what it accepts: editing them is not a change. */
const DOCUMENTATION = new Set(["title", "description", "examples", "$comment", "deprecated", "readOnly", "writeOnly"]);

/**
 * The schema without documentation keywords and without keys no JSON Schema draft defines: the app's
 * own annotations, such as zod `.meta({ "x-pii": true })`, document a field as a description does.
 * At schema positions only, never inside data like `enum` or among property names.
 */
export function canonicalSchema(schema: unknown): unknown {
  if (!isSchemaObject(schema)) return schema;
  const result: JsonSchemaObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOCUMENTATION.has(key) || !JSON_SCHEMA_KEYWORDS.has(key)) continue;
    // zod's names for its own string checks are no format (locks written before they were dropped)
    if (key === "format" && CHECK_FORMATS.has(value as string)) continue;
    if (SCHEMA_KEYWORDS.has(key) && !Array.isArray(value)) result[key] = canonicalSchema(value);
    else if (SCHEMA_ARRAY_KEYWORDS.has(key) && Array.isArray(value)) {
      const items = value.map(canonicalSchema);
      // the order of allOf, anyOf and oneOf changes nothing they accept (`prefixItems`' does)
      result[key] = UNORDERED.has(key) ? sortedByJson(items) : items;
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isSchemaObject(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, Array.isArray(child) ? child : canonicalSchema(child)]),
      );
    } else result[key] = value;
  }
  return result;
}

export function lockVersion(envelopeSchema: JsonSchemaObject): LockedVersion {
  const schema = canonicalSchema(envelopeSchema) as JsonSchemaObject;
  return { schema, sha256: sha256OfJson(schema) };
}

const intact = new WeakMap<LockedVersion, boolean>();

/**
 * Works out `isIntact` for every entry now (`evreg check` does it while esbuild transpiles the
 * schema files), so that checking the registry later only looks the answers up.
 */
export function verifyEntries(lockfile: Lockfile): void {
  for (const versions of Object.values(lockfile.events)) for (const entry of Object.values(versions)) isIntact(entry);
}

/** Whether a lockfile entry's sha256 is that of its schema, so nobody edited the entry by hand; once per entry. */
export function isIntact(locked: LockedVersion): boolean {
  let verdict = intact.get(locked);
  if (verdict === undefined) {
    verdict = sha256OfJson(locked.schema) === locked.sha256;
    intact.set(locked, verdict);
  }
  return verdict;
}

/** The lockfile recording every version the registry declares now. */
export function buildLockfile(registry: Registry): Lockfile {
  const events: Lockfile["events"] = {};
  for (const event of registry.events) {
    events[event.name] = Object.fromEntries(
      event.versions.map((version) => [version.v, lockVersion(version.envelopeSchema)]),
    );
  }
  return { lockfileVersion: LOCKFILE_VERSION, app: registry.app, events };
}

export function serializeLockfile(lockfile: Lockfile): string {
  return stableStringify(lockfile);
}

function badLockfile(file: string, message: string): CompatibilityError {
  return new CompatibilityError(`${file} cannot be read:`, [
    {
      rule: "compat/lockfile",
      severity: "error",
      file,
      message,
      fix: "restore the file from version control, or delete it and run `evreg lock` once `evreg check` passes",
    },
  ]);
}

/** Parses and validates lockfile text; throws a CompatibilityError naming what is wrong. */
export function parseLockfile(text: string, file: string): Lockfile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw badLockfile(file, `not valid JSON: ${(error as Error).message}`);
  }
  if (!isSchemaObject(data) || data.lockfileVersion !== LOCKFILE_VERSION || !isSchemaObject(data.events)) {
    throw badLockfile(file, `expected { "lockfileVersion": ${LOCKFILE_VERSION}, "app", "events": { ... } }`);
  }
  for (const [event, versions] of Object.entries(data.events)) {
    if (!isSchemaObject(versions)) throw badLockfile(file, `events["${event}"] is not an object of versions`);
    for (const [label, locked] of Object.entries(versions)) {
      if (!isSchemaObject(locked) || !isSchemaObject(locked.schema) || typeof locked.sha256 !== "string") {
        throw badLockfile(file, `events["${event}"]["${label}"] needs { "schema": {...}, "sha256": "..." }`);
      }
    }
  }
  return data as unknown as Lockfile;
}
