/** evreg's public entry: every export by name. */

export type { EvregConfig, StoreSetting } from "./cli/config.ts";
export { defineConfig } from "./cli/config.ts";
export { renderAsyncApi } from "./codegen/asyncapi.ts";
export { exampleEnvelope } from "./codegen/catalog/example.ts";
export type { FieldChange, VersionDiff } from "./codegen/catalog/field-diff.ts";
export { diffVersions } from "./codegen/catalog/field-diff.ts";
export type { CatalogLinks } from "./codegen/catalog/links.ts";
export type { CatalogOptions } from "./codegen/catalog/render.ts";
export { renderCatalog } from "./codegen/catalog/render.ts";
export type { DiffOptions } from "./compat/diff.ts";
export { diffSchemas } from "./compat/diff.ts";
export type { ChangeKind, SchemaChange } from "./compat/kinds.ts";
export { CHANGE_KINDS } from "./compat/kinds.ts";
export type { Lockfile } from "./compat/lockfile.ts";
export { buildLockfile, parseLockfile, serializeLockfile } from "./compat/lockfile.ts";
export type { RegistryCheckOptions } from "./compat/registry-check.ts";
export { checkRegistry } from "./compat/registry-check.ts";
export type { CompatibilityResult } from "./compat/verdict.ts";
export { checkCompatibility } from "./compat/verdict.ts";
export type { Issue, Severity } from "./errors.ts";
export { CompatibilityError, EventValidationError, EvregError, formatIssue, RegistryError } from "./errors.ts";
export type { CelScope } from "./lint/cel.ts";
export { checkCelExpression } from "./lint/cel.ts";
export type { LintConfig } from "./lint/config.ts";
export { LINT_RULES, LintConfigError, parseLintConfig } from "./lint/config.ts";
export { LintInputError } from "./lint/files.ts";
export type { LintResult } from "./lint/lint.ts";
export { lintProject, lintRegistry } from "./lint/lint.ts";
export { formatGithub, formatJson, formatPretty } from "./lint/reporters.ts";
export type { EventReference, ScanResult } from "./lint/scan.ts";
export { scanProject } from "./lint/scan.ts";
export type { NameContext } from "./naming/event-name.ts";
export { checkEventName, NAME_RULES } from "./naming/event-name.ts";
export { checkIdTemplate, checkIdTemplates } from "./naming/id-template.ts";
export { isPastTense, toPastTense } from "./naming/past-tense.ts";
export type {
  CompatibilityMode,
  Deprecation,
  EventDefinition,
  EventInput,
  Registry,
  SourceLocation,
  Upcaster,
  Upcasters,
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
