/**
 * Static resolution of what code names: string literals, template literals and `const`s that resolve
 * to constants, `eventType("x")` objects and generated helpers, and send payloads (objects, arrays,
 * `.map` callbacks, `.create(...)` helpers). Falls back to the type checker's literal types; whatever
 * stays unknown is returned as undefined so the scanner can report it rather than skip it.
 */
import type { Expression, Type } from "ts-morph";
import { Node } from "./ts-morph.ts";

const MAX_DEPTH = 10;

/** Strips parentheses, `as`, `satisfies` and `!`, which do not change the value. */
export function unwrap(node: Node): Node {
  let current = node;
  while (
    Node.isParenthesizedExpression(current) ||
    Node.isAsExpression(current) ||
    Node.isSatisfiesExpression(current) ||
    Node.isNonNullExpression(current) ||
    Node.isTypeAssertion(current)
  ) {
    current = current.getExpression();
  }
  return current;
}

/** The expression a `const`, a property of a const object, or an enum member was initialised with. */
export function followConstant(node: Node): Node | undefined {
  const target = Node.isPropertyAccessExpression(node) ? node.getNameNode() : node;
  if (!Node.isIdentifier(target)) return undefined;
  let symbol = target.getSymbol();
  if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
  const declaration = symbol?.getValueDeclaration() ?? symbol?.getDeclarations()[0];
  if (Node.isVariableDeclaration(declaration)) {
    return declaration.getVariableStatement()?.getDeclarationKind() === "const"
      ? declaration.getInitializer()
      : undefined;
  }
  if (Node.isPropertyAssignment(declaration) || Node.isEnumMember(declaration)) return declaration.getInitializer();
  return undefined;
}

function stringLiteralOf(type: Type): string | undefined {
  return type.isStringLiteral() ? String(type.getLiteralValue()) : undefined;
}

/** A string known at compile time, or undefined. */
export function resolveString(node: Node, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = unwrap(node);
  if (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) return value.getLiteralValue();
  if (Node.isTemplateExpression(value)) {
    let text = value.getHead().getLiteralText();
    for (const span of value.getTemplateSpans()) {
      const part = resolveString(span.getExpression(), depth + 1);
      if (part === undefined) return undefined;
      text += part + span.getLiteral().getLiteralText();
    }
    return text;
  }
  if (Node.isBinaryExpression(value) && value.getOperatorToken().getText() === "+") {
    const left = resolveString(value.getLeft(), depth + 1);
    const right = left === undefined ? undefined : resolveString(value.getRight(), depth + 1);
    return left !== undefined && right !== undefined ? left + right : undefined;
  }
  if (Node.isIdentifier(value) || Node.isPropertyAccessExpression(value) || Node.isElementAccessExpression(value)) {
    const initializer = Node.isElementAccessExpression(value) ? undefined : followConstant(value);
    const resolved = initializer && resolveString(initializer, depth + 1);
    return resolved ?? stringLiteralOf(value.getType());
  }
  return undefined;
}

/**
 * A template whose unknown parts are replaced by `0`, for checking an expression built at run time
 * (`async.data.userId == "${event.data.userId}"`). `exact` says whether anything was replaced.
 */
export function resolveTemplateLoosely(node: Node): { text: string; exact: boolean } | undefined {
  const exact = resolveString(node);
  if (exact !== undefined) return { text: exact, exact: true };
  const value = unwrap(node);
  if (!Node.isTemplateExpression(value)) return undefined;
  let text = value.getHead().getLiteralText();
  for (const span of value.getTemplateSpans()) {
    text += (resolveString(span.getExpression()) ?? "0") + span.getLiteral().getLiteralText();
  }
  return { text, exact: false };
}

/** The value of property `key` of an object literal (`{ key: value }` or the shorthand `{ key }`). */
export function propertyValue(object: Node, key: string): Node | undefined {
  if (!Node.isObjectLiteralExpression(object)) return undefined;
  const property = object.getProperty(key);
  if (Node.isPropertyAssignment(property)) return property.getInitializer();
  if (Node.isShorthandPropertyAssignment(property)) return property.getNameNode();
  return undefined;
}

/** The literal type of property `key` on the value's type: how generated helpers and eventType objects carry names. */
function literalProperty(node: Node, key: string): string | undefined {
  const property = node.getType().getProperty(key);
  return property ? stringLiteralOf(property.getTypeAtLocation(node)) : undefined;
}

function isEventTypeCall(node: Node): node is import("ts-morph").CallExpression {
  if (!Node.isCallExpression(node)) return false;
  const callee = node.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : callee.getText();
  return name === "eventType";
}

/**
 * The event an expression names: a string, `eventType("x")`, an object with `name`/`event`
 * (eventType instances, generated helpers), or a const holding one of those.
 */
export function resolveEventName(node: Node, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = unwrap(node);
  const asString = resolveString(value, depth + 1);
  if (asString !== undefined) return asString;
  if (isEventTypeCall(value)) {
    const [first] = value.getArguments();
    return first ? resolveString(first, depth + 1) : undefined;
  }
  if (Node.isObjectLiteralExpression(value)) {
    const named = propertyValue(value, "name") ?? propertyValue(value, "event");
    return named ? resolveString(named, depth + 1) : undefined;
  }
  if (Node.isIdentifier(value) || Node.isPropertyAccessExpression(value)) {
    const initializer = followConstant(value);
    const resolved = initializer && resolveEventName(initializer, depth + 1);
    if (resolved !== undefined) return resolved;
  }
  if (Node.isIdentifier(value) || Node.isPropertyAccessExpression(value) || Node.isCallExpression(value)) {
    return literalProperty(value, "name") ?? literalProperty(value, "event");
  }
  return undefined;
}

/** One event payload found in a send. */
export interface Payload {
  node: Node;
  name: string | undefined;
  /** Whether the payload sets `v`; undefined when it cannot be told (spreads, opaque values). */
  hasV: boolean | undefined;
  /** The `id` expression of an object-literal payload. */
  id: Node | undefined;
}

function returnedExpressions(callback: Node): Node[] {
  if (!Node.isArrowFunction(callback) && !Node.isFunctionExpression(callback)) return [];
  const body = callback.getBody();
  if (!Node.isBlock(body)) return [body];
  return body
    .getDescendantStatements()
    .filter(Node.isReturnStatement)
    .filter(
      (statement) => statement.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor)) === callback,
    )
    .map((statement) => statement.getExpression())
    .filter((expression): expression is Expression => expression !== undefined);
}

function objectPayload(object: import("ts-morph").ObjectLiteralExpression): Payload {
  const nameNode = propertyValue(object, "name");
  const hasSpread = object.getProperties().some(Node.isSpreadAssignment);
  const declaresV = object.getProperty("v") !== undefined;
  return {
    node: object,
    name: nameNode ? resolveString(nameNode) : hasSpread ? literalProperty(object, "name") : undefined,
    hasV: declaresV ? true : hasSpread ? undefined : false,
    id: propertyValue(object, "id"),
  };
}

/**
 * Whether `helper.create(data, options)` sends a `v`: from `options.v`, from
 * `eventType(name, { version })`, or always for a generated helper (it sets the latest itself).
 */
function createSetsVersion(call: import("ts-morph").CallExpression, helper: Node): boolean | undefined {
  const options = call.getArguments()[1];
  if (options && Node.isObjectLiteralExpression(unwrap(options)) && propertyValue(unwrap(options), "v")) return true;
  let definition: Node | undefined = unwrap(helper);
  for (let depth = 0; definition && !isEventTypeCall(definition) && depth < MAX_DEPTH; depth++) {
    definition =
      Node.isIdentifier(definition) || Node.isPropertyAccessExpression(definition)
        ? followConstant(definition)
        : undefined;
    definition = definition && unwrap(definition);
  }
  if (!definition || !isEventTypeCall(definition)) return true;
  const eventOptions = definition.getArguments()[1];
  return eventOptions !== undefined && propertyValue(unwrap(eventOptions), "version") !== undefined;
}

/** Every payload an argument of `send`/`sendEvent` carries. */
export function resolvePayloads(node: Node, depth = 0): Payload[] {
  const value = unwrap(node);
  const opaque = (): Payload[] => {
    const type = value.getType();
    const element = type.getArrayElementType() ?? type;
    const names = (element.isUnion() ? element.getUnionTypes() : [element]).map((member) => {
      const property = member.getProperty("name");
      return property ? stringLiteralOf(property.getTypeAtLocation(value)) : undefined;
    });
    return names.map((name) => ({ node: value, name, hasV: undefined, id: undefined }));
  };
  if (depth > MAX_DEPTH) return opaque();
  if (Node.isObjectLiteralExpression(value)) return [objectPayload(value)];
  if (Node.isArrayLiteralExpression(value)) {
    return value
      .getElements()
      .flatMap((element) =>
        resolvePayloads(Node.isSpreadElement(element) ? element.getExpression() : element, depth + 1),
      );
  }
  if (Node.isConditionalExpression(value)) {
    return [...resolvePayloads(value.getWhenTrue(), depth + 1), ...resolvePayloads(value.getWhenFalse(), depth + 1)];
  }
  if (Node.isCallExpression(value)) {
    const callee = value.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === "create") {
      const name = resolveEventName(callee.getExpression()) ?? literalProperty(value, "name");
      return [{ node: value, name, hasV: createSetsVersion(value, callee.getExpression()), id: undefined }];
    }
    if (Node.isPropertyAccessExpression(callee) && ["map", "flatMap"].includes(callee.getName())) {
      const [callback] = value.getArguments();
      const returned = callback ? returnedExpressions(callback) : [];
      if (returned.length > 0) return returned.flatMap((expression) => resolvePayloads(expression, depth + 1));
    }
    return opaque();
  }
  if (Node.isIdentifier(value) || Node.isPropertyAccessExpression(value)) {
    const initializer = followConstant(value);
    if (initializer) return resolvePayloads(initializer, depth + 1);
  }
  return opaque();
}
