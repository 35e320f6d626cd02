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
 *   function sharedCheck4($0, validate, instancePath){if($0 === undefined)return true;…return true;}
 *
 * (locals renamed `$0`, `$1`… in order of appearance), and each occurrence becomes
 * `if(!sharedCheck4(data1.plan,validate7,instancePath))return false;`.
 * The error objects are unchanged: the block's instance paths were absolute already.
 *
 * A block is shared only when it is self-contained: apart from the value it checks, every local
 * it uses is declared inside it, and it touches none of ajv's error counting (`errors`, `validN`,
 * `_errsN`: functions with `anyOf`, `oneOf` or `$ref` keep their blocks) nor `rootData` and the
 * like. Anything else is left inline.
 */
import { rewriteAt, skipLiteral } from "./error-sites.ts";

/** Index of the `}` closing the block whose `{` is at `open`, skipping literals; -1 if none. */
function blockEnd(code: string, open: number): number {
  let depth = 0;
  for (let at = open; at < code.length; ) {
    const skipped = skipLiteral(code, at);
    if (skipped === -1) return -1;
    if (skipped !== at) {
      at = skipped;
      continue;
    }
    const char = code[at];
    if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return at;
    at++;
  }
  return -1;
}

const BLOCK_START = /if\((data\d*)\.([A-Za-z_$][\w$]*) !== undefined\)\{let (data\d+) = \1\.\2;/y;
/** Names whose use means the block depends on the function around it. */
const CONTEXT_NAMES =
  /^(?:errors|vErrors|rootData|parentData|parentDataProperty|dynamicAnchors|evaluated\d*|valid\d+|_errs\d+|props\d+|items\d+)$/;
/** Module-level names of ajv's scope (declared once per module), usable from any function. */
const MODULE_NAMES = /^(?:formats|schema|pattern|func)\d+$/;

interface Block {
  /** Where `if(` starts and where the block's closing `}` is. */
  start: number;
  end: number;
  /** `data1.plan` */
  value: string;
  /** The shared function's body for this block, locals renamed: also its identity. */
  body: string;
}

/** The block of ajv code starting at `at` in function `validateName`, if it can be shared. */
function blockAt(code: string, at: number, validateName: string): Block | undefined {
  BLOCK_START.lastIndex = at;
  const head = BLOCK_START.exec(code);
  if (!head) return undefined;
  const open = code.indexOf("{", at + head[0].indexOf(")"));
  const end = blockEnd(code, open);
  if (end === -1) return undefined;
  const local = head[3] as string;
  const inner = code.slice(at + head[0].length, end);
  const declared = new Set([local]);
  const declarations = rewriteAt(inner, /(?:let|const|var) [A-Za-z_$][\w$]*/, (from, match) => {
    if (!/[\w$.]/.test(inner[from - 1] ?? " ")) declared.add(match.slice(match.indexOf(" ") + 1));
    return undefined;
  });
  if (declarations === undefined) return undefined;
  const renamed = new Map<string, string>([[local, "$0"]]);
  let selfContained = true;
  const body = rewriteAt(inner, /[A-Za-z_$][\w$]*/, (from, name) => {
    if (/[\w$.]/.test(inner[from - 1] ?? " ")) return undefined;
    if (CONTEXT_NAMES.test(name)) selfContained = false;
    if (!/\d$/.test(name) || MODULE_NAMES.test(name)) return undefined;
    const end = from + name.length;
    if (name === validateName) return { end, text: "validate" };
    if (/^validate\d+$/.test(name) || !declared.has(name)) {
      selfContained = false;
      return undefined;
    }
    if (!renamed.has(name)) renamed.set(name, `$${renamed.size}`);
    return { end, text: renamed.get(name) as string };
  });
  if (body === undefined || !selfContained) return undefined;
  return { start: at, end, value: `${head[1]}.${head[2]}`, body };
}

/** Every shareable block of `code`, outermost first, with where it lies. */
function blocksOf(code: string, validateName: string): Block[] {
  const blocks: Block[] = [];
  rewriteAt(code, /if\(data\d*\./, (at) => {
    const block = blockAt(code, at, validateName);
    if (block) blocks.push(block);
    return undefined;
  });
  return blocks;
}

/** One validate function's code and its name, as standaloneModule writes it. */
export interface FunctionCode {
  name: string;
  code: string;
}

/**
 * The functions with every block that occurs at least twice (in any of them) replaced by a call to
 * one shared function, and the shared functions' source.
 */
export function shareRepeatedBlocks(functions: readonly FunctionCode[]): { functions: string[]; shared: string } {
  const perFunction = functions.map(({ name, code }) => blocksOf(code, name));
  const counts = new Map<string, number>();
  for (const blocks of perFunction) for (const { body } of blocks) counts.set(body, (counts.get(body) ?? 0) + 1);
  const names = new Map<string, string>();
  const rewritten = functions.map(({ name, code }, index) => {
    let out = "";
    let copied = 0;
    for (const block of perFunction[index] as Block[]) {
      if (block.start < copied || (counts.get(block.body) ?? 0) < 2) continue;
      let shared = names.get(block.body);
      if (shared === undefined) {
        shared = `sharedCheck${names.size}`;
        names.set(block.body, shared);
      }
      out += `${code.slice(copied, block.start)}if(!${shared}(${block.value},${name},instancePath))return false;`;
      copied = block.end + 1;
    }
    return out + code.slice(copied);
  });
  const shared = [...names]
    .map(
      ([body, name]) =>
        `function ${name}($0, validate, instancePath){if($0 === undefined)return true;${body}return true;}`,
    )
    .join("");
  return { functions: rewritten, shared };
}
