/**
 * ajv's errors as Issues: a JSON pointer into the event (`/data/amount`), what is wrong in words a
 * sender understands, and the fix. ajv's own wording is kept where it is already clear.
 */
import { type Issue, pointerKey, pointerSegment } from "../errors.ts";

/** One error of an envelope validator: ajv's ErrorObject, or the generated validators' copy of it. */
export interface EnvelopeError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  return pointer
    .slice(1)
    .split("/")
    .map(pointerKey)
    .reduce<unknown>(
      (node, key) => (node === null || typeof node !== "object" ? undefined : (node as Record<string, unknown>)[key]),
      root,
    );
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function dotted(pointer: string): string {
  return pointer.slice(1).split("/").join(".");
}

interface Explained {
  path: string;
  message: string;
  fix: string;
}

function explain(error: EnvelopeError, event: unknown): Explained {
  const params = error.params;
  const at = error.instancePath;
  const value = valueAt(event, at);
  switch (error.keyword) {
    case "required": {
      const path = `${at}/${pointerSegment(String(params.missingProperty))}`;
      return { path, message: `required field ${dotted(path)} is missing`, fix: `add ${dotted(path)}` };
    }
    case "additionalProperties": {
      const path = `${at}/${pointerSegment(String(params.additionalProperty))}`;
      return {
        path,
        message: `field ${dotted(path)} is not declared and this object is closed`,
        fix: `remove ${dotted(path)}, or declare it in a new version of the schema`,
      };
    }
    case "type":
      return {
        path: at,
        message: `must be ${String(params.type)}, got ${jsonType(value)} ${shown(value)}`,
        fix: `send ${dotted(at) || "it"} as ${String(params.type)}`,
      };
    case "enum":
      return {
        path: at,
        message: `${shown(value)} is not one of ${(params.allowedValues as unknown[]).map(shown).join(", ")}`,
        fix: `use one of ${(params.allowedValues as unknown[]).map(shown).join(", ")}`,
      };
    case "const":
      return {
        path: at,
        message: `must be ${shown(params.allowedValue)}, got ${shown(value)}`,
        fix: `send ${shown(params.allowedValue)}`,
      };
    case "pattern":
      return {
        path: at,
        message: `${shown(value)} does not match ${String(params.pattern)}`,
        fix: `send ${dotted(at)} matching ${String(params.pattern)}`,
      };
    default:
      return {
        path: at,
        message: `${shown(value)} ${error.message ?? `fails ${error.keyword}`}`,
        fix: `make ${dotted(at) || "the event"} satisfy: ${error.message ?? error.keyword}`,
      };
  }
}

/** One Issue per ajv error on the envelope of `event` (the event at `index` of its batch). */
export function issuesFromAjvErrors(
  errors: readonly EnvelopeError[],
  event: unknown,
  context: { event: string; version: string; index: number },
): Issue[] {
  return errors.map((error) => {
    const { path, message, fix } = explain(error, event);
    return {
      rule: "event/schema",
      severity: "error",
      event: context.event,
      index: context.index,
      path: path || "/",
      message: `${message} (version ${context.version})`,
      fix,
    };
  });
}
