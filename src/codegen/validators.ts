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
 *
 * The code is compiled by validator-module.ts, which a worker thread imports alone: `evreg
 * generate` starts that thread as the registry loads (`startCompilerThread`), and compiles there
 * (`startValidators`) while its main thread plans the catalog, the JSON Schemas and the client.
 */

import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { tsMorph } from "../lint/ts-morph.ts";
import type { EventDefinition, Registry } from "../registry/define.ts";
import { GENERATED_HEADER } from "./client.ts";
import { type ValidatorEntry, validatorsCode } from "./validator-module.ts";

/** A stable export name per event version: `billing_invoice_paid__1_0_0` (`_3ds_…` for `3ds/…`). */
export function validatorExportName(name: string, version: string): string {
  const exportName = `${name}__${version}`.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(exportName) ? `_${exportName}` : exportName;
}

/** Each validator of `registries`, in order: the event and version it checks, its export name and schema. */
function validatorsOf(registries: readonly Registry[]) {
  return registries.flatMap((registry) =>
    registry.events.flatMap((event) =>
      event.versions.map((version) => ({
        name: event.name,
        version: version.v,
        exportName: validatorExportName(event.name, version.v),
        schema: version.envelopeSchema,
      })),
    ),
  );
}

/** What the validators' code is compiled from: each export name and envelope schema. */
function validatorEntries(registries: readonly Registry[]): ValidatorEntry[] {
  return validatorsOf(registries).map(({ exportName, schema }) => [exportName, schema]);
}

/**
 * A compiler thread's source. It imports validator-module.ts (or .js, in dist/) alone as soon as it
 * starts, through jiti when it is TypeScript (a checkout, the tests). Sent the validators (as JSON)
 * and a shared flag, it compiles them if it is the first to claim the flag (`Atomics.exchange`), and
 * answers the code, `null` when the calling thread claimed them first, or the failure (its message
 * and stack); then it ends.
 */
const COMPILER_THREAD_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { module, jiti } = workerData;
const loaded = jiti ? require(jiti).createJiti(module).import(module) : import(module);
loaded.catch(() => {});
parentPort.once("message", async ({ entries, claimed }) => {
  try {
    const { validatorsCode } = await loaded;
    const mine = Atomics.exchange(new Int32Array(claimed), 0, 1) === 0;
    parentPort.postMessage({ code: mine ? validatorsCode(JSON.parse(entries)) : null });
  } catch (error) {
    parentPort.postMessage({ failure: error instanceof Error ? { message: error.message, stack: error.stack } : { message: String(error) } });
  }
  parentPort.close();
});
`;

/** A worker thread that compiles the validators' code for `startValidators`. */
export interface CompilerThread {
  /**
   * Compiles `entries` unless the calling thread claims them first (`claimed`, see
   * `startValidators`): the code, or undefined when it was not the one to compile them.
   */
  compile(entries: readonly ValidatorEntry[], claimed: Int32Array): Promise<string | undefined>;
  /** Ends the thread, whether it compiled anything or not. */
  stop(): void;
}

/**
 * Starts a thread that loads the compiler (ajv, zod's formats) at once: started before the
 * registry loads, it is ready to compile when the registry is. Idle, it never keeps the process
 * alive, so a command failing before it compiles still ends.
 */
export function startCompilerThread(): CompilerThread {
  const typescript = import.meta.url.endsWith(".ts");
  const module = new URL(`./validator-module.${typescript ? "ts" : "js"}`, import.meta.url);
  const worker = new Worker(COMPILER_THREAD_SOURCE, {
    eval: true,
    workerData: typescript
      ? { module: fileURLToPath(module), jiti: createRequire(import.meta.url).resolve("jiti") }
      : { module: module.href },
  });
  worker.unref();
  const stop = () => void worker.terminate();
  return {
    compile(entries, claimed) {
      worker.ref();
      // as JSON: V8's structured clone took twice as long to read back at 1,000 events (about 0.25 s)
      worker.postMessage({ entries: JSON.stringify(entries), claimed: claimed.buffer });
      const code = new Promise<string | undefined>((resolve, reject) => {
        worker.once("message", (answer: { code?: string | null; failure?: { message: string; stack?: string } }) => {
          // the thread's error as this thread's would be: its message, and its stack for --debug
          if (answer.failure) reject(Object.assign(new Error(answer.failure.message), { stack: answer.failure.stack }));
          else resolve(answer.code ?? undefined);
        });
        worker.once("error", reject);
        worker.once("exit", () => reject(new Error("evreg: the thread compiling the validators stopped early")));
      }).finally(stop);
      // a failure is reported by `finish`; until then, an unawaited rejection must not end the process
      code.catch(() => {});
      return code;
    },
    stop,
  };
}

/** What `startValidators` started. */
export interface ValidatorsJob {
  /** The validators' module and declarations, once compiled here or on the thread. */
  finish(): Promise<{ js: string; dts: string }>;
}

/**
 * Starts compiling generated/validators.js on `thread` (`startCompilerThread`), if given: ajv's
 * compile is most of `evreg generate`'s time at 1,000 events, and this thread meanwhile plans the
 * rest of the output. `finish` compiles the validators here instead when the thread has not
 * started on them yet (a small registry, loaded before the thread has loaded ajv): whichever
 * thread claims them first compiles them. The bytes are those of `renderValidators`. The thread
 * stays its starter's to stop, should planning fail before `finish`.
 */
export function startValidators(registries: readonly Registry[], thread?: CompilerThread): ValidatorsJob {
  const entries = validatorEntries(registries);
  const claimed = new Int32Array(new SharedArrayBuffer(4));
  const compiled = thread?.compile(entries, claimed);
  return {
    async finish() {
      if (Atomics.exchange(claimed, 0, 1) === 0) {
        // the thread has not started on them (it may still be loading ajv): it is not needed
        thread?.stop();
        return renderModule(moduleParts(registries), validatorsCode(entries));
      }
      // the tables and declarations need no compiled code: made while the thread compiles
      const parts = moduleParts(registries);
      const code = await compiled;
      // the thread answers no code only when this thread claimed the validators first
      if (code === undefined) throw new Error("evreg: the validators were claimed but not compiled");
      return renderModule(parts, code);
    },
  };
}

/** generated/validators.js and .d.ts, compiled on this thread. */
export function renderValidators(registries: readonly Registry[]): { js: string; dts: string } {
  return renderModule(moduleParts(registries), validatorsCode(validatorEntries(registries)));
}

/** One entry of `eventVersions`: the version labels, or the one label alone of an event without versions. */
function eventVersionsEntry(event: EventDefinition): string {
  const versions = event.versions.map((version) => JSON.stringify(version.v));
  return `${JSON.stringify(event.name)}: ${event.versioned ? `[${versions.join(", ")}]` : versions.join("")},`;
}

/** The module of the validators' `code`, with the tables of `parts` after it; and its declarations. */
function renderModule(parts: ModuleParts, code: string): { js: string; dts: string } {
  return { js: `// ${GENERATED_HEADER}\n${code}\n${parts.tables}`, dts: parts.dts };
}

/** What the validators' module holds besides their code: the tables by name and version, and the declarations. */
interface ModuleParts {
  tables: string;
  dts: string;
}

function moduleParts(registries: readonly Registry[]): ModuleParts {
  const { CodeBlockWriter, printStructure, StructureKind, VariableDeclarationKind } = tsMorph();
  const names = validatorsOf(registries);

  const map = new CodeBlockWriter({ indentNumberOfSpaces: 2, useSingleQuote: false });
  map.write("export const validators = ").inlineBlock(() => {
    const byEvent = new Map<string, typeof names>();
    for (const entry of names) byEvent.set(entry.name, [...(byEvent.get(entry.name) ?? []), entry]);
    for (const [name, versions] of byEvent) {
      map.write(`${JSON.stringify(name)}: `).inlineBlock(() => {
        for (const { version, exportName } of versions) map.writeLine(`${JSON.stringify(version)}: ${exportName},`);
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
          for (const { exportName } of names)
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
  return { tables: map.toString(), dts };
}
