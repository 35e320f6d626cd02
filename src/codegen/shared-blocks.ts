/**
 * Sharing repeated property checks across validators. The versions of one event repeat most of
 * their fields, and every envelope checks `id` and `ts` the same way, so after the passes of
 * error-sites.ts the same block of ajv code
 *
 *   if(data1.plan !== undefined){let data3 = data1.plan;…}
 *
 * appears in many validate functions, differing only in the numbers ajv gave its local names and in
 * the name of the validate function. Each block that appears at least twice becomes one function
 *
 *   function check4($0,$v,instancePath){if($0 === undefined)return true;…return true;}
 *
 * (locals renamed `$0`, `$1`… in order of appearance, the validate function whose `errors` a
 * failure sets `$v`, as error-sites.ts `withShortFrame` names it in the function itself), and each
 * occurrence becomes
 * `if(!check4(data1.plan,validate7,instancePath))return false;`. `checkN` is short (a validator
 * calls a dozen) and no name ajv writes: its names are a prefix from a fixed list (`data`,
 * `valid`, `schema`…) and a number.
 * The error objects are unchanged: the block's instance paths were absolute already.
 *
 * A block is shared only when it is self-contained: apart from the value it checks, every local
 * it uses is declared inside it, and it touches none of ajv's error counting (`errors`, `validN`,
 * `_errsN`: functions with `anyOf`, `oneOf` or `$ref` keep their blocks) nor `rootData` and the
 * like. Anything else is left inline.
 *
 * Each function is scanned once (its names and the `}` closing each `{`); a block's checks then
 * read that scan, so nested blocks are not re-read from the text once per enclosing block.
 */
import { isNamePart, isNameStart, nameEnd, pastLiteral } from "./error-sites.ts";

/** An identifier outside literals that is not a property name (`a` in `a.b`, not `b`). */
interface Name {
  at: number;
  name: string;
  /** How a block containing it may be shared (see `kindOf`). */
  kind: NameKind;
  /** Declared here: it follows `let `, `const ` or `var `. */
  declared: boolean;
}

/**
 * "plain": not a numbered local, copied as it is; "local": a local (`data3`, `i0`…) or the
 * function's own name, renamed in a shared body; "context": a name tying the block to the function
 * around it, so the block stays inline.
 */
type NameKind = "plain" | "local" | "context";

const BLOCK_START = /if\((data\d*)\.([A-Za-z_$][\w$]*) !== undefined\)\{let (data\d+) = \1\.\2;/y;
/** Names whose use means the block depends on the function around it. */
const CONTEXT_NAMES =
  /^(?:errors|vErrors|rootData|parentData|parentDataProperty|dynamicAnchors|evaluated\d*|valid\d+|_errs\d+|props\d+|items\d+)$/;
/** Module-level names (ajv's scope, declared once per module, and the shared checks), usable from any function. */
const MODULE_NAMES = /^(?:formats|schema|pattern|func|check)\d+$/;

function kindOf(name: string, validateName: string): NameKind {
  if (CONTEXT_NAMES.test(name)) return "context";
  const last = name.charCodeAt(name.length - 1);
  if (last < 48 || last > 57 || MODULE_NAMES.test(name)) return "plain";
  if (name !== validateName && /^validate\d+$/.test(name)) return "context";
  return "local";
}

/**
 * One scan of a function's code: its names (see `Name`) in order, and the index of the `}`
 * closing each `{`, both outside string, regex and comment literals. Undefined when a literal
 * never ends or braces do not pair (code not understood: nothing is shared). A loop over the
 * characters: a regex match per name allocated about 140 MB over a 1,000-event registry's functions.
 */
function scan(code: string, validateName: string): { names: Name[]; closing: Map<number, number> } | undefined {
  const names: Name[] = [];
  const closing = new Map<number, number>();
  const open: number[] = [];
  for (let at = 0; at < code.length; ) {
    const char = code.charCodeAt(at);
    const past = pastLiteral(code, at, char);
    if (past !== undefined) {
      if (past === -1) return undefined;
      at = past;
    } else if (char === 46 && isNameStart(code.charCodeAt(at + 1))) {
      at = nameEnd(code, at + 2); // a property name (`.plan`): not a name of the function
    } else if (isNameStart(char)) {
      const end = nameEnd(code, at + 1);
      const name = code.slice(at, end);
      const previous = names[names.length - 1];
      const declared =
        previous !== undefined &&
        previous.at + previous.name.length + 1 === at &&
        code.charCodeAt(at - 1) === 32 &&
        (previous.name === "let" || previous.name === "const" || previous.name === "var");
      names.push({ at, name, kind: kindOf(name, validateName), declared });
      at = end;
    } else if (char >= 48 && char <= 57) {
      // a number (`1e3`, `0.5`) is passed whole, so no name starts inside one
      at++;
      while (at < code.length && (isNamePart(code.charCodeAt(at)) || code.charCodeAt(at) === 46)) at++;
    } else {
      if (char === 123) open.push(at);
      else if (char === 125) {
        const from = open.pop();
        if (from === undefined) return undefined;
        closing.set(from, at);
      }
      at++;
    }
  }
  return open.length === 0 ? { names, closing } : undefined;
}

interface Block {
  /** Where `if(` starts and where the block's closing `}` is. */
  start: number;
  end: number;
  /** `data1.plan` */
  value: string;
  /** The shared function's body for this block, locals renamed: also its identity. */
  body: string;
}

/**
 * The block of ajv code starting with `names[index]` (an `if`) in function `validateName`, if it
 * can be shared. `contextBefore[i]` counts the Context names among `names[0..i)`.
 */
function blockAt(
  code: string,
  validateName: string,
  { names, closing }: { names: Name[]; closing: Map<number, number> },
  contextBefore: Uint32Array,
  index: number,
): Block | undefined {
  const at = (names[index] as Name).at;
  BLOCK_START.lastIndex = at;
  const head = BLOCK_START.exec(code);
  if (!head) return undefined;
  const end = closing.get(code.indexOf("{", at + head[0].indexOf(")")));
  if (end === undefined) return undefined;
  const innerStart = at + head[0].length;
  let first = index + 1;
  while (first < names.length && (names[first] as Name).at < innerStart) first++;
  let last = first;
  while (last < names.length && (names[last] as Name).at < end) last++;
  if ((contextBefore[last] as number) - (contextBefore[first] as number) > 0) return undefined;
  const local = head[3] as string;
  const declared = new Set([local]);
  for (let i = first; i < last; i++) if ((names[i] as Name).declared) declared.add((names[i] as Name).name);
  const renamed = new Map<string, string>([[local, "$0"]]);
  const body: string[] = [];
  let copied = innerStart;
  for (let i = first; i < last; i++) {
    const { at: from, name, kind } = names[i] as Name;
    if (kind !== "local") continue;
    let text = "$v";
    if (name !== validateName) {
      if (!declared.has(name)) return undefined;
      text = renamed.get(name) ?? `$${renamed.size}`;
      renamed.set(name, text);
    }
    body.push(code.slice(copied, from), text);
    copied = from + name.length;
  }
  body.push(code.slice(copied, end));
  return { start: at, end, value: `${head[1]}.${head[2]}`, body: body.join("") };
}

/** `scan` of `code`, with `contextBefore[i]` counting the Context names among `names[0..i)`. */
function scanBlocks(code: string, validateName: string) {
  const scanned = scan(code, validateName);
  if (!scanned) return undefined;
  const contextBefore = new Uint32Array(scanned.names.length + 1);
  scanned.names.forEach(({ kind }, i) => {
    contextBefore[i + 1] = (contextBefore[i] as number) + (kind === "context" ? 1 : 0);
  });
  return { scanned, contextBefore };
}

/** Every shareable block of `code`, outermost first, with where it lies. */
function blocksOf(code: string, validateName: string): Block[] {
  const scan = scanBlocks(code, validateName);
  if (!scan) return [];
  const blocks: Block[] = [];
  scan.scanned.names.forEach(({ name }, index) => {
    if (name !== "if") return;
    const block = blockAt(code, validateName, scan.scanned, scan.contextBefore, index);
    if (block) blocks.push(block);
  });
  return blocks;
}

/** One validate function's code and its name, as standaloneModule writes it. */
export interface FunctionCode {
  name: string;
  code: string;
}

/**
 * The shared function body of the block checking the value at each of `paths` (property names from
 * the root) in `code`, a function ajv compiled from a wrapper that leads to them through objects
 * (shared-properties.ts); undefined where that block cannot be shared. Each level's block
 * opens right after its parent's (only the parent's type check lies between), so each head below
 * the root is the first one for its name after the previous. The function is scanned once for all paths.
 */
export function propertyBlockBodies(
  code: string,
  validateName: string,
  paths: readonly (readonly string[])[],
): (string | undefined)[] {
  const scan = scanBlocks(code, validateName);
  if (!scan) return paths.map(() => undefined);
  const ifAt = new Map<number, number>();
  scan.scanned.names.forEach(({ name, at }, index) => {
    if (name === "if") ifAt.set(at, index);
  });
  return paths.map((path) => {
    // the root's own properties are `data.name`, each once: the first step cannot land in another's block
    let at = -1;
    for (const name of path) {
      at = code.indexOf(at === -1 ? `if(data.${name} !== undefined){let ` : `.${name} !== undefined){let `, at + 1);
      if (at === -1) return undefined;
    }
    const index = ifAt.get(code.lastIndexOf("if(", at));
    return index === undefined ? undefined : blockAt(code, validateName, scan.scanned, scan.contextBefore, index)?.body;
  });
}

/**
 * The functions with every block that occurs at least twice (in any of them), or that is one of
 * the `known` bodies, replaced by a call to one shared function, and the shared functions' source:
 * `checkN` for the Nth known body, then the bodies found here.
 */
export function shareRepeatedBlocks(
  functions: readonly FunctionCode[],
  known: readonly string[] = [],
): { functions: string[]; shared: string } {
  const perFunction = functions.map(({ name, code }) => blocksOf(code, name));
  const counts = new Map<string, number>();
  for (const blocks of perFunction) for (const { body } of blocks) counts.set(body, (counts.get(body) ?? 0) + 1);
  const names = new Map<string, string>(known.map((body, index) => [body, `check${index}`]));
  const rewritten = functions.map(({ name, code }, index) => {
    let out = "";
    let copied = 0;
    for (const block of perFunction[index] as Block[]) {
      let shared = names.get(block.body);
      if (block.start < copied || (shared === undefined && (counts.get(block.body) ?? 0) < 2)) continue;
      if (shared === undefined) {
        shared = `check${names.size}`;
        names.set(block.body, shared);
      }
      out += `${code.slice(copied, block.start)}if(!${shared}(${block.value},${name},instancePath))return false;`;
      copied = block.end + 1;
    }
    return out + code.slice(copied);
  });
  const shared = [...names]
    .map(([body, name]) => `function ${name}($0,$v,instancePath){if($0 === undefined)return true;${body}return true;}`)
    .join("");
  return { functions: rewritten, shared };
}
