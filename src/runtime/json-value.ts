/**
 * What may travel in `data`: plain JSON only. Class instances, functions, cycles, non-finite numbers
 * and prototype-pollution keys are reported with the JSON pointer where they sit, so a payload that
 * would change shape on `JSON.stringify` (or poison a consumer's `Object.assign`) never gets through.
 */

import { pointerSegment } from "../errors.ts";

export interface JsonProblem {
  path: string;
  message: string;
  fix: string;
}

const MAX_DEPTH = 512;
const MAX_PROBLEMS = 10;

/** Whether a value is an object literal (prototype `Object.prototype` or null), not an array or class. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name ? `a ${name} instance` : "a non-plain object";
  }
  return `a ${typeof value}`;
}

const CLASS_FIX: Record<string, string> = {
  "a Date instance": "send date.toISOString() (an ISO 8601 string)",
  "a Map instance": "send Object.fromEntries(map)",
  "a Set instance": "send [...set]",
};

export interface JsonScan {
  problems: JsonProblem[];
  /** An upper bound of the UTF-8 bytes of `JSON.stringify(value)`: exact sizing is needed only above a limit. */
  maxBytes: number;
}

/** The problems that keep `value` (found at `path`) from being plain JSON; empty when it is. */
export function findNonJsonValues(value: unknown, path: string): JsonProblem[] {
  return scanJson(value, path).problems;
}

/** One walk: what is not plain JSON, and how large the JSON can be at most. */
export function scanJson(value: unknown, path: string): JsonScan {
  const problems: JsonProblem[] = [];
  // A UTF-16 unit takes at most 6 bytes in JSON (`\u001f`); numbers at most 24 characters.
  let maxBytes = 0;
  // The objects above the current node: a stack, since JSON is shallow and a Set costs more.
  const ancestors: object[] = [];
  // Keys of the current node's ancestors; a pointer string is built only for a problem.
  const keys: (string | number)[] = [];
  const here = (): string => `${path}${keys.map((key) => `/${pointerSegment(key)}`).join("")}`;
  const report = (message: string, fix: string): void => {
    problems.push({ path: here(), message, fix });
  };

  const visit = (node: unknown, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    switch (typeof node) {
      case "string":
        maxBytes += node.length * 6 + 2;
        return;
      case "boolean":
      case "undefined":
        maxBytes += 5;
        return;
      case "number":
        maxBytes += 24;
        if (!Number.isFinite(node)) report(`${node} is not a JSON number`, "send a finite number or null");
        return;
      case "bigint":
        report("a bigint is not a JSON number", "send a number or a numeric string");
        return;
      case "function":
      case "symbol":
        report(`${describe(node)} is not JSON`, "send only JSON values");
        return;
    }
    if (node === null) {
      maxBytes += 4;
      return;
    }
    const object = node as object;
    if (depth > MAX_DEPTH) {
      report(`data is nested deeper than ${MAX_DEPTH} levels`, "flatten the payload");
      return;
    }
    if (ancestors.includes(object)) {
      report("circular reference", "send a tree: reference repeated objects by id");
      return;
    }
    const isArray = Array.isArray(object);
    if (!isArray && !isPlainObject(object)) {
      const what = describe(object);
      report(
        `${what} is not plain JSON; it would change shape when serialized`,
        CLASS_FIX[what] ?? "convert it to a plain object or a string before sending",
      );
      return;
    }
    ancestors.push(object);
    maxBytes += 2;
    if (isArray) {
      maxBytes += object.length;
      for (let index = 0; index < object.length; index++) {
        keys.push(index);
        visit(object[index], depth + 1);
        keys.pop();
      }
    } else {
      for (const key of Object.keys(object)) {
        maxBytes += key.length * 6 + 4;
        const child = (object as Record<string, unknown>)[key];
        keys.push(key);
        if (
          key === "__proto__" ||
          (key === "constructor" && typeof child === "object" && child !== null && "prototype" in child)
        ) {
          report(
            `key "${key}" is a prototype-pollution vector and is never accepted`,
            `rename the field (e.g. "${key === "__proto__" ? "proto" : "constructorInfo"}")`,
          );
        } else {
          visit(child, depth + 1);
        }
        keys.pop();
      }
    }
    ancestors.pop();
  };

  try {
    visit(value, 0);
  } catch (error) {
    problems.push({
      path,
      message: `data could not be read: ${error instanceof Error ? error.message : String(error)}`,
      fix: "send plain JSON (no getters that throw, no proxies)",
    });
  }
  return { problems, maxBytes };
}

/**
 * A deep copy of a JSON value (what validation let through), cheaper than structuredClone. Each
 * object is copied with a spread, which V8 does in one step and gives every copy of one shape the
 * same hidden class (so code reading the copies stays fast); only object fields are copied again.
 */
export function copyJson<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const items = value.slice();
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      if (typeof item === "object" && item !== null) items[index] = copyJson(item);
    }
    return items as T;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in copy) {
    const field = copy[key];
    if (typeof field !== "object" || field === null || !Object.hasOwn(copy, key)) continue;
    // An own "__proto__" key (JSON.parse makes them) must stay data, not become the prototype.
    if (key === "__proto__")
      Object.defineProperty(copy, key, {
        value: copyJson(field),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else copy[key] = copyJson(field);
  }
  return copy as T;
}
