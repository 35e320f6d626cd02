/** evreg's public entry: every export by name. */

export type { Issue, Severity } from "./errors.ts";
export { CompatibilityError, EventValidationError, EvregError, formatIssue, RegistryError } from "./errors.ts";
export type {
  CompatibilityMode,
  Deprecation,
  EventDefinition,
  EventInput,
  Registry,
  SourceLocation,
  VersionDefinition,
  VersionInput,
} from "./registry/define.ts";
export {
  COMPATIBILITY_MODES,
  defineEvent,
  defineRegistry,
  fillIdTemplate,
  IMPLICIT_VERSION,
  idTemplateFields,
} from "./registry/define.ts";
export type { JsonSchema, JsonSchemaObject } from "./registry/json-schema.ts";
export { loadRegistry } from "./registry/load.ts";
export { systemRegistry } from "./registry/system.ts";
export type { VersionStyle } from "./registry/versions.ts";
export { compareVersions, versionStyle } from "./registry/versions.ts";
export { diffSchemas } from "./compat/diff.ts";
export type { DiffOptions } from "./compat/diff.ts";
export { CHANGE_KINDS } from "./compat/kinds.ts";
export type { ChangeKind, SchemaChange } from "./compat/kinds.ts";
export { checkCompatibility } from "./compat/verdict.ts";
export type { CompatibilityResult } from "./compat/verdict.ts";
export { checkRegistry } from "./compat/registry-check.ts";
export { buildLockfile, parseLockfile, serializeLockfile } from "./compat/lockfile.ts";
export type { Lockfile } from "./compat/lockfile.ts";
