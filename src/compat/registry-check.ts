/**
 * `evreg check` for a whole registry: published versions (the lockfile) are immutable, labels only
 * move forward, and each version keeps its event's compatibility mode against the versions before
 * it. Versions are compared through the envelope schema the registry publishes. Writers are typed
 * (zod via the generated helpers), so they emit only declared properties: adding an optional field
 * to a `z.object` is safe both ways, while `z.strictObject` readers still reject unknown fields.
 */
import { type Issue, pointerKey } from "../errors.ts";
import type { CompatibilityMode, EventDefinition, Registry, VersionDefinition } from "../registry/define.ts";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { compareVersions, versionStyle } from "../registry/versions.ts";
import { jsonEqual } from "./canonical.ts";
import { type DiffOptions, diffSchemas } from "./diff.ts";
import type { ChangeKind, SchemaChange } from "./kinds.ts";
import { canonicalSchema, isIntact, type Lockfile } from "./lockfile.ts";
import { checkCompatibility } from "./verdict.ts";

export const REGISTRY_DIFF_OPTIONS: DiffOptions = { undeclaredProperties: "declared-only" };

const MAX_CHANGES_SHOWN = 8;

export interface RegistryCheckOptions {
  /**
   * Also warn, under modes that do not require readers on a version to read the one before it
   * (`NONE`, `FORWARD*`), about steps that break them and have no upcaster. Under the other modes
   * such a step is always a `compat/breaking-change` error.
   */
  upcasterWarnings?: boolean;
}

/**
 * All problems of the registry against its lockfile (none given: no lockfile yet). As in DESIGN.md
 * section 4 (and Confluent's registry), a mode is checked when a version is new: a published
 * version, unchanged, is not compared again with the published versions before it, which `evreg
 * lock` accepted together (editing the mode later does not re-judge them).
 */
export function checkRegistry(registry: Registry, lockfile?: Lockfile, options: RegistryCheckOptions = {}): Issue[] {
  const issues: Issue[] = [];
  const published = new Set<VersionDefinition>();
  if (lockfile) issues.push(...checkLockedVersions(registry, lockfile, published));
  for (const event of registry.events) {
    if (lockfile) issues.push(...checkLabelOrder(event, lockfile.events[event.name] ?? {}));
    issues.push(...checkEventModes(event, published));
    if (options.upcasterWarnings && !requiresBackward(event.compatibility))
      issues.push(...missingUpcasterWarnings(event));
  }
  return issues;
}

function requiresBackward(mode: CompatibilityMode): boolean {
  return mode.startsWith("BACKWARD") || mode.startsWith("FULL");
}

function requiresForward(mode: CompatibilityMode): boolean {
  return mode.startsWith("FORWARD") || mode.startsWith("FULL");
}

function sourceOf(event: EventDefinition): Pick<Issue, "file" | "line" | "column"> {
  return event.source ? { file: event.source.file, line: event.source.line, column: event.source.column } : {};
}

/**
 * Which versions read which, from the compat engine: `matrix[from][to]` is true when readers on
 * version `to` accept every event written with version `from` (indexes into `event.versions`).
 * Older to newer is the BACKWARD verdict of the pair, newer to older the FORWARD verdict.
 */
export function versionReadability(event: EventDefinition): boolean[][] {
  const schemas = event.versions.map((version) => comparableEnvelope(version));
  const matrix = schemas.map((_, from) => schemas.map((__, to) => from === to));
  for (let older = 0; older < schemas.length; older += 1) {
    for (let newer = older + 1; newer < schemas.length; newer += 1) {
      const changes = diffSchemas(schemas[older], schemas[newer], REGISTRY_DIFF_OPTIONS);
      (matrix[older] as boolean[])[newer] = changes.every((found) => found.backward);
      (matrix[newer] as boolean[])[older] = changes.every((found) => found.forward);
    }
  }
  return matrix;
}

/**
 * Whether events of version index `from` reach readers on the later `to` through the declared
 * upcasters: every step on the way has an upcaster or keeps its predecessor readable.
 */
export function hasUpcastPath(event: EventDefinition, readable: boolean[][], from: number, to: number): boolean {
  for (let step = from + 1; step <= to; step += 1) {
    const label = event.versions[step]?.v ?? "";
    if (!event.upcast?.[label] && !readable[step - 1]?.[step]) return false;
  }
  return from < to;
}

function upcasterHint(event: EventDefinition, label: string): string {
  const index = event.versions.findIndex((version) => version.v === label);
  const previous = event.versions[index - 1]?.v ?? "the version before";
  return `declare upcast: { "${label}": (old) => ({ ...old /* ${previous} data made ${label} data */ }) } in defineEvent`;
}

function missingUpcasterWarnings(event: EventDefinition): Issue[] {
  const issues: Issue[] = [];
  const schemas = event.versions.map((version) => comparableEnvelope(version));
  for (let index = 1; index < schemas.length; index += 1) {
    const label = event.versions[index]?.v ?? "";
    const previous = event.versions[index - 1]?.v ?? "";
    if (event.upcast?.[label]) continue;
    const breaking = diffSchemas(schemas[index - 1], schemas[index], REGISTRY_DIFF_OPTIONS).filter(
      (found) => !found.backward,
    );
    if (breaking.length === 0) continue;
    issues.push({
      rule: "compat/missing-upcaster",
      severity: "warning",
      event: event.name,
      ...sourceOf(event),
      ...(breaking[0] ? { path: breaking[0].path } : {}),
      message: `handlers on ${label} cannot read events written with ${previous} (${describeChanges(breaking)}) and there is no upcaster, so the runtime fails them with VersionMismatchError; ${event.compatibility} does not require it`,
      fix: upcasterHint(event, label),
    });
  }
  return issues;
}

/** Problems of the published versions; each one unchanged is added to `unchanged`. */
function checkLockedVersions(registry: Registry, lockfile: Lockfile, unchanged: Set<VersionDefinition>): Issue[] {
  const issues: Issue[] = [];
  for (const [name, versions] of Object.entries(lockfile.events)) {
    const event = registry.get(name);
    for (const [label, locked] of Object.entries(versions)) {
      // read when an issue is reported: an event's source is found by formatting a stack
      const where = () => ({ event: name, ...(event ? sourceOf(event) : {}) });
      if (!isIntact(locked)) {
        issues.push({
          rule: "compat/lockfile",
          severity: "error",
          ...where(),
          message: `the lockfile entry of ${name} ${label} was edited: its sha256 does not match its schema`,
          fix: "restore schemas/evreg.lock.json from version control; only `evreg lock` writes it",
        });
        continue;
      }
      const version = event?.versions.find((candidate) => candidate.v === label);
      if (!version) {
        issues.push({
          rule: "compat/version-vanished",
          severity: "error",
          ...where(),
          message: event
            ? `version ${label} of ${name} is published (in evreg.lock.json) but no longer declared; events already sent with it would have no schema`
            : `event ${name} is published (in evreg.lock.json, version ${label}) but no longer declared`,
          fix: event
            ? `restore version ${label}; published versions are immutable`
            : `restore the event; to retire it keep it with deprecated: { since, reason, replacedBy }`,
        });
        continue;
      }
      const current = canonicalEnvelope(version);
      if (jsonEqual(current, locked.schema)) {
        unchanged.add(version);
        continue;
      }
      // the locked schema made canonical again: a lock written while annotations were still kept
      // in it matches the same version without them
      const published = canonicalSchema(locked.schema);
      if (jsonEqual(current, published)) {
        unchanged.add(version);
        continue;
      }
      const changes = diffSchemas(published, current, REGISTRY_DIFF_OPTIONS);
      issues.push({
        rule: "compat/version-changed",
        severity: "error",
        ...where(),
        ...(changes[0] ? { path: changes[0].path } : {}),
        message: `published version ${label} of ${name} was edited: ${describeChanges(changes)}`,
        fix: `revert the edit to ${label}; published versions are immutable, so declare the change as a new version after it`,
      });
    }
  }
  return issues;
}

function describeChanges(changes: readonly SchemaChange[]): string {
  if (changes.length === 0) return "the schema text differs (no change in what it accepts)";
  const shown = changes.slice(0, MAX_CHANGES_SHOWN).map((found) => `${found.kind} at ${found.path} (${found.message})`);
  const more = changes.length > MAX_CHANGES_SHOWN ? `; and ${changes.length - MAX_CHANGES_SHOWN} more` : "";
  return `${shown.join("; ")}${more}`;
}

function checkLabelOrder(event: EventDefinition, locked: Record<string, unknown>): Issue[] {
  const published = Object.keys(locked).filter((label) => versionStyle(label) === event.style);
  if (published.length === 0) return [];
  const newest = published.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  return event.versions
    .filter((version) => !(version.v in locked))
    .filter((version) => versionStyle(version.v) !== event.style || compareVersions(version.v, newest) <= 0)
    .map((version) => ({
      rule: "compat/version-order",
      severity: "error" as const,
      event: event.name,
      ...sourceOf(event),
      message: `new version ${version.v} of ${event.name} does not come after the published ${newest}; labels must only move forward`,
      fix: `label it after ${newest} (and in the same style)`,
    }));
}

const canonicalEnvelopes = new WeakMap<VersionDefinition, JsonSchemaObject>();

/** A version's envelope made canonical, once: comparing it with its lock and the mode checks both read it. */
function canonicalEnvelope(version: VersionDefinition): JsonSchemaObject {
  let canonical = canonicalEnvelopes.get(version);
  if (canonical === undefined) {
    canonical = canonicalSchema(version.envelopeSchema) as JsonSchemaObject;
    canonicalEnvelopes.set(version, canonical);
  }
  return canonical;
}

/**
 * The envelope as the compat check compares it: `v` pins each version's own label and the runtime
 * routes on it, so it is not data a reader of another version validates.
 */
function comparableEnvelope(version: VersionDefinition): JsonSchemaObject {
  const canonical = canonicalEnvelope(version);
  const { v: _v, ...properties } = (canonical.properties ?? {}) as Record<string, unknown>;
  return { ...canonical, properties };
}

/**
 * Each version against the earlier ones its mode compares. A change only readers on the newer
 * version would reject is covered when upcasters lead there from the earlier version: the runtime
 * upcasts those events before such readers see them.
 */
function checkEventModes(event: EventDefinition, published: ReadonlySet<VersionDefinition>): Issue[] {
  const issues: Issue[] = [];
  const mode = event.compatibility;
  // the versions before it are all published unchanged: none of them is compared again
  const firstNew = event.versions.findIndex((version) => !published.has(version));
  if (firstNew === -1) return [];
  const schemas = event.versions.map((version) => comparableEnvelope(version));
  const readable = Object.keys(event.upcast ?? {}).length > 0 ? versionReadability(event) : undefined;
  for (let index = Math.max(1, firstNew); index < schemas.length; index += 1) {
    const result = checkCompatibility(schemas[index], schemas.slice(0, index), mode, REGISTRY_DIFF_OPTIONS);
    const label = event.versions[index]?.v ?? "";
    for (const verdict of result.verdicts) {
      const earlier = event.versions[verdict.against]?.v ?? "";
      const upcast = readable !== undefined && hasUpcastPath(event, readable, verdict.against, index);
      for (const found of verdict.changes.filter((candidate) => !candidate.compatible)) {
        const forwardBreaks = !found.forward && requiresForward(mode);
        if (upcast && !forwardBreaks) continue;
        issues.push(breakingChangeIssue(event, label, earlier, mode, found, upcast));
      }
    }
  }
  return issues;
}

function breakingChangeIssue(
  event: EventDefinition,
  label: string,
  earlier: string,
  mode: CompatibilityMode,
  found: SchemaChange,
  upcast: boolean,
): Issue {
  const dataPath = dataPathOf(found.path);
  const backwardBreaks = !found.backward && !upcast;
  const who = [
    backwardBreaks ? `readers on ${label} reject events written with ${earlier}` : "",
    !found.forward ? `readers still on ${earlier} reject events written with ${label}` : "",
  ]
    .filter(Boolean)
    .join("; ");
  const fix = fixFor(found.kind, event.name, found);
  return {
    rule: "compat/breaking-change",
    severity: "error",
    event: event.name,
    ...sourceOf(event),
    path: found.path,
    message: `version ${label} breaks ${mode} compatibility with ${earlier}: ${found.kind}${dataPath ? ` at ${dataPath}` : ""} (${found.message}); ${who}`,
    fix: backwardBreaks ? `${fix}; or ${upcasterHint(event, label)}` : fix,
  };
}

/** The data location a schema pointer talks about: `/properties/data/properties/items/items` -> `data.items[]`. */
export function dataPathOf(pointer: string): string {
  const segments = pointer.split("/").slice(1).map(pointerKey);
  let path = "";
  for (let index = 0; index < segments.length; index += 1) {
    const segment = segments[index];
    const next = segments[index + 1];
    if ((segment === "properties" || segment === "required" || segment === "dependentRequired") && next !== undefined) {
      path += path ? `.${next}` : next;
      index += 1;
    } else if ((segment === "prefixItems" || segment === "items") && next !== undefined && /^\d+$/.test(next)) {
      path += `[${next}]`;
      index += 1;
    } else if (segment === "items" || segment === "additionalItems") path += "[]";
  }
  return path;
}

function fixFor(kind: ChangeKind, name: string, found: SchemaChange): string {
  const newName = `publish a new event name for a breaking change (e.g. "${name}.v2") and move producers to it`;
  switch (kind) {
    case "REQUIRED_PROPERTY_ADDED":
      return `make it optional (.optional()) or add a default (.default(...)) so events written without it stay valid, or ${newName}`;
    case "REQUIRED_PROPERTY_REMOVED":
      return `keep it required (older readers need it), or ${newName}`;
    case "PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL":
      return `readers of the older version use z.strictObject and reject unknown fields: declare data with z.object (open), or ${newName}`;
    case "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL":
      return `keep the field (a z.strictObject reader rejects it once it is gone), or ${newName}`;
    case "ENUM_ARRAY_EXTENDED":
    case "TYPE_EXTENDED":
      return found.backward
        ? `older readers reject the new values: if every consumer upgrades before producers, set compatibility: "BACKWARD"; otherwise ${newName}`
        : newName;
    default:
      return `revert the change, or ${newName}`;
  }
}
