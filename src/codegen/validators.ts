/**
 * generated/validators.js: ajv standalone code, one validator per event version (whole envelope),
 * plus a `validators` map by name and version; generated/validators.d.ts types it without ajv.
 */
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
      event.versions.map((version): [string, string, string] => [event.name, version.v, validatorExportName(event.name, version.v)]),
    ),
  );
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
  const code = standalone.default(ajv, Object.fromEntries(names.map(([, , exportName]) => [exportName, exportName])));

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
          declarations: [{ name: "validators", type: "{ readonly [name: string]: { readonly [version: string]: EnvelopeValidator } | undefined }" }],
        },
      ],
    })
    .getFullText();
  return { js, dts };
}
