/**
 * Checks Inngest CEL expressions (`if` of triggers, waitForEvent and cancelOn; `match`) against the
 * registry: parse with @bufbuild/cel, then walk every `event.*` / `async.*` select chain through the
 * JSON Schema of that event's data. A path no version declares is `code/unknown-field`, with the
 * closest existing field as the fix; a parse error is `code/invalid-expression` with its offset.
 * The parser (the package's CommonJS build, so checks stay synchronous) loads on the first check.
 */
import { createRequire } from "node:module";
import type { parse } from "@bufbuild/cel";
import { closest } from "fastest-levenshtein";
import { pointerKey } from "../errors.ts";
import type { JsonSchema, JsonSchemaObject } from "../registry/json-schema.ts";

type Expr = ReturnType<typeof parse>["expr"];

/** The data schemas (one per version) each CEL variable is checked against; undefined: not checked. */
export interface CelScope {
  event?: readonly JsonSchemaObject[] | undefined;
  async?: readonly JsonSchemaObject[] | undefined;
  /** The variables the expression may use: `event` alone in a trigger `if`, both in a wait. */
  variables: readonly ("event" | "async")[];
}

export interface CelFinding {
  rule: "code/unknown-field" | "code/invalid-expression";
  message: string;
  fix?: string;
  /** 0-based offset of the finding in the expression text. */
  offset: number;
  /** The dotted path that was not found, e.g. `async.data.usrId`. */
  path?: string;
}

/** The envelope fields of every event; `data` is the one with a schema of its own. */
const ENVELOPE_FIELDS = ["name", "data", "id", "ts", "v"];

/** Identifiers CEL defines itself (type names used as values). */
const CEL_IDENTIFIERS = new Set([
  "int",
  "uint",
  "double",
  "bool",
  "string",
  "bytes",
  "list",
  "map",
  "null_type",
  "type",
  "dyn",
]);

interface Located {
  schema: JsonSchema;
  root: JsonSchema;
}

function resolveRef(located: Located): Located | undefined {
  const { schema, root } = located;
  if (typeof schema !== "object" || typeof schema.$ref !== "string") return located;
  if (!schema.$ref.startsWith("#")) return undefined;
  const target = schema.$ref
    .slice(1)
    .split("/")
    .filter(Boolean)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[pointerKey(key)], root);
  return target === undefined ? undefined : { schema: target as JsonSchema, root };
}

/** A schema with its combinators spread out: a field exists if any branch declares it. */
function branches(located: Located, depth = 0): Located[] {
  const resolved = resolveRef(located);
  if (!resolved || depth > 16) return [];
  const { schema, root } = resolved;
  if (typeof schema !== "object") return [resolved];
  const combined = ["anyOf", "oneOf", "allOf"].flatMap((key) =>
    Array.isArray(schema[key]) ? (schema[key] as JsonSchema[]) : [],
  );
  return [resolved, ...combined.flatMap((branch) => branches({ schema: branch, root }, depth + 1))];
}

interface Step {
  next: Located[];
  /** Some branch accepts any key (loose object, record, untyped schema): nothing to report. */
  open: boolean;
  known: string[];
}

function isUntyped(schema: JsonSchemaObject): boolean {
  return !["type", "properties", "items", "prefixItems", "enum", "const", "anyOf", "oneOf", "allOf", "$ref"].some(
    (key) => key in schema,
  );
}

function stepInto(current: readonly Located[], key: string | number): Step {
  const step: Step = { next: [], open: false, known: [] };
  for (const located of current.flatMap((entry) => branches(entry))) {
    const { schema, root } = located;
    if (schema === true || (typeof schema === "object" && isUntyped(schema))) {
      step.open = true;
      continue;
    }
    if (typeof schema !== "object") continue;
    if (typeof key === "number") {
      const prefix = Array.isArray(schema.prefixItems) ? (schema.prefixItems as JsonSchema[])[key] : undefined;
      const items = prefix ?? (schema.items as JsonSchema | undefined);
      if (items !== undefined) step.next.push({ schema: items, root });
      continue;
    }
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (property !== undefined) {
      step.next.push({ schema: property, root });
    } else if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
      step.open = true;
    } else {
      step.known.push(...Object.keys(properties));
    }
  }
  return step;
}

interface PathCheck {
  /** Index of the first segment (after `data`) no version declares, or -1. */
  failedAt: number;
  known: string[];
}

/** Walks `segments` (below `data`) through every version's schema. */
export function checkDataPath(schemas: readonly JsonSchemaObject[], segments: readonly (string | number)[]): PathCheck {
  let current: Located[] = schemas.map((schema) => ({ schema, root: schema }));
  for (const [index, key] of segments.entries()) {
    const step = stepInto(current, key);
    if (step.open) return { failedAt: -1, known: [] };
    if (step.next.length === 0) return { failedAt: index, known: [...new Set(step.known)].sort() };
    current = step.next;
  }
  return { failedAt: -1, known: [] };
}

function isSubsequence(short: string, long: string): boolean {
  let index = 0;
  for (const char of long) if (char === short[index]) index++;
  return index === short.length;
}

/**
 * The known name closest to a misspelt one. Abbreviations (`qty`, `usrId`) are subsequences of the
 * name meant, which plain edit distance misses, so those candidates win first.
 */
export function closestName(wrong: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = wrong.toLowerCase();
  const containing = known.filter((name) => isSubsequence(lower, name.toLowerCase()));
  return closest(wrong, containing.length > 0 ? containing : known);
}

function suggestion(wrong: string, known: readonly string[]): string | undefined {
  const best = closestName(wrong, known);
  if (best === undefined) return undefined;
  return `did you mean "${best}"? (declared: ${known.join(", ")})`;
}

interface Chain {
  root: string;
  segments: (string | number)[];
  /** Offset in the expression of each segment, for pointing at the wrong one. */
  offsets: number[];
  rootOffset: number;
  /** For a comprehension variable's chain: how many segments are the range it iterates (`[*]` included). */
  own?: number;
}

function positionOf(positions: Record<string, number>, expr: Expr): number {
  return positions[String(expr.id)] ?? 0;
}

/** `event.data.items[0].id` as a chain from its root identifier, or undefined for anything else. */
function chainOf(expr: Expr, positions: Record<string, number>): Chain | undefined {
  const kind = expr.exprKind;
  if (kind.case === "identExpr") {
    return { root: kind.value.name, segments: [], offsets: [], rootOffset: positionOf(positions, expr) };
  }
  if (kind.case === "selectExpr" && kind.value.operand) {
    const inner = chainOf(kind.value.operand, positions);
    // The select's position is its dot; the field starts one character later.
    return (
      inner && {
        ...inner,
        segments: [...inner.segments, kind.value.field],
        offsets: [...inner.offsets, positionOf(positions, expr) + 1],
      }
    );
  }
  if (kind.case === "callExpr" && kind.value.function === "_[_]" && kind.value.args.length === 2) {
    const [operand, index] = kind.value.args as [Expr, Expr];
    const inner = chainOf(operand, positions);
    const constant = index.exprKind.case === "constExpr" ? index.exprKind.value.constantKind : undefined;
    const key =
      constant?.case === "stringValue"
        ? constant.value
        : constant?.case === "int64Value"
          ? Number(constant.value)
          : undefined;
    return inner && key !== undefined
      ? { ...inner, segments: [...inner.segments, key], offsets: [...inner.offsets, positionOf(positions, index)] }
      : undefined;
  }
  return undefined;
}

/** Variables a comprehension binds in its loop: `element` iterates `range`. */
interface Binding {
  names: string[];
  element: string;
  range: Expr | undefined;
}

function childrenOf(expr: Expr): { child: Expr; binds?: Binding }[] {
  const kind = expr.exprKind;
  switch (kind.case) {
    case "selectExpr":
      return kind.value.operand ? [{ child: kind.value.operand }] : [];
    case "callExpr":
      return [...(kind.value.target ? [kind.value.target] : []), ...kind.value.args].map((child) => ({ child }));
    case "listExpr":
      return kind.value.elements.map((child) => ({ child }));
    case "structExpr":
      return kind.value.entries.flatMap((entry) => [
        ...(entry.keyKind.case === "mapKey" ? [{ child: entry.keyKind.value }] : []),
        ...(entry.value ? [{ child: entry.value }] : []),
      ]);
    case "comprehensionExpr": {
      const { iterRange, accuInit, loopCondition, loopStep, result, iterVar, iterVar2, accuVar } = kind.value;
      // a list's elements are the one variable of `all(x, ...)`, or the second of `all(i, x, ...)`
      const binds: Binding = {
        names: [iterVar, iterVar2, accuVar].filter(Boolean),
        element: iterVar2 || iterVar,
        range: iterRange,
      };
      return [
        ...(iterRange ? [{ child: iterRange }] : []),
        ...(accuInit ? [{ child: accuInit }] : []),
        ...[loopCondition, loopStep, result]
          .filter((child): child is Expr => child !== undefined)
          .map((child) => ({ child, binds })),
      ];
    }
    default:
      return [];
  }
}

function checkChain(chain: Chain, scope: CelScope, bound: Bound): CelFinding[] {
  const { root, segments, offsets } = chain;
  if (bound.has(root) || root.startsWith("@") || root.startsWith("__") || CEL_IDENTIFIERS.has(root)) return [];
  if (root !== "event" && root !== "async") {
    return [
      {
        rule: "code/unknown-field",
        message: `\`${root}\` is not defined; Inngest expressions see ${scope.variables.map((name) => `\`${name}\``).join(" and ")}`,
        fix: `use ${closestName(root, scope.variables) ?? "event"}.data.<field>`,
        offset: chain.rootOffset,
        path: root,
      },
    ];
  }
  if (!scope.variables.includes(root)) {
    return [
      {
        rule: "code/unknown-field",
        message: `\`${root}\` is not defined here; only ${scope.variables.map((name) => `\`${name}\``).join(" and ")} is`,
        fix: root === "async" ? "compare against the trigger with `event.data.<field>`" : "use `async.data.<field>`",
        offset: chain.rootOffset,
        path: root,
      },
    ];
  }
  const [field, ...below] = segments;
  if (field === undefined) return [];
  const dotted = (count: number) =>
    segments
      .slice(0, count)
      .reduce<string>(
        (text, key) => (typeof key === "number" ? `${text}[${key === EACH ? "*" : key}]` : `${text}.${key}`),
        root,
      );
  if (typeof field !== "string" || !ENVELOPE_FIELDS.includes(field)) {
    return [
      {
        rule: "code/unknown-field",
        message: `${dotted(1)} is not a field of an event`,
        fix: suggestion(String(field), ENVELOPE_FIELDS) ?? "use name, data, id, ts or v",
        offset: offsets[0] ?? 0,
        path: dotted(1),
      },
    ];
  }
  const schemas = scope[root];
  if (field !== "data" || schemas === undefined || schemas.length === 0) return [];
  const { failedAt, known } = checkDataPath(schemas, below);
  // a comprehension variable's own path starts after the range it iterates, which is checked itself
  if (failedAt < 0 || failedAt + 1 < (chain.own ?? 0)) return [];
  const wrong = below[failedAt];
  return [
    {
      rule: "code/unknown-field",
      message: `${dotted(failedAt + 2)} is not declared by any version of the ${root === "event" ? "trigger" : "awaited"} event`,
      fix: (typeof wrong === "string" && suggestion(wrong, known)) || "check the event's schema in the registry",
      offset: offsets[failedAt + 1] ?? 0,
      path: dotted(failedAt + 2),
    },
  ];
}

/**
 * Names bound by comprehensions: to the chain of the list elements they iterate
 * (`event.data.items[*]` for `event.data.items.all(i, ...)`), or to nothing when that is unknown.
 */
type Bound = ReadonlyMap<string, Chain | undefined>;

/** An element of any index: `[*]` in messages; an array's `items` in the schema walk. */
const EACH = -1;

/** `chain` with its root replaced by the chain that root iterates, when it is a bound variable. */
function unbound(chain: Chain, bound: Bound): Chain | undefined {
  if (!bound.has(chain.root)) return chain;
  const elements = bound.get(chain.root);
  return (
    elements && {
      ...elements,
      segments: [...elements.segments, ...chain.segments],
      offsets: [...elements.segments.map(() => chain.rootOffset), ...chain.offsets],
      rootOffset: chain.rootOffset,
      own: elements.segments.length,
    }
  );
}

function walk(expr: Expr, positions: Record<string, number>, scope: CelScope, bound: Bound): CelFinding[] {
  const chain = chainOf(expr, positions);
  if (chain) {
    const resolved = unbound(chain, bound);
    return resolved ? checkChain(resolved, scope, bound) : [];
  }
  return childrenOf(expr).flatMap(({ child, binds }) => {
    if (!binds) return walk(child, positions, scope, bound);
    const inner = new Map(bound);
    for (const name of binds.names) inner.set(name, undefined);
    const range = binds.range && chainOf(binds.range, positions);
    const elements = range && unbound(range, bound);
    if (elements) {
      inner.set(binds.element, {
        ...elements,
        segments: [...elements.segments, EACH],
        offsets: [...elements.offsets, elements.rootOffset],
      });
    }
    return walk(child, positions, scope, inner);
  });
}

/** The offset a parse error points at, from the parser's `location`, else the start. */
function parseErrorOffset(error: unknown): number {
  const offset = (error as { location?: { start?: { offset?: unknown } } })?.location?.start?.offset;
  return typeof offset === "number" ? offset : 0;
}

let parser: typeof parse | undefined;

function celParser(): typeof parse {
  parser ??= (createRequire(import.meta.url)("@bufbuild/cel") as { parse: typeof parse }).parse;
  return parser;
}

/** Parses an expression; on failure returns the `code/invalid-expression` finding instead. */
export function parseCel(expression: string): { expr: ReturnType<typeof parse> } | { finding: CelFinding } {
  try {
    return { expr: celParser()(expression) };
  } catch (error) {
    const reason =
      error instanceof RangeError
        ? "it nests too deeply for the parser"
        : error instanceof Error
          ? error.message.replace(/^<input>:\d+:\d+: /, "")
          : String(error);
    return {
      finding: {
        rule: "code/invalid-expression",
        message: `the expression does not parse as CEL: ${reason}`,
        fix: "write a CEL expression such as `event.data.userId == async.data.userId`",
        offset: parseErrorOffset(error),
      },
    };
  }
}

/** Every finding in one `if` expression. Never throws. */
export function checkCelExpression(expression: string, scope: CelScope): CelFinding[] {
  const parsed = parseCel(expression);
  if ("finding" in parsed) return [parsed.finding];
  const positions = (parsed.expr.sourceInfo?.positions ?? {}) as Record<string, number>;
  return walk(parsed.expr.expr, positions, scope, new Map());
}

/** `match: "data.userId"`: the path must exist on both the trigger and the awaited event. */
export function checkMatchPath(match: string, scope: CelScope): CelFinding[] {
  const segments = match.split(".");
  if (
    segments[0] !== "data" ||
    segments.length < 2 ||
    !segments.every((segment) => /^[A-Za-z_$][\w$]*$/.test(segment))
  ) {
    return [
      {
        rule: "code/invalid-expression",
        message: `match "${match}" is not a dotted data path`,
        fix: 'write match: "data.<field>", e.g. "data.userId"',
        offset: 0,
      },
    ];
  }
  const findings: CelFinding[] = [];
  for (const root of ["event", "async"] as const) {
    const offsets = segments.map((_, index) => segments.slice(0, index).join(".").length + (index > 0 ? 1 : 0));
    findings.push(
      ...checkChain(
        { root, segments, offsets, rootOffset: 0 },
        { ...scope, variables: ["event", "async"] },
        new Map(),
      ).map((finding) => ({ ...finding, message: `match "${match}": ${finding.message}` })),
    );
  }
  return findings;
}
