/**
 * A post-pass over the code ajv generates for one validate function, shrinking its failure
 * sites. With `allErrors: false` each failing check ends in
 *
 *   validate20.errors = [{instancePath:…,schemaPath:"#/…/type",keyword:"type",params:{type: "string"},message:"must be string"}];return false;
 *
 * which was about half of every validator's bytes. Each such site becomes
 *
 *   return failWith(validate20,…,"#/…","type",{type: "string"});
 *
 * and one shared `failWith` (written once per module, see FAIL_WITH_SOURCE) builds the very same
 * error object: schemaPath is the site's path plus "/" + keyword (a site is rewritten only when its
 * schemaPath ends so), the message is ajv's own wording rebuilt from keyword and params (only
 * keywords listed in MESSAGES are rewritten; any other site stays exactly as ajv wrote it), and
 * `schemaN.…` references in params (enum values, const values) become the JSON they point to, so the
 * schema literals they kept alive can be dropped.
 *
 * The code is read by a small scanner that skips string literals, comments and regex literals, not
 * by regexes over the text: a site is recognised only when it has exactly ajv's shape, and anything
 * else is copied unchanged, so the worst case is a site left as ajv wrote it.
 */

/** ajv's error message per keyword, as a JS expression over the error's params `p` (ajv/dist/vocabularies). */
const MESSAGES: Readonly<Record<string, string>> = {
  type: `"must be " + p.type`,
  required: `"must have required property '" + p.missingProperty + "'"`,
  additionalProperties: `"must NOT have additional properties"`,
  const: `"must be equal to constant"`,
  enum: `"must be equal to one of the allowed values"`,
  format: `'must match format "' + p.format + '"'`,
  pattern: `'must match pattern "' + p.pattern + '"'`,
  minLength: `"must NOT have fewer than " + p.limit + " characters"`,
  maxLength: `"must NOT have more than " + p.limit + " characters"`,
  minItems: `"must NOT have fewer than " + p.limit + " items"`,
  maxItems: `"must NOT have more than " + p.limit + " items"`,
  minProperties: `"must NOT have fewer than " + p.limit + " properties"`,
  maxProperties: `"must NOT have more than " + p.limit + " properties"`,
  minimum: `"must be " + p.comparison + " " + p.limit`,
  maximum: `"must be " + p.comparison + " " + p.limit`,
  exclusiveMinimum: `"must be " + p.comparison + " " + p.limit`,
  exclusiveMaximum: `"must be " + p.comparison + " " + p.limit`,
  multipleOf: `"must be multiple of " + p.multipleOf`,
  items: `"must NOT have more than " + p.limit + " items"`,
};

/**
 * ajv's schemaPath of a value whose instance path is `template` (its static text, with INDEX in
 * place of each array index): `/a/INDEX/b` -> `#/properties/a/items/properties/b`. This holds where
 * only `properties` and `items` lead to the value, which is most sites; a site is given this form
 * only when the function, run at generation time on the site's template, gives ajv's exact path.
 * One source, run at generation time and written into the module, so both cannot drift.
 */
const SCHEMA_PATH_OF_SOURCE = `function schemaPathOf(template) {
let path = "#";
for (const segment of template.split("/").slice(1))
path += segment === "\\u0000" ? "/items" : "/properties/" + encodeURIComponent(segment);
return path;
}`;
const INDEX = "\u0000";
const schemaPathOfSource = new Function(`${SCHEMA_PATH_OF_SOURCE}return schemaPathOf;`)() as (
  template: string,
) => string;
/** Templates repeat across the versions of an event: each is computed once (bounded, for watch mode). */
const schemaPaths = new Map<string, string>();
function schemaPathOf(template: string): string {
  let path = schemaPaths.get(template);
  if (path === undefined) {
    if (schemaPaths.size >= 100_000) schemaPaths.clear();
    path = schemaPathOfSource(template);
    schemaPaths.set(template, path);
  }
  return path;
}

/**
 * The shared error builders every rewritten site calls, emitted once per generated module:
 * `failWith(validate, instancePath, schemaPathPrefix, keyword, params)` and, where the schemaPath
 * follows from the instance path, `failAt(validate, instancePath, at, keyword, params)` with `at`
 * the static path after `instancePath`: a string, or an array of strings and array indexes.
 */
export const FAIL_WITH_SOURCE = [
  "const ajvMessages = {",
  Object.entries(MESSAGES)
    .map(([keyword, message]) => `${keyword}: (p) => ${message},`)
    .join(""),
  "};",
  "function failWith(validate, instancePath, schemaPath, keyword, params) {",
  "validate.errors = [{instancePath, schemaPath: schemaPath + '/' + keyword, keyword, params, message: ajvMessages[keyword](params)}];",
  "return false;",
  "}",
  SCHEMA_PATH_OF_SOURCE,
  // Sites are few and fixed, so each template's schemaPath is computed once.
  "const schemaPaths = new Map();",
  "function failAt(validate, instancePath, at, keyword, params) {",
  "let template = at;",
  "if (typeof at === 'string') instancePath += at;",
  "else {",
  "template = '';",
  "for (const part of at) {",
  "instancePath += part;",
  `template += typeof part === 'number' ? ${JSON.stringify(INDEX)} : part;`,
  "}",
  "}",
  "let schemaPath = schemaPaths.get(template);",
  "if (schemaPath === undefined) schemaPaths.set(template, (schemaPath = schemaPathOf(template)));",
  "return failWith(validate, instancePath, schemaPath, keyword, params);",
  "}",
].join("\n");

/** Resolves `schemaN` (a schema literal of ajv's scope) to the object it names, if known. */
export type SchemaOf = (name: string) => unknown;

/** `[A-Za-z_$]` and `[\w$]` by char code (NaN, past the end of a string, is neither). */
export const isNameStart = (char: number): boolean =>
  (char >= 97 && char <= 122) || (char >= 65 && char <= 90) || char === 95 || char === 36;
export const isNamePart = (char: number): boolean => isNameStart(char) || (char >= 48 && char <= 57);

/** Index just past the run of name characters (`[\w$]*`) from `from`. */
export function nameEnd(code: string, from: number): number {
  let end = from;
  while (end < code.length && isNamePart(code.charCodeAt(end))) end++;
  return end;
}

/** Index just past the string literal whose opening quote is at `from`; -1 if unterminated. */
function stringEnd(code: string, from: number): number {
  const quote = code[from];
  for (let at = from + 1; at < code.length; at++) {
    const char = code[at];
    if (char === "\\") at++;
    else if (char === quote) return at + 1;
    else if (char === "\n") return -1;
  }
  return -1;
}

/** Index just past the regex literal whose opening slash is at `from`; -1 if unterminated. */
function regexEnd(code: string, from: number): number {
  let inClass = false;
  for (let at = from + 1; at < code.length; at++) {
    const char = code[at];
    if (char === "\\") at++;
    else if (char === "[") inClass = true;
    else if (char === "]") inClass = false;
    else if (char === "/" && !inClass) return nameEnd(code, at + 1);
    else if (char === "\n") return -1;
  }
  return -1;
}

/** A slash starts a regex literal unless it follows a value (name, number, `)` or `]`). */
function slashStartsRegex(code: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && /\s/.test(code[before] as string)) before--;
  return before < 0 || !/[\w$)\]]/.test(code[before] as string);
}

/** Index just past the comment, string or regex starting at `at`, or `at` when none starts there. */
export function skipLiteral(code: string, at: number): number {
  const char = code[at];
  if (char === '"' || char === "'") return stringEnd(code, at);
  if (char === "`") return -1;
  if (char !== "/") return at;
  if (code[at + 1] === "*") {
    const end = code.indexOf("*/", at + 2);
    return end === -1 ? -1 : end + 2;
  }
  if (code[at + 1] === "/") {
    const end = code.indexOf("\n", at);
    return end === -1 ? code.length : end + 1;
  }
  return slashStartsRegex(code, at) ? regexEnd(code, at) : at;
}

/**
 * For loops over characters: when `char`, the character at `at`, is `"`, `'`, `` ` `` or `/`, the
 * index past the literal it opens (past the `/` alone for a division sign), or -1 when the literal
 * never ends; undefined for any other character.
 */
export function pastLiteral(code: string, at: number, char: number): number | undefined {
  if (char !== 34 && char !== 39 && char !== 96 && char !== 47) return undefined;
  const skipped = skipLiteral(code, at);
  return skipped === at ? at + 1 : skipped;
}

/**
 * Index of the first `,` or closing bracket at nesting depth 0 from `from`: the end of one
 * expression inside an object or call. -1 when the code ends first or is not understood.
 */
export function expressionEnd(code: string, from: number): number {
  let depth = 0;
  for (let at = from; at < code.length; ) {
    const skipped = skipLiteral(code, at);
    if (skipped === -1) return -1;
    if (skipped !== at) {
      at = skipped;
      continue;
    }
    const char = code[at] as string;
    if (char === "(" || char === "[" || char === "{") depth++;
    else if (char === ")" || char === "]" || char === "}") {
      if (depth === 0) return at;
      depth--;
    } else if (char === "," && depth === 0) return at;
    else if (char === ";") return -1;
    at++;
  }
  return -1;
}

/** The JSON string literal at `at` and the index past it, or undefined. */
function stringLiteralAt(code: string, at: number): { value: string; end: number } | undefined {
  if (code[at] !== '"') return undefined;
  const end = stringEnd(code, at);
  if (end === -1) return undefined;
  const text = code.slice(at, end);
  // without escapes (nearly every literal ajv writes), JSON's value is the text between the quotes
  if (!text.includes("\\")) return { value: text.slice(1, -1), end };
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "string" ? { value, end } : undefined;
  } catch {
    return undefined;
  }
}

/** An error site's parts, as code text: the instance path expression, the schemaPath before `/` + keyword, the params. */
export interface SiteParts {
  instancePath: string;
  schemaPathPrefix: string;
  keyword: string;
  params: string;
}

interface ErrorSite extends SiteParts {
  end: number;
}

/** Reads `.errors = [{instancePath…}];return false;` after a validate function's name, if it is exactly that. */
function errorSiteAt(code: string, from: number): ErrorSite | undefined {
  let at = from;
  const expect = (text: string) => {
    if (!code.startsWith(text, at)) return false;
    at += text.length;
    return true;
  };
  if (!expect(".errors = [{instancePath")) return undefined;
  let instancePath = "instancePath";
  if (expect(":")) {
    const end = expressionEnd(code, at);
    if (end === -1) return undefined;
    instancePath = code.slice(at, end);
    at = end;
  }
  if (!expect(",schemaPath:")) return undefined;
  const schemaPath = stringLiteralAt(code, at);
  if (!schemaPath) return undefined;
  at = schemaPath.end;
  if (!expect(",keyword:")) return undefined;
  const keyword = stringLiteralAt(code, at);
  if (!keyword || !Object.hasOwn(MESSAGES, keyword.value)) return undefined;
  if (!schemaPath.value.endsWith(`/${keyword.value}`)) return undefined;
  at = keyword.end;
  if (!expect(",params:")) return undefined;
  const paramsEnd = expressionEnd(code, at);
  if (paramsEnd === -1) return undefined;
  const params = code.slice(at, paramsEnd);
  at = paramsEnd;
  if (expect(",message:")) {
    const end = expressionEnd(code, at);
    if (end === -1) return undefined;
    at = end;
  }
  if (!expect("}];return false;")) return undefined;
  return {
    instancePath,
    schemaPathPrefix: schemaPath.value.slice(0, -keyword.value.length - 1),
    keyword: keyword.value,
    params,
    end: at,
  };
}

/** Reads `.name`, `[0]` or `["name"]` steps after a schema literal's name; undefined if any is not one. */
function memberChainAt(code: string, from: number): { keys: (string | number)[]; end: number } {
  const keys: (string | number)[] = [];
  let at = from;
  for (;;) {
    if (code[at] === "." && isNameStart(code.charCodeAt(at + 1))) {
      const end = nameEnd(code, at + 2);
      keys.push(code.slice(at + 1, end));
      at = end;
      continue;
    }
    const index = code[at] === "[" ? /^\[(\d+)\]/.exec(code.slice(at, at + 24)) : null;
    if (index) {
      keys.push(Number(index[1]));
      at += index[0].length;
      continue;
    }
    const key = code[at] === "[" ? stringLiteralAt(code, at + 1) : undefined;
    if (key && code[key.end] === "]") {
      keys.push(key.value);
      at = key.end + 1;
      continue;
    }
    return { keys, end: at };
  }
}

function valueAtKeys(root: unknown, keys: readonly (string | number)[]): unknown {
  let node = root;
  for (const key of keys) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** `params` with each `schemaN.a.b` that resolves to JSON replaced by that JSON. */
function inlineSchemaReferences(params: string, schemaOf: SchemaOf): string {
  if (!params.includes("schema")) return params;
  let out = "";
  let copied = 0;
  for (let at = 0; at < params.length; ) {
    const skipped = skipLiteral(params, at);
    if (skipped === -1) return params;
    if (skipped !== at) {
      at = skipped;
      continue;
    }
    if (!isNameStart(params.charCodeAt(at)) || (at > 0 && /[\w$.]/.test(params[at - 1] as string))) {
      at++;
      continue;
    }
    let end = nameEnd(params, at + 1);
    const name = params.slice(at, end);
    if (/^schema\d+$/.test(name)) {
      const chain = memberChainAt(params, end);
      const value = valueAtKeys(schemaOf(name), chain.keys);
      if (value !== undefined) {
        out += params.slice(copied, at) + JSON.stringify(value);
        copied = chain.end;
        end = chain.end;
      }
    }
    at = end;
  }
  return out + params.slice(copied);
}

/**
 * `instancePath+"/a/" + i0+"/b"` as its parts (`["/a/", "i0", "/b"]`, names for array indexes),
 * or undefined when it is anything else.
 */
type PathPart = { text: string } | { index: string };

function instancePathParts(expression: string): PathPart[] | undefined {
  const parts: PathPart[] = [];
  let at = 0;
  const skipSpaces = () => {
    while (expression[at] === " ") at++;
  };
  if (!expression.startsWith("instancePath")) return undefined;
  at = "instancePath".length;
  for (;;) {
    skipSpaces();
    if (at === expression.length) return parts;
    if (expression[at] !== "+") return undefined;
    at++;
    skipSpaces();
    const text = stringLiteralAt(expression, at);
    if (text) {
      const last = parts.at(-1);
      if (last && "text" in last) last.text += text.value;
      else parts.push({ text: text.value });
      at = text.end;
      continue;
    }
    const index = /^i\d+/.exec(expression.slice(at));
    if (!index || isNamePart(expression.charCodeAt(at + index[0].length))) return undefined;
    parts.push({ index: index[0] });
    at += index[0].length;
  }
}

/** The `failAt` call for a site whose schemaPath follows from its instance path, or undefined. */
function failAtCall(validateName: string, site: SiteParts, params: string): string | undefined {
  const parts = instancePathParts(site.instancePath);
  if (!parts || parts.length === 0) return undefined;
  const template = parts.map((part) => ("text" in part ? part.text : INDEX)).join("");
  if (schemaPathOf(template) !== site.schemaPathPrefix) return undefined;
  const at =
    parts.length === 1 && "text" in (parts[0] as PathPart)
      ? JSON.stringify(template)
      : `[${parts.map((part) => ("text" in part ? JSON.stringify(part.text) : part.index)).join(",")}]`;
  return `failAt(${validateName},instancePath,${at},${JSON.stringify(site.keyword)},${params})`;
}

/**
 * The call (an expression) building the error of one site, `validate20.errors = [{…}];return false;`
 * being `return <call>;`, or undefined when the site keeps ajv's literal: its keyword's message is
 * not one of MESSAGES, or its schemaPath does not end in `/` + keyword. ajv-error-sites.ts has ajv
 * write the same call where it would write the literal.
 */
export function compactSiteCall(validateName: string, site: SiteParts, schemaOf: SchemaOf): string | undefined {
  if (!Object.hasOwn(MESSAGES, site.keyword)) return undefined;
  const params = inlineSchemaReferences(site.params, schemaOf);
  return (
    failAtCall(validateName, site, params) ??
    `failWith(${validateName},${site.instancePath},${JSON.stringify(site.schemaPathPrefix)},${JSON.stringify(site.keyword)},${params})`
  );
}

/**
 * ajv opens each function with a `/*# sourceURL="<schema $id>" *\/` comment for debuggers of code
 * it evaluates itself; in a module file it only costs bytes.
 */
export function withoutSourceUrl(code: string): string {
  const head = /^function validate\d+\([^)]*\)\{/.exec(code.slice(0, 200));
  if (!head || !code.startsWith('/*# sourceURL="', head[0].length)) return code;
  const end = code.indexOf('" */;', head[0].length);
  const comment = code.slice(head[0].length, end + 5);
  return end === -1 || comment.slice(2, -3).includes("*/") ? code : code.slice(0, head[0].length) + code.slice(end + 5);
}

/** One validate function's code with every recognised error site calling `failWith` (see above). */
export function compactErrorSites(code: string, schemaOf: SchemaOf): string {
  // ajv writes the compact call itself (ajv-error-sites.ts): most functions have no literal left
  if (!code.includes(".errors = [{")) return code;
  const compacted = rewriteAt(code, /validate\d+\.errors = \[\{/, (at) => {
    if (/[\w$.]/.test(code[at - 1] ?? " ")) return undefined;
    const name = (/^validate\d+/.exec(code.slice(at, at + 24)) as RegExpExecArray)[0];
    const site = errorSiteAt(code, at + name.length);
    const call = site && compactSiteCall(name, site, schemaOf);
    return site && call !== undefined ? { end: site.end, text: `return ${call};` } : undefined;
  });
  return compacted ?? code;
}

/**
 * The scanner under every pass: jumps from one match of `trigger` to the next, skipping string,
 * regex and comment literals on the way, and lets `visit` replace the code from a match (given
 * with its text) up to `end` with `text`, or leave it (undefined). Undefined when a literal never ends (code not
 * understood: the caller keeps the code as it was).
 */
function rewriteAt(
  code: string,
  trigger: RegExp,
  visit: (at: number, match: RegExpExecArray) => { end: number; text: string } | undefined,
): string | undefined {
  const next = new RegExp(`["'\`/]|${trigger.source}`, "g");
  let out = "";
  let copied = 0;
  for (let at = 0; at < code.length; ) {
    next.lastIndex = at;
    const match = next.exec(code);
    if (!match) break;
    at = match.index;
    const skipped = skipLiteral(code, at);
    if (skipped === -1) return undefined;
    if (skipped !== at) {
      at = skipped;
      continue;
    }
    const replaced = code[at] === "/" ? undefined : visit(at, match);
    if (!replaced) {
      // a declined trigger is passed whole: nothing starts inside an identifier or keyword run
      at += Math.max(1, match[0].length);
      continue;
    }
    out += code.slice(copied, at) + replaced.text;
    copied = replaced.end;
    at = replaced.end;
  }
  return out + code.slice(copied);
}

/**
 * ajv's error-counting bookkeeping, as one trigger for `rewriteAt`: each form (groups 1-3: the
 * `validN` it sets or tests), else a lone use of `errors`, `_errsN` or `validN` (group 4).
 */
const COUNTING =
  /const _errs\d+ = errors;|if\(errors === (?:_errs\d+|0)\)\{|if\(_errs\d+ === errors\)\{|var (valid\d+) = (?:_errs\d+ === errors|true);|if\((valid\d+)\)\{|if\(!(valid\d+)\)\{break;\}|(errors|_errs\d+|valid\d+)(?![\w$])/;

/**
 * With `allErrors: false`, a function without `anyOf`, `oneOf`, `not` or `$ref` calls never counts
 * an error: every failure returns at once, so `errors` stays 0 and ajv's bookkeeping around each
 * property (`const _errs4 = errors;`, `if(errors === _errs4){`, `var valid1 = _errs4 === errors;`,
 * `if(valid1){`) is constant. This removes it when, and only when, nothing but `let errors = 0;`
 * writes `errors`, no `_errsN` is used outside those forms, and every use of a `validN` is one of
 * the forms ajv writes for it; braces stay balanced (an `if(…){` becomes a plain block `{`). Any
 * other function is returned unchanged (an `else {}` left behind goes in `withoutDeadCode`). One
 * scan reads the uses and notes where each form is; the forms are rewritten once the uses are known.
 */
export function withoutErrorCounting(code: string): string {
  const lone = new Set<string>();
  let counts = false;
  /** The forms found (groups 1-3, or none), to rewrite once the uses are known. */
  const forms: [at: number, match: RegExpExecArray][] = [];
  const read = rewriteAt(code, COUNTING, (at, match) => {
    if (at > 0 && /[\w$.]/.test(code[at - 1] as string)) return undefined;
    const name = match[4];
    if (name === undefined) forms.push([at, match]);
    else if (name === "errors") {
      const end = at + name.length;
      const before = code.slice(Math.max(0, at - 4), at);
      const after = code.slice(end, end + 4);
      if (/^\s*(?:\+\+|--|[-+*/]?=(?!=))/.test(after) && !(before === "let " && after === " = 0")) counts = true;
    } else if (name.startsWith("_errs")) counts = true;
    else lone.add(name);
    return undefined;
  });
  if (read === undefined || counts) return code;
  const constant = (name: string) => !lone.has(name);
  let out = "";
  let copied = 0;
  for (const [at, [form, set, test, breakUnless]] of forms) {
    let text: string | undefined;
    if (set !== undefined) text = constant(set) ? "" : `var ${set} = true;`;
    else if (test !== undefined) text = constant(test) ? "{" : undefined;
    else if (breakUnless !== undefined) text = constant(breakUnless) ? "" : undefined;
    else text = form.startsWith("const") ? "" : "{";
    if (text === undefined) continue;
    out += code.slice(copied, at) + text;
    copied = at + form.length;
  }
  return out + code.slice(copied);
}

/** The condition of the `if(` at `at` and the index past its `)`, or undefined. */
function conditionAt(code: string, at: number): { condition: string; end: number } | undefined {
  if (!code.startsWith("if(", at)) return undefined;
  const close = expressionEnd(code, at + 3);
  if (close === -1 || code[close] !== ")") return undefined;
  return { condition: code.slice(at + 3, close), end: close + 1 };
}

/** True when `expression` assigns nothing (ajv's required checks assign `missingN` in conditions). */
function assignsNothing(expression: string): boolean {
  let outside = "";
  for (let at = 0; at < expression.length; ) {
    const skipped = skipLiteral(expression, at);
    if (skipped === -1) return false;
    if (skipped !== at) {
      outside += " ";
      at = skipped;
    } else outside += expression[at++];
  }
  return !/\+\+|--|(?:^|[^=!<>])=(?!=)/.test(outside);
}

const DEAD_CODE = /const vSchema|\{\}|if\(|\}else \{\}/;
const DEAD_CODE_BUT_IFS = /const vSchema|\{\}|\}else \{\}/;

/**
 * What ajv's optimiser would have removed (it is off, see ajv.ts): `if(<condition>){}` whose
 * condition assigns nothing, empty blocks `{}` in statement position, `else {}`, and `const vSchemaN = …;`
 * declarations nothing reads (they alone kept whole schema literals in the module).
 */
export function withoutDeadCode(code: string): string {
  const vSchemaUses = new Map<string, number>();
  for (const [name] of code.matchAll(/\bvSchema\d+\b/g)) vSchemaUses.set(name, (vSchemaUses.get(name) ?? 0) + 1);
  const declaration = /const (vSchema\d+) = schema\d+(?:\.[A-Za-z_$][\w$]*|\[\d+\])*;/y;
  // an `if(…){}` needs a `){}`: without one, every `if(` is passed over unread
  const trigger = code.includes("){}") ? DEAD_CODE : DEAD_CODE_BUT_IFS;
  const cleaned = rewriteAt(code, trigger, (at) => {
    if (code.startsWith("}else {}", at)) return { end: at + 8, text: "}" };
    if (!/[;{}]/.test(code[at - 1] ?? ";")) return undefined;
    declaration.lastIndex = at;
    const unused = declaration.exec(code);
    if (unused)
      return vSchemaUses.get(unused[1] as string) === 1 ? { end: at + unused[0].length, text: "" } : undefined;
    if (code.startsWith("{}", at)) return { end: at + 2, text: "" };
    const test = conditionAt(code, at);
    if (!test || !code.startsWith("{}", test.end) || code.startsWith("else", test.end + 2)) return undefined;
    return assignsNothing(test.condition) ? { end: test.end + 2, text: "" } : undefined;
  });
  return cleaned ?? code;
}

/** ajv's opening of a validate function, parameters as every caller passes them. */
const FRAME_HEAD =
  /^function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{/;
const FRAME_PROLOGUE = "let vErrors = null;let errors = 0;";
/** The parameters a validate function passes on to `$ref` calls, named other than as a property. */
const READS_CALL_CONTEXT = /(?<![.\w$])(?:parentData|parentDataProperty|rootData)(?![\w$])/;
/** ajv's error bookkeeping, named other than as a property (`.errors` is the function's own). */
const COUNTS_ERRORS = /(?<![.\w$])(?:errors|vErrors)(?![\w$])/;

/**
 * ajv's frame of one validate function, without what nothing reads, and its own name written once
 * (7% of a 1,000-event module went to these; the module is parsed at every start-up):
 * - `parentData, parentDataProperty, rootData=data` leave the parameters when the body names none
 *   of them (they are passed on to `$ref` calls);
 * - `let vErrors = null;let errors = 0;` goes, and the closing `validate12.errors = vErrors;return
 *   errors === 0;` becomes `validate12.errors = null;return true;`, when nothing else names `errors`
 *   or `vErrors` (their counting is gone, see `withoutErrorCounting`: every failure has returned);
 * - the function's own name, at each failure site and call (`failAt(validate12,…`), becomes `$v`,
 *   declared once (`const $v=validate12;`; ajv's names never start with `$`).
 * Names in string literals are left alone; a frame not written as ajv writes it is returned whole.
 * Run after shareRepeatedBlocks, which reads the function's name in the blocks it shares.
 */
export function withShortFrame(code: string): string {
  const head = FRAME_HEAD.exec(code);
  if (!head) return code;
  const name = head[1] as string;
  let body = code.slice(head[0].length);
  let params = head[0];
  if (!READS_CALL_CONTEXT.test(body)) params = params.replace(", parentData, parentDataProperty, rootData=data", "");
  const epilogue = `${name}.errors = vErrors;return errors === 0;}`;
  if (body.startsWith(FRAME_PROLOGUE) && body.endsWith(epilogue)) {
    const inner = body.slice(FRAME_PROLOGUE.length, -epilogue.length);
    if (!COUNTS_ERRORS.test(inner)) body = `${inner}${name}.errors = null;return true;}`;
  }
  let renamed = false;
  const short = rewriteAt(body, /validate\d+(?![\w$])/, (at, [text]) => {
    if (text !== name || /[.\w$]/.test(body[at - 1] ?? " ")) return undefined;
    renamed = true;
    return { end: at + text.length, text: "$v" };
  });
  return short !== undefined && renamed ? `${params}const $v=${name};${short}` : `${params}${body}`;
}

/** The first character before `at` (or from `at` on, forwards) that is not whitespace. */
function significantChar(code: string, at: number, step: -1 | 1): string {
  let index = at;
  while (index >= 0 && index < code.length && isSpace(code.charCodeAt(index), code, index)) index += step;
  return code[index] ?? "";
}

/** `/\s/` on the character at `index`, its char code `char` (ASCII without a regex). */
function isSpace(char: number, code: string, index: number): boolean {
  if (char < 128) return char === 32 || (char >= 9 && char <= 13);
  return /\s/.test(code[index] as string);
}

/**
 * `instancePath` is ajv's name for the path of the value a function checks: a parameter of each
 * validate function (`{instancePath="", …}={}`), of the shared checks and of the error builders,
 * and an argument of every call to them, about 7% of a module's bytes. Wherever it names that
 * variable it becomes `$p` (ajv's names never start with `$`; shared checks' locals are `$` and a
 * number); as an object key (the calling convention `{instancePath:…}`, the error objects) it
 * stays, a shorthand `{instancePath,…}` becoming `{instancePath:$p,…}`. Each function stays
 * consistent on its own. Code with a use in any other position, or not understood, is returned
 * unchanged.
 */
export function withShortInstancePath(code: string): string {
  // One loop over the characters rather than `rewriteAt`: this pass reads the whole module (7 MB at
  // 1,000 events) and stops at every bracket, and a regex match per bracket allocated 100 MB.
  /** Per open bracket: whether it is an object literal or pattern (keys come after `{` and `,`). */
  const objects: boolean[] = [];
  let out = "";
  let copied = 0;
  for (let at = 0; at < code.length; ) {
    const char = code.charCodeAt(at);
    const past = pastLiteral(code, at, char);
    if (past !== undefined) {
      if (past === -1) return code;
      at = past;
      continue;
    }
    if (char === 123) {
      const before = significantChar(code, at - 1, -1);
      objects.push(
        "(,:=[?".includes(before) || (before === "n" && /\breturn\s*$/.test(code.slice(Math.max(0, at - 12), at))),
      );
    } else if (char === 40 || char === 91) objects.push(false);
    else if (char === 125 || char === 41 || char === 93) {
      if (objects.pop() === undefined) return code;
    } else if (char === 105 && code.startsWith("instancePath", at) && !isNamePart(code.charCodeAt(at + 12))) {
      const end = at + "instancePath".length;
      const text = /[\w$.]/.test(code[at - 1] ?? " ") ? undefined : instancePathUse(code, at, end, objects.at(-1));
      if (text === null) return code;
      if (text !== undefined) {
        out += code.slice(copied, at) + text;
        copied = end;
      }
      at = end;
      continue;
    }
    at++;
  }
  return objects.length === 0 ? out + code.slice(copied) : code;
}

/**
 * What `instancePath` at `at` (to `end`, not part of a longer name) becomes: `$p` as a value,
 * `instancePath:$p` as a shorthand key, undefined as a key with its own value (`instancePath:…`),
 * null where it cannot be told (the caller keeps the code). `inObject`: the innermost bracket is an
 * object literal or pattern.
 */
function instancePathUse(code: string, at: number, end: number, inObject: boolean | undefined) {
  const before = significantChar(code, at - 1, -1);
  if (inObject !== true || (before !== "{" && before !== ",")) return "$p";
  const after = significantChar(code, end, 1);
  if (after === ":") return undefined;
  return after === "," || after === "}" || after === "=" ? "instancePath:$p" : null;
}
