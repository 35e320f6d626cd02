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
