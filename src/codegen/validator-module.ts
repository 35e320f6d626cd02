/**
 * The validators' code in generated/validators.js (see validators.ts for what it is made of): what a
 * compiler thread imports, alone, to compile it off the main thread.
 */
import type { Ajv2020 } from "ajv/dist/2020.js";
import { _Code, type Code, type Name } from "ajv/dist/compile/codegen/code.js";
import { type UsedScopeValues, UsedValueState, type ValueScopeName } from "ajv/dist/compile/codegen/scope.js";
import type { AnyValidateFunction, SourceCode } from "ajv/dist/types/index.js";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { compiledSchemaOf, createValidatorAjv } from "./ajv.ts";
import {
  compactErrorSites,
  FAIL_WITH_SOURCE,
  withoutDeadCode,
  withoutErrorCounting,
  withoutSourceUrl,
  withShortFrame,
  withShortInstancePath,
} from "./error-sites.ts";
import { type FunctionCode, propertyBlockBodies, shareRepeatedBlocks } from "./shared-blocks.ts";
import { sharePropertyChecks } from "./shared-properties.ts";

/** One validator of the module: its export name and the envelope schema it checks (as published). */
export type ValidatorEntry = [exportName: string, schema: JsonSchemaObject];

/** The code of generated/validators.js's validators, without the lookup tables validators.ts adds. */
export function validatorsCode(entries: readonly ValidatorEntry[]): string {
  const ajv = createValidatorAjv({ source: true });
  const compiled = entries.map(([exportName, schema]): ValidatorEntry => [exportName, compiledSchemaOf(schema)]);
  return withShortInstancePath(standaloneModule(ajv, compiled));
}

/**
 * ajv standalone's module code for the given exports, written as ajv's `standaloneCode` does (same
 * scope declarations, same order) with three differences: property checks repeated across
 * envelopes are compiled once (shared-properties.ts), each validate function goes through
 * `compactErrorSites`, and schema literals no code refers to any more are not declared. Pieces are
 * joined once at the end: ajv's own version appends each export to one growing `Code` object, which
 * is quadratic and took about 3 s of a 1,000-event registry.
 */
function standaloneModule(ajv: Ajv2020, exports: readonly ValidatorEntry[]): string {
  const used: UsedScopeValues = {};
  /** Module text, with the index into `functions` where an exported validate function goes. */
  const parts: (string | number)[] = ['"use strict";', FAIL_WITH_SOURCE];
  const functions: FunctionCode[] = [];
  const compacted = (source: SourceCode): string => {
    const schemas = new Map([...(source.scopeValues.schema ?? [])].map((name) => [name.str, name.value?.ref]));
    return withoutDeadCode(
      withoutErrorCounting(compactErrorSites(withoutSourceUrl(source.validateCode), (name) => schemas.get(name))),
    );
  };
  /** The declarations of the module-level values `code` (from `source`) uses that are not declared yet. */
  const scopeOf = (source: SourceCode, code: string): string => {
    const values = { ...source.scopeValues, schema: referencedSchemas(source.scopeValues.schema, code) };
    return ajv.scope.scopeCode(values, used, referencedCode).toString();
  };
  const functionParts = (source: SourceCode | undefined): { scope: string; code: string } => {
    if (!source) throw new Error("evreg: ajv compiled a validator without source code");
    used.validate ??= new Map();
    const names = used.validate;
    if (names.get(source.validateName) === UsedValueState.Completed) return { scope: "", code: "" };
    names.set(source.validateName, UsedValueState.Started);
    const code = compacted(source);
    return { scope: scopeOf(source, code), code };
  };
  const referencedCode = (name: ValueScopeName): Code | undefined => {
    const ref = name.value?.ref;
    const inline = (source: SourceCode | undefined) => {
      const { scope, code } = functionParts(source);
      return `${scope}${code}`;
    };
    if (name.prefix === "validate" && typeof ref === "function")
      return new _Code(inline((ref as AnyValidateFunction).source));
    if ((name.prefix === "root" || name.prefix === "wrapper") && typeof ref === "object" && ref !== null) {
      const { validate, validateName } = ref as { validate?: AnyValidateFunction; validateName?: Name };
      if (!validateName) throw new Error("evreg: ajv wrapper without a validate function");
      const wrapper = `const ${name.str} = {validate: ${validateName.str}};`;
      if (used.validate?.get(validateName as ValueScopeName) === UsedValueState.Started) return new _Code(wrapper);
      return new _Code(`${wrapper}${inline(validate?.source)}`);
    }
    return undefined;
  };
  const known = sharePropertyChecks(
    ajv,
    exports.map(([, schema]) => schema),
    (wrapper, paths) => {
      let source: SourceCode | undefined;
      try {
        source = ajv.compile(wrapper).source;
      } catch {
        // a subschema only its envelope explains: compiled there, inline, as ever
      }
      if (!source) return paths.map(() => undefined);
      const found = propertyBlockBodies(compacted(source), source.validateName.str, paths);
      for (const body of found) if (body !== undefined) parts.push(scopeOf(source, body));
      return found;
    },
  );
  // added once planned: the properties the shared checks stand for are `true` by then (see there)
  for (const [exportName, schema] of exports) ajv.addSchema(schema, exportName);
  for (const [exportName] of exports) {
    const validate = ajv.getSchema(exportName);
    if (!validate?.source) throw new Error(`evreg: no compiled validator for ${exportName}`);
    const name = validate.source.validateName.str;
    parts.push(`export const ${exportName} = ${name};`);
    const { scope, code } = functionParts(validate.source);
    parts.push(scope);
    if (code !== "") parts.push(functions.push({ name, code }) - 1);
  }
  const shared = shareRepeatedBlocks(functions, known);
  return (
    parts.map((part) => (typeof part === "number" ? withShortFrame(shared.functions[part] as string) : part)).join("") +
    shared.shared
  );
}

/** The schema literals named in `code` (a name inside a string literal only keeps one too many). */
function referencedSchemas(schemas: ReadonlySet<ValueScopeName> | undefined, code: string): Set<ValueScopeName> {
  const named = new Set(code.match(/\bschema\d+\b/g));
  return new Set([...(schemas ?? [])].filter((name) => named.has(name.str)));
}
