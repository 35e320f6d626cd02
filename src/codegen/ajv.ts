/**
 * The one ajv set-up shared by the precompiled validators and by anything that compiles at run
 * time, so both accept exactly what zod accepts:
 * - draft 2020-12 (`ajv/dist/2020`), the dialect `z.toJSONSchema` writes;
 * - `unicode: false`, so ajv never requires its runtime's `ucs2length` from a precompiled module:
 *   minLength/maxLength are replaced by zod's count in code points (`zodLengths`), and
 *   `multipleOf` by zod's check with its rounding tolerance (`zodMultipleOf`);
 * - zod writes both `format` and `pattern` for uuid, email, date-time...; the pattern is zod's own
 *   check, so ajv checks one regex per field, never ajv-formats' stricter code as well. For zod's
 *   default formats (`z.uuid()`, `z.iso.datetime()`, `z.email()`...) the format name is registered
 *   as zod's very RegExp (for IPv6, which zod checks in code, a regex that agrees with that code)
 *   and the long pattern is dropped: the generated code holds each regex once
 *   instead of three times per field (regex, error params, message), and errors read
 *   `must match format "uuid"` rather than quoting the regex. Any other pattern is kept and its
 *   format dropped, also when the patterns are `allOf` parts (`.startsWith("a").endsWith("z")`),
 *   as for a `z.stringFormat(name, regex)`. Formats without a
 *   pattern: `z.url()`'s `uri` is checked as zod checks it (`URL_FORMAT`); zod's others (`z.jwt()`,
 *   `z.stringFormat` with a function) are refused by the registry as unrepresentable. ajv-formats
 *   itself is not added: its function formats make precompiled modules `require` it.
 * - errors stop at the first failure (ajv's default, `allErrors: false`): an invalid event is
 *   rejected as fast as possible, and the runtime reports that one problem.
 * - the 2020-12 keywords are kept (zod writes `prefixItems` for tuples), but not the dynamic-scope
 *   machinery `Ajv2020` switches on for `unevaluatedProperties`/`unevaluatedItems` and
 *   `$dynamicRef`, keywords zod never writes: with `unevaluated` and `dynamicRef` on, every
 *   validator carries an `evaluated` record, resets it on each call and allocates a
 *   `dynamicAnchors` object per call. They are switched off and the keywords removed, so a schema
 *   that used one would fail to compile (strict mode) instead of being checked wrongly.
 * - `code.optimize: false`: ajv's optimiser is quadratic in the nesting depth of the generated code
 *   (each property nests inside the previous one's `if (valid)`), and took half of the compile time
 *   of a 1,000-event registry; what it removes (empty ifs, unused `_errsN` counters and `vSchemaN`
 *   constants) changes no verdict, and the precompiled validators' post-pass removes it again.
 * - `validateSchema: false`: the 2020-12 meta-schema itself uses `$dynamicRef`; schemas come from
 *   `z.toJSONSchema`, and strict mode still rejects unknown keywords and malformed ones.
 * - `strictTypes: false`: those checks are advice to people writing schemas by hand (a keyword
 *   without its `type` beside it), change no generated code, and took a tenth of the compile.
 *   `strictTuples: false` likewise: it refuses every tuple but a fixed-length one, and zod writes
 *   `prefixItems` with `minItems` (and `items` or `maxItems`) for a tuple with a rest element or
 *   optional ones (`z.tuple([a], b)`, `z.tuple([a, b.optional()])`), which ajv checks as zod does.
 * - `required` with two properties or more is written as one chain of conditionals,
 *   `(missing0 = data.a === undefined ? "a" : data.b === undefined ? "b" : undefined) !== undefined`,
 *   in place of ajv's `((data.a === undefined) && (missing0 = "a")) || …` with a pair of parentheses
 *   per property (`shortRequired`): the same first missing property, error, order of checks and
 *   named property loads, 3% less code in a 1,000-event registry's validators.
 * - strict mode stays on, and the keys zod copies from `.meta()` that ajv does not know (`"x-pii"`,
 *   `owner`), annotations in JSON Schema, are left out of the copy ajv compiles (`compiledSchemaOf`).
 *
 * `createValidatorAjv({ source: true })` is a code generator only, for the precompiled validators:
 * ajv still writes each function's source (`validate.source`), but does not evaluate it with
 * `new Function` (a third of its compile time on a 1,000-event registry), so the functions it
 * returns throw when called; and it writes error sites in the compact form of error-sites.ts
 * (ajv-error-sites.ts). Without `source`, functions are compiled and run as usual.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { _Code } from "ajv/dist/compile/codegen/code.js";
import { _, type Code, getProperty } from "ajv/dist/compile/codegen/index.js";
import { useFunc } from "ajv/dist/compile/util.js";
import type { KeywordCxt } from "ajv/dist/compile/validate/index.js";
import type { CodeKeywordDefinition } from "ajv/dist/types/index.js";
import { reportMissingProp } from "ajv/dist/vocabularies/code.js";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { z } from "zod";
import { SCHEMA_ARRAY_KEYWORDS, SCHEMA_KEYWORDS, SCHEMA_MAP_KEYWORDS } from "../compat/document.ts";
import { type JsonSchemaObject, setOwn } from "../registry/json-schema.ts";
import { writeCompactErrorSites } from "./ajv-error-sites.ts";

export type { ErrorObject, ValidateFunction } from "ajv";

/** A format ajv checks in place of the pattern zod writes for it. */
interface ZodFormat {
  /** What ajv tests: zod's own RegExp, or one that accepts what zod's code accepts. */
  check: RegExp;
  /** The pattern zod writes beside the format, which the check replaces. */
  pattern: string;
}

/**
 * IPv6 as zod 4.6 checks it (`isValidIPv6`: a WHATWG URL host `[...]`, which takes an embedded IPv4
 * address, `::ffff:192.0.2.1`, that zod's own regex refuses): ajv-formats' RFC 4291 regex, which a
 * property test holds to zod's verdicts; a CIDR adds a prefix length written as zod reads it (0-128).
 */
const IPV6 = fullFormats.ipv6 as RegExp;
const CIDRV6 = new RegExp(`^(?:${IPV6.source.slice(1, -1)})\\/(?:12[0-8]|1[01]\\d|[1-9]?\\d)$`, IPV6.flags);

/** zod's default string formats, by JSON Schema format name (see above). */
const ZOD_FORMATS: ReadonlyMap<string, ZodFormat> = new Map([
  ...[
    z.uuid(),
    z.iso.datetime(),
    z.iso.date(),
    z.iso.time(),
    z.iso.duration(),
    z.email(),
    z.ipv4(),
    z.cuid(),
    z.ulid(),
  ].map((schema) => {
    const { format, pattern } = z.toJSONSchema(schema) as { format: string; pattern: string };
    const regex = (schema._zod.def as { pattern?: RegExp }).pattern;
    if (!(regex instanceof RegExp) || regex.source !== pattern)
      throw new Error(`evreg: zod's ${format} pattern changed shape`);
    return [format, { check: regex, pattern }] as const;
  }),
  ["ipv6", { check: IPV6, pattern: (z.toJSONSchema(z.ipv6()) as { pattern: string }).pattern }],
  ["cidrv6", { check: CIDRV6, pattern: (z.toJSONSchema(z.cidrv6()) as { pattern: string }).pattern }],
]);

/** Keywords needing the dynamic-scope machinery switched off below; zod never writes them. */
const DYNAMIC_KEYWORDS = [
  "unevaluatedProperties",
  "unevaluatedItems",
  "$dynamicRef",
  "$dynamicAnchor",
  "$recursiveRef",
  "$recursiveAnchor",
] as const;

/** What ajv evaluates in source-only mode instead of the code it generated (see above). */
const SOURCE_ONLY =
  'return function validate(){throw new Error("evreg: this validator was compiled for its source only; use createValidatorAjv() without source to run it")}';

/**
 * The keys compiledSchemaOf keeps: the keywords strict mode accepts, read from ajv's own table
 * (`RULES.keywords`, what its strict check reads; `getKeyword` answers false for annotations such as
 * `title`), and the ones evreg switched off. Every instance createValidatorAjv makes knows the same
 * ones, so the first one made is asked, once per process.
 */
let knownKeywords: ReadonlySet<string> | undefined;

export function createValidatorAjv(options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: false,
    strictRequired: false,
    strictTuples: false,
    allowUnionTypes: true,
    validateSchema: false,
    unicode: false,
    logger: false,
    // `lines: false`: no newlines or indentation in generated code; `optimize: false`: see above
    // (validators.ts removes the dead code it would have removed, in linear time).
    code: options.source
      ? { source: true, esm: true, lines: false, optimize: false, process: () => SOURCE_ONLY }
      : { optimize: false },
  } as ConstructorParameters<typeof Ajv2020>[0]);
  // Ajv2020's constructor forces both on; read at compile time, so switching them off here holds.
  ajv.opts.unevaluated = false;
  ajv.opts.dynamicRef = false;
  for (const keyword of DYNAMIC_KEYWORDS) ajv.removeKeyword(keyword);
  shortRequired(ajv);
  zodLengths(ajv);
  zodMultipleOf(ajv);
  for (const [format, { check }] of ZOD_FORMATS) ajv.addFormat(format, check);
  // the one format checked by a function: precompiled modules hold its source (see inlineFunction)
  ajv.addFormat("uri", URL_FORMAT);
  ajv.opts.code.formats = new _Code(`({ uri: ${URL_FORMAT.code} })`);
  if (options.source) writeCompactErrorSites(ajv);
  knownKeywords ??= new Set([...Object.keys(ajv.RULES.keywords), ...DYNAMIC_KEYWORDS]);
  return ajv;
}

/**
 * A function the validators call, kept as source: ajv writes `code` into precompiled modules as it
 * is (`useFunc`, and `code.formats`), and compiles the same source for validators made at run time.
 * A function's own `toString` would differ between the TypeScript source run through jiti and the
 * compiled package, and with it `generate`'s output.
 */
function inlineFunction<F extends (...args: never[]) => unknown>(source: string): F & { code: string } {
  const compiled = new Function(`return ${source}`)() as F;
  return Object.assign(compiled, { code: source });
}

/**
 * A string's length in code points, as zod counts it (`codePointLength` in zod/v4/core/util.js): a
 * high surrogate followed by a low one is one character.
 */
const CODE_POINT_LENGTH = inlineFunction<(text: string) => number>(
  "(function codePointLength(text) { let count = text.length; for (let at = 0; at < text.length - 1; at++) { if ((text.charCodeAt(at) & 0xfc00) === 0xd800 && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00) { count--; at++; } } return count; })",
);

/**
 * `z.url()` as zod checks it (`$ZodURL`: the WHATWG URL parser on the trimmed string), for JSON
 * Schema's `format: "uri"`, which is what zod writes for it; its options are refused by the registry.
 */
const URL_FORMAT = inlineFunction<(text: string) => boolean>(
  '(function canParseUrl(text) { const trimmed = text.trim(); if (typeof URL.canParse === "function") return URL.canParse(trimmed); try { new URL(trimmed); return true; } catch { return false; } })',
);

/**
 * `minLength`/`maxLength` in code points, as zod 4.6 checks `.min()`, `.max()` and `.length()`;
 * ajv's own count (`unicode: true`) would make precompiled modules require ajv's runtime. The
 * count runs only when the UTF-16 length leaves the verdict open: a code point is one or two units.
 */
function zodLengths(ajv: Ajv2020): void {
  const builtin = ajv.getKeyword("maxLength") as CodeKeywordDefinition;
  ajv.removeKeyword("maxLength");
  ajv.removeKeyword("minLength");
  ajv.addKeyword({
    ...builtin,
    keyword: ["maxLength", "minLength"],
    // back in their place among the string keywords, so checks keep ajv's order
    before: "pattern",
    code(cxt: KeywordCxt) {
      if (cxt.$data) return builtin.code(cxt);
      const { gen, keyword, data, schemaCode } = cxt;
      const count = useFunc(gen, CODE_POINT_LENGTH);
      cxt.fail(
        keyword === "maxLength"
          ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}`
          : _`${data}.length < ${schemaCode} || (${data}.length < 2 * ${schemaCode} && ${count}(${data}) < ${schemaCode})`,
      );
    },
  });
}

/**
 * `multipleOf` as zod checks `.multipleOf()` (`floatSafeRemainder` in zod/v4/core/util.js): the
 * ratio within four units in the last place of a whole number, so `19.99` is a multiple of `0.01`.
 * ajv's own check (`ratio !== parseInt(ratio)`) refuses it.
 */
function zodMultipleOf(ajv: Ajv2020): void {
  const builtin = ajv.getKeyword("multipleOf") as CodeKeywordDefinition;
  ajv.removeKeyword("multipleOf");
  ajv.addKeyword({
    ...builtin,
    code(cxt: KeywordCxt) {
      if (cxt.$data) return builtin.code(cxt);
      const { gen, data, schemaCode } = cxt;
      const ratio = gen.let("ratio");
      cxt.fail(
        _`(${ratio} = ${data} / ${schemaCode}, !(Math.abs(${ratio} - Math.round(${ratio})) < 4 * Number.EPSILON * Math.max(Math.abs(${ratio}), 1)))`,
      );
    },
  });
}

/**
 * ajv's `required` keyword (ajv/dist/vocabularies/validation/required.js), its first-error mode
 * written as one chain of conditionals (see above); every other case is ajv's own code.
 */
function shortRequired(ajv: Ajv2020): void {
  const builtin = ajv.getKeyword("required") as CodeKeywordDefinition;
  ajv.removeKeyword("required");
  ajv.addKeyword({
    ...builtin,
    // back in its place among the object keywords, so checks keep ajv's order
    before: "propertyNames",
    code(cxt: KeywordCxt) {
      const { gen, data, $data, it } = cxt;
      const schema = cxt.schema as string[];
      const { opts } = it;
      if ($data || it.allErrors || opts.ownProperties || opts.strictRequired || schema.length < 2)
        return builtin.code(cxt);
      if (schema.length >= (opts.loopRequired ?? Number.POSITIVE_INFINITY)) return builtin.code(cxt);
      const missing = gen.let("missing");
      const first = schema.reduceRight<Code>(
        (rest, property) => _`${data}${getProperty(property)} === undefined ? ${property} : ${rest}`,
        _`undefined`,
      );
      gen.if(_`(${missing} = ${first}) !== undefined`);
      reportMissingProp(cxt, missing);
      gen.else();
    },
  });
}

/**
 * The schema ajv compiles: the published one with each string checked by one regex (see above),
 * and without the keys ajv does not know. zod copies every `.meta()` key into the JSON Schema
 * (`"x-pii"`, `owner`…); JSON Schema reads unknown keywords as annotations, ajv's strict mode
 * refuses them. They stay in the published schemas, but only at keyword positions are they left
 * out here: a property named `foo` is a name, and `const`/`enum`/`default`/`examples` hold data.
 * The keywords evreg switched off stay in, so strict mode still refuses them (see above).
 */
export function compiledSchemaOf(schema: JsonSchemaObject): JsonSchemaObject {
  if (knownKeywords === undefined) createValidatorAjv();
  return compiledNode(schema, knownKeywords as ReadonlySet<string>) as JsonSchemaObject;
}

// plain loops: this copies every envelope of the registry, and entries arrays cost a third more
function compiledNode(node: unknown, known: ReadonlySet<string>): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
  const source = node as Record<string, unknown>;
  // several patterns on one string are allOf parts; a format name beside them (a z.stringFormat's
  // own, or a check's name zod wrote, see CHECK_FORMATS) says nothing they do not
  const patterned =
    typeof source.pattern === "string" ||
    (Array.isArray(source.allOf) && source.allOf.some((part) => typeof part?.pattern === "string"));
  const drop =
    !patterned || typeof source.format !== "string"
      ? undefined
      : typeof source.pattern === "string" && ZOD_FORMATS.get(source.format)?.pattern === source.pattern
        ? "pattern"
        : "format";
  // keys are known keywords, never `__proto__`: plain assignment is safe here
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === drop || !known.has(key)) continue;
    const value = source[key];
    // `dependencies` maps to schemas or to arrays of names, which compiledNode passes on as they are
    if (SCHEMA_MAP_KEYWORDS.has(key)) copy[key] = compiledMap(value, known);
    else if (Array.isArray(value))
      copy[key] = SCHEMA_ARRAY_KEYWORDS.has(key) ? value.map((item) => compiledNode(item, known)) : value;
    else copy[key] = SCHEMA_KEYWORDS.has(key) ? compiledNode(value, known) : value;
  }
  return copy;
}

function compiledMap(map: unknown, known: ReadonlySet<string>): unknown {
  if (typeof map !== "object" || map === null || Array.isArray(map)) return map;
  const source = map as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const name of Object.keys(source)) setOwn(copy, name, compiledNode(source[name], known));
  return copy;
}
