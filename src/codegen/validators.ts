/**
 * generated/validators.js: ajv standalone code, one validator per event version (whole envelope),
 * plus a `validators` map by name and version; generated/validators.d.ts types it without ajv.
 */

import type { Ajv2020 } from "ajv/dist/2020.js";
import standalone from "ajv/dist/standalone/index.js";
import { CodeBlockWriter, IndentationText, Project, QuoteKind, StructureKind, VariableDeclarationKind } from "ts-morph";
import type { Registry } from "../registry/define.ts";
import { compiledSchemaOf, createValidatorAjv } from "./ajv.ts";
import { GENERATED_HEADER } from "./client.ts";

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
 * ajv standalone declares each compiled schema as a `const schemaN = {...}` literal, used only
 * when a keyword needs the schema at run time (none of zod's do). Such literals are about a
 * ninth of the file; this maps each declaration's name to its exact text so unused ones can go.
 */
function schemaLiterals(ajv: Ajv2020, ids: readonly string[]): Map<string, string> {
  const literals = new Map<string, string>();
  for (const id of ids) {
    for (const name of ajv.getSchema(id)?.source?.scopeValues.schema ?? []) {
      if (name.value?.code !== undefined) literals.set(name.str, `const ${name.str} = ${String(name.value.code)};`);
    }
  }
  return literals;
}

/** Removes the declarations whose name appears nowhere else; the code is otherwise untouched. */
function withoutUnusedSchemaLiterals(code: string, literals: ReadonlyMap<string, string>): string {
  const uses = new Map<string, number>();
  for (const [name] of code.matchAll(/\bschema\d+\b/g)) uses.set(name, (uses.get(name) ?? 0) + 1);
  let kept = "";
  let from = 0;
  for (const match of code.matchAll(/const (schema\d+) = /g)) {
    const name = match[1] as string;
    const declaration = literals.get(name);
    if (uses.get(name) !== 1 || declaration === undefined || !code.startsWith(declaration, match.index)) continue;
    kept += code.slice(from, match.index);
    from = match.index + declaration.length;
  }
  return kept + code.slice(from);
}

export function renderValidators(registries: readonly Registry[]): { js: string; dts: string } {
  const ajv = createValidatorAjv({ source: true });
  const names = exportNames(registries);
  for (const registry of registries) {
    for (const event of registry.events) {
      for (const version of event.versions) {
        ajv.addSchema(compiledSchemaOf(version.envelopeSchema), validatorExportName(event.name, version.v));
      }
    }
  }
  const code = withoutUnusedSchemaLiterals(
    standalone.default(ajv, Object.fromEntries(names.map(([, , exportName]) => [exportName, exportName]))),
    schemaLiterals(
      ajv,
      names.map(([, , exportName]) => exportName),
    ),
  );

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
  const js = `// ${GENERATED_HEADER}\n${code}\n${map.toString()}`;

  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double },
  });
  const dts = project
    .createSourceFile("validators.d.ts", {
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
        ...names.map(([, , exportName]) => ({
          kind: StructureKind.VariableStatement as const,
          hasDeclareKeyword: true,
          isExported: true,
          declarationKind: VariableDeclarationKind.Const,
          declarations: [{ name: exportName, type: "EnvelopeValidator" }],
        })),
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
    })
    .getFullText();
  return { js, dts };
}
