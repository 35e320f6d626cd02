/**
 * Has ajv write each error site in the compact form error-sites.ts would rewrite it to, instead of
 * writing the error object literal that the post-pass then reads back. At 1,000 events those
 * literals were a fifth of what ajv wrote and of its compile time, and most of the post-pass's.
 *
 * ajv builds every error site in one exported function, `reportError` of ajv/dist/compile/errors.js,
 * which its keyword code calls through the module object (`(0, errors_1.reportError)(…)`). That
 * export is replaced once per process by one that hands the sites of the code-generating ajv
 * instances (`writeCompactErrorSites`) to `compactSiteCall` and everything else to ajv's own:
 * another ajv in the same process is untouched. A site is written compact only when the post-pass
 * would rewrite it (the same function decides), so the module is byte for byte what the post-pass
 * makes of ajv's code (test/codegen/error-sites.test.ts compares it with plain ajv); any other site
 * keeps ajv's literal, and the post-pass still sees it. If ajv's internals ever look different,
 * nothing is replaced and the post-pass does all the work, as before.
 */
import { createRequire } from "node:module";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { _Code } from "ajv/dist/compile/codegen/code.js";
import { _, type Code, Name, str, strConcat } from "ajv/dist/compile/codegen/index.js";
import { getErrorPath, Type } from "ajv/dist/compile/util.js";
import type { KeywordErrorCxt, KeywordErrorDefinition } from "ajv/dist/types/index.js";
import { compactSiteCall, type SchemaOf } from "./error-sites.ts";

interface ErrorPaths {
  instancePath?: Code;
  schemaPath?: string;
  parentSchema?: boolean;
}

type ReportError = (
  cxt: KeywordErrorCxt,
  error?: KeywordErrorDefinition,
  errorPaths?: ErrorPaths,
  overrideAllErrors?: boolean,
) => void;

interface ErrorsModule {
  reportError: ReportError;
  keywordError: KeywordErrorDefinition;
}

/**
 * The validate function's parameter ajv names `instancePath` (its `names.instancePath`, a default
 * export that jiti and Node's own loader unwrap differently, so it is named again here).
 */
export const INSTANCE_PATH = new Name("instancePath");

/** The ajv instances whose error sites are written compact. */
const compacting = new WeakSet<object>();
let installed = false;

/** ajv's instance path of an error (errors.js `errorInstancePath`), as code. */
function errorInstancePath(cxt: KeywordErrorCxt, errorPaths: ErrorPaths): Code {
  const { errorPath } = cxt.it;
  const path = errorPaths.instancePath
    ? str`${errorPath}${getErrorPath(errorPaths.instancePath, Type.Str)}`
    : errorPath;
  return strConcat(INSTANCE_PATH, path);
}

/** The schema literals `code` names (`schema12`), by name: what their values are. */
function schemaValuesOf(code: Code): SchemaOf {
  const values = new Map<string, unknown>();
  for (const item of (code as _Code)._items) {
    if (!(item instanceof Name)) continue;
    const ref = (item as { value?: { ref?: unknown } }).value?.ref;
    if (ref !== undefined) values.set(item.str, ref);
  }
  return (name) => values.get(name);
}

/** The compact call for a site that returns its one error at once, or undefined to let ajv write it. */
function compactSite(
  cxt: KeywordErrorCxt,
  error: KeywordErrorDefinition,
  errorPaths: ErrorPaths,
  overrideAllErrors: boolean | undefined,
): string | undefined {
  const { it } = cxt;
  const { opts } = it;
  // the shape the post-pass reads: `validateN.errors = [{instancePath, schemaPath, keyword, params, message}];return false;`
  if ((overrideAllErrors ?? (it.compositeRule || it.allErrors)) || it.schemaEnv.$async) return undefined;
  if (it.createErrors === false || !opts.messages || opts.verbose || it.propertyName || cxt.$data) return undefined;
  if (errorPaths.schemaPath || errorPaths.parentSchema) return undefined;
  const params = typeof error.params === "function" ? error.params(cxt) : (error.params ?? _`{}`);
  return compactSiteCall(
    it.validateName.str,
    {
      instancePath: errorInstancePath(cxt, errorPaths).toString(),
      schemaPathPrefix: it.errSchemaPath,
      keyword: cxt.keyword,
      params: params.toString(),
    },
    schemaValuesOf(params),
  );
}

/** Has `ajv` (a code generator: its functions are never run here) write compact error sites. */
export function writeCompactErrorSites(ajv: Ajv2020): void {
  compacting.add(ajv);
  if (installed) return;
  installed = true;
  const errors = createRequire(import.meta.url)("ajv/dist/compile/errors.js") as Partial<ErrorsModule>;
  const { reportError, keywordError } = errors;
  if (typeof reportError !== "function" || keywordError === undefined) return;
  errors.reportError = (cxt, error = keywordError, errorPaths = {}, overrideAllErrors) => {
    const call = compacting.has(cxt.it.self) ? compactSite(cxt, error, errorPaths, overrideAllErrors) : undefined;
    if (call === undefined) reportError(cxt, error, errorPaths, overrideAllErrors);
    else cxt.gen.return(new _Code(call));
  };
}
