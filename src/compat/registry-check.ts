/**
 * `evreg check` for a whole registry: published versions (the lockfile) are immutable, labels only
 * move forward, and each version keeps its event's compatibility mode against the versions before
 * it. Versions are compared through the envelope schema the registry publishes. Writers are typed
 * (zod via the generated helpers), so they emit only declared properties: adding an optional field
 * to a `z.object` is safe both ways, while `z.strictObject` readers still reject unknown fields.
 */
import type { Issue } from "../errors.ts";
import type { CompatibilityMode, EventDefinition, Registry } from "../registry/define.ts";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { compareVersions, versionStyle } from "../registry/versions.ts";
import { sha256OfJson } from "./canonical.ts";
import { type DiffOptions, diffSchemas } from "./diff.ts";
import type { ChangeKind, SchemaChange } from "./kinds.ts";
import { canonicalSchema, type Lockfile, lockVersion } from "./lockfile.ts";
import { checkCompatibility } from "./verdict.ts";

export const REGISTRY_DIFF_OPTIONS: DiffOptions = { undeclaredProperties: "declared-only" };

const MAX_CHANGES_SHOWN = 8;

/** All problems of the registry against its lockfile (none given: no lockfile yet). */
export function checkRegistry(registry: Registry, lockfile?: Lockfile): Issue[] {
  const issues: Issue[] = [];
  if (lockfile) issues.push(...checkLockedVersions(registry, lockfile));
  for (const event of registry.events) {
    if (lockfile) issues.push(...checkLabelOrder(event, lockfile.events[event.name] ?? {}));
    issues.push(...checkEventModes(event));
  }
  return issues;
}

function checkLockedVersions(registry: Registry, lockfile: Lockfile): Issue[] {
  const issues: Issue[] = [];
  for (const [name, versions] of Object.entries(lockfile.events)) {
    const event = registry.get(name);
    for (const [label, locked] of Object.entries(versions)) {
      const where = { event: name, ...(event?.source ? { file: event.source.file, line: event.source.line, column: event.source.column } : {}) };
      if (sha256OfJson(locked.schema) !== locked.sha256) {
        issues.push({
          rule: "compat/lockfile",
          severity: "error",
          ...where,
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
          ...where,
          message: event
            ? `version ${label} of ${name} is published (in evreg.lock.json) but no longer declared; events already sent with it would have no schema`
            : `event ${name} is published (in evreg.lock.json, version ${label}) but no longer declared`,
          fix: event
            ? `restore version ${label}; published versions are immutable`
            : `restore the event; to retire it keep it with deprecated: { since, reason, replacedBy }`,
        });
        continue;
      }
      const current = lockVersion(version.envelopeSchema);
      if (current.sha256 === locked.sha256) continue;
      const changes = diffSchemas(locked.schema, current.schema, REGISTRY_DIFF_OPTIONS);
      issues.push({
        rule: "compat/version-changed",
        severity: "error",
        ...where,
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
      ...(event.source ? { file: event.source.file, line: event.source.line, column: event.source.column } : {}),
      message: `new version ${version.v} of ${event.name} does not come after the published ${newest}; labels must only move forward`,
      fix: `label it after ${newest} (and in the same style)`,
    }));
}

/**
 * The envelope as the compat check compares it: `v` pins each version's own label and the runtime
 * routes on it, so it is not data a reader of another version validates.
 */
function comparableEnvelope(schema: JsonSchemaObject): JsonSchemaObject {
  const canonical = canonicalSchema(schema) as JsonSchemaObject;
  const { v: _v, ...properties } = (canonical.properties ?? {}) as Record<string, unknown>;
  return { ...canonical, properties };
}

function checkEventModes(event: EventDefinition): Issue[] {
  const issues: Issue[] = [];
  const schemas = event.versions.map((version) => comparableEnvelope(version.envelopeSchema));
  for (let index = 1; index < schemas.length; index += 1) {
    const result = checkCompatibility(schemas[index], schemas.slice(0, index), event.compatibility, REGISTRY_DIFF_OPTIONS);
    const label = event.versions[index]?.v ?? "";
    for (const verdict of result.verdicts) {
      const earlier = event.versions[verdict.against]?.v ?? "";
      for (const found of verdict.changes.filter((candidate) => !candidate.compatible)) {
        issues.push(breakingChangeIssue(event, label, earlier, event.compatibility, found));
      }
    }
  }
  return issues;
}

function breakingChangeIssue(event: EventDefinition, label: string, earlier: string, mode: CompatibilityMode, found: SchemaChange): Issue {
  const dataPath = dataPathOf(found.path);
  const who = [
    !found.backward ? `readers on ${label} reject events written with ${earlier}` : "",
    !found.forward ? `readers still on ${earlier} reject events written with ${label}` : "",
  ].filter(Boolean).join("; ");
  return {
    rule: "compat/breaking-change",
    severity: "error",
    event: event.name,
    ...(event.source ? { file: event.source.file, line: event.source.line, column: event.source.column } : {}),
    path: found.path,
    message: `version ${label} breaks ${mode} compatibility with ${earlier}: ${found.kind}${dataPath ? ` at ${dataPath}` : ""} (${found.message}); ${who}`,
    fix: fixFor(found.kind, event.name, found),
  };
}

/** The data location a schema pointer talks about: `/properties/data/properties/items/items` -> `data.items[]`. */
export function dataPathOf(pointer: string): string {
  const segments = pointer.split("/").slice(1).map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
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
