/**
 * generated/validators.js: ajv standalone code, one validator per event version (whole envelope),
 * plus a `validators` map by name and version; generated/validators.d.ts types it without ajv.
 *
 * The code is ajv's own (compiled with the shared set-up of ajv.ts). A property subschema repeated
 * at the same path across envelopes (the fields the versions of an event share, the envelope's
 * `name`, `id` and `ts`) is compiled once, on its own, and called as one `checkN` function
 * (shared-properties.ts): at 1,000 events that halves the compile. The code is then made smaller
 * by post-passes over ajv's deterministic output, each leaving verdicts and error objects exactly
 * as ajv's (test/codegen/error-sites.test.ts compares them with plain ajv on generated corpora):
 * - error-sites.ts: each failure site calls one shared error builder instead of writing its error
 *   object literal (half of ajv's bytes; ajv writes the call itself, see ajv-error-sites.ts, and the
 *   pass rewrites any literal left); schema literals kept only for those literals go; ajv's error
 *   counting and `valid` flags go from functions where they are constant (no anyOf, oneOf,
 *   propertyNames or $ref); what ajv's (switched off, quadratic) optimiser removed goes too.
 * - shared-blocks.ts: a property check still repeated across validators (subschemas that differ
 *   only in what ajv does not check, such as `description`) becomes one function all of them call.
 * - error-sites.ts `withShortFrame`: each validate function without the parameters and bookkeeping
 *   nothing reads, its own name written once (`$v`).
 * - error-sites.ts `withShortInstancePath`: the `instancePath` variable, passed to every check and
 *   error site, is renamed `$p` in the whole module (object keys stay).
 * Measured on the 1,000-event synthetic registry (1,985 validators): naive standalone 19 KB per
 * validator, these passes 3.1 KB; importing the module is parse-bound, so it follows the size.
 */

import type { Ajv2020 } from "ajv/dist/2020.js";
import { _Code, type Code, type Name } from "ajv/dist/compile/codegen/code.js";
import { type UsedScopeValues, UsedValueState, type ValueScopeName } from "ajv/dist/compile/codegen/scope.js";
import type { AnyValidateFunction, SourceCode } from "ajv/dist/types/index.js";
import { tsMorph } from "../lint/ts-morph.ts";
import type { EventDefinition, Registry } from "../registry/define.ts";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { compiledSchemaOf, createValidatorAjv } from "./ajv.ts";
import { GENERATED_HEADER } from "./client.ts";
import {
  compactErrorSites,
  FAIL_WITH_SOURCE,
  withoutDeadCode,
  withoutErrorCounting,
  withoutSourceUrl,
  withShortFrame,
  withShortInstancePath,
} from "./error-sites.ts";
import { type FunctionCode, propertyBlockBody, shareRepeatedBlocks } from "./shared-blocks.ts";
import { sharePropertyChecks } from "./shared-properties.ts";

/** A stable export name per event version: `billing_invoice_paid__1_0_0`. */
export function validatorExportName(name: string, version: string): string {
  return `${name}__${version}`.replace(/[^A-Za-z0-9_]/g, "_");
}

function exportNames(registries: readonly Registry[]): [name: string, version: string, exportName: string][] {
  return registries.flatMap((registry) =>
    registry.events.flatMap((event) =>
      event.versions.map((version): [string, string, string] => [
        event.name,
        version.v,
        validatorExportName(event.name, version.v),
      ]),
    ),
  );
}

/**
 * ajv standalone's module code for the given exports, written as ajv's `standaloneCode` does (same
 * scope declarations, same order) with three differences: property checks repeated across
 * envelopes are compiled once (shared-properties.ts), each validate function goes through
 * `compactErrorSites`, and schema literals no code refers to any more are not declared. Pieces are
 * joined once at the end: ajv's own version appends each export to one growing `Code` object, which
 * is quadratic and took about 3 s of a 1,000-event registry.
 */
function standaloneModule(ajv: Ajv2020, exports: readonly [exportName: string, schema: JsonSchemaObject][]): string {
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
    (wrapper, path) => {
      let source: SourceCode | undefined;
      try {
        source = ajv.compile(wrapper).source;
      } catch {
        return undefined; // a subschema only its envelope explains: compiled there, inline, as ever
      }
      if (!source) return undefined;
      const body = propertyBlockBody(compacted(source), source.validateName.str, path);
      if (body !== undefined) parts.push(scopeOf(source, body));
      return body;
    },
  );
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
  return withShortInstancePath(
    parts.map((part) => (typeof part === "number" ? withShortFrame(shared.functions[part] as string) : part)).join("") +
      shared.shared,
  );
}

/** The schema literals named in `code` (a name inside a string literal only keeps one too many). */
function referencedSchemas(schemas: ReadonlySet<ValueScopeName> | undefined, code: string): Set<ValueScopeName> {
  const named = new Set(code.match(/\bschema\d+\b/g));
  return new Set([...(schemas ?? [])].filter((name) => named.has(name.str)));
}

/** One entry of `eventVersions`: the version labels, or the one label alone of an event without versions. */
function eventVersionsEntry(event: EventDefinition): string {
  const versions = event.versions.map((version) => JSON.stringify(version.v));
  return `${JSON.stringify(event.name)}: ${event.versioned ? `[${versions.join(", ")}]` : versions.join("")},`;
}

export function renderValidators(registries: readonly Registry[]): { js: string; dts: string } {
  const { CodeBlockWriter, printStructure, StructureKind, VariableDeclarationKind } = tsMorph();
  const ajv = createValidatorAjv({ source: true });
  const names = exportNames(registries);
  const envelopes = registries.flatMap((registry) =>
    registry.events.flatMap((event) =>
      event.versions.map((version): [string, JsonSchemaObject] => [
        validatorExportName(event.name, version.v),
        compiledSchemaOf(version.envelopeSchema),
      ]),
    ),
  );
  for (const [exportName, schema] of envelopes) ajv.addSchema(schema, exportName);
  const code = standaloneModule(ajv, envelopes);

  const map = new CodeBlockWriter({ indentNumberOfSpaces: 2, useSingleQuote: false });
  map.write("export const validators = ").inlineBlock(() => {
    const byEvent = new Map<string, typeof names>();
    for (const entry of names) byEvent.set(entry[0], [...(byEvent.get(entry[0]) ?? []), entry]);
    for (const [name, versions] of byEvent) {
      map.write(`${JSON.stringify(name)}: `).inlineBlock(() => {
        for (const [, version, exportName] of versions) map.writeLine(`${JSON.stringify(version)}: ${exportName},`);
      });
      map.write(",").newLine();
    }
  });
  map.write(";").newLine();
  // The client's run-time table (generated/events.ts imports it): kept here, in code the compiler never
  // parses, rather than as 50 KB of literals in events.ts at 1,000 events.
  map.writeLine("/** Version labels per event, oldest first; an event without versions has its one label alone. */");
  map.write("export const eventVersions = ").inlineBlock(() => {
    for (const registry of registries) for (const event of registry.events) map.writeLine(eventVersionsEntry(event));
  });
  map.write(";").newLine();
  const js = `// ${GENERATED_HEADER}\n${code}\n${map.toString()}`;

  // printed straight from the structures, as the client is: no parse
  const dts = printStructure(
    {
      kind: StructureKind.SourceFile,
      leadingTrivia: `// ${GENERATED_HEADER}\n\n`,
      statements: [
        {
          kind: StructureKind.Interface,
          name: "ValidationError",
          isExported: true,
          docs: ["One ajv error: where in the envelope (JSON pointer) and what failed."],
          properties: [
            { name: "instancePath", type: "string" },
            { name: "schemaPath", type: "string" },
            { name: "keyword", type: "string" },
            { name: "params", type: "Record<string, unknown>" },
            { name: "message", type: "string", hasQuestionToken: true },
          ],
        },
        {
          kind: StructureKind.Interface,
          name: "EnvelopeValidator",
          isExported: true,
          docs: ["Validates a whole event `{ name, data, id?, ts?, v? }` of one version; errors explain a false."],
          callSignatures: [{ parameters: [{ name: "event", type: "unknown" }], returnType: "boolean" }],
          properties: [{ name: "errors", type: "ValidationError[] | null", hasQuestionToken: true }],
        },
        // one line per export, written directly: as structures, printing them took most of this file's time
        (writer) => {
          for (const [, , exportName] of names)
            writer.writeLine(`export declare const ${exportName}: EnvelopeValidator;`);
        },
        {
          kind: StructureKind.VariableStatement,
          hasDeclareKeyword: true,
          isExported: true,
          declarationKind: VariableDeclarationKind.Const,
          docs: ["Version labels per event, oldest first; an event without versions has its one label alone."],
          declarations: [
            { name: "eventVersions", type: "{ readonly [name: string]: readonly string[] | string | undefined }" },
          ],
        },
        {
          kind: StructureKind.VariableStatement,
          hasDeclareKeyword: true,
          isExported: true,
          declarationKind: VariableDeclarationKind.Const,
          docs: ["Validators by event name, then version label."],
          declarations: [
            {
              name: "validators",
              type: "{ readonly [name: string]: { readonly [version: string]: EnvelopeValidator } | undefined }",
            },
          ],
        },
      ],
    },
    { indentNumberOfSpaces: 2 },
  );
  return { js, dts };
}
