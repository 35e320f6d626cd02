/**
 * A field-level diff between two consecutive versions of an event, for people reading the catalog:
 * which fields were added, removed or changed, and whether each change lets readers on either side
 * keep reading. It is deliberately small; `evreg check` (src/compat/) is the authority that gates CI.
 *
 * Directions follow Confluent's modes: `backward` = readers on the new version read data written
 * with the old one; `forward` = readers on the old version read data written with the new one.
 */
import type { CompatibilityMode } from "../../registry/define.ts";
import type { JsonSchemaObject } from "../../registry/json-schema.ts";
import { type ConstraintKeyword, type FieldRow, schemaFields } from "./fields.ts";

export type FieldChangeKind = "added" | "removed" | "changed";

export interface FieldChange {
  kind: FieldChangeKind;
  path: string;
  /** What changed, in words: `optional field added`, `type string → number`. */
  detail: string;
  backward: boolean;
  forward: boolean;
}

export interface VersionDiff {
  from: string;
  to: string;
  mode: CompatibilityMode;
  changes: FieldChange[];
  /** Whether every change keeps the directions `mode` asks for. */
  compatible: boolean;
}

type Effect = "narrowed" | "widened" | "both" | "none";

const EFFECTS: Record<Exclude<Effect, "none">, Pick<FieldChange, "backward" | "forward">> = {
  // Old data may break the new, stricter rule; data written under it still satisfies the old one.
  narrowed: { backward: false, forward: true },
  widened: { backward: true, forward: false },
  both: { backward: false, forward: false },
};

const LOWER_BOUNDS: ConstraintKeyword[] = ["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];
const UPPER_BOUNDS: ConstraintKeyword[] = ["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];
const EXACT: ConstraintKeyword[] = ["pattern", "format", "multipleOf", "uniqueItems"];

/** Whether a change keeps the directions a compatibility mode requires. */
export function changeAllowed(change: Pick<FieldChange, "backward" | "forward">, mode: CompatibilityMode): boolean {
  if (mode === "NONE") return true;
  if (mode.startsWith("BACKWARD")) return change.backward;
  if (mode.startsWith("FORWARD")) return change.forward;
  return change.backward && change.forward;
}

function typeCovers(wide: string, narrow: string): boolean {
  return wide === narrow || wide === "any" || (wide === "number" && narrow === "integer");
}

function setEffect(older: string[], newer: string[], covers: (a: string, b: string) => boolean): Effect {
  const widened = older.every((type) => newer.some((other) => covers(other, type)));
  const narrowed = newer.every((type) => older.some((other) => covers(other, type)));
  if (widened && narrowed) return "none";
  if (widened) return "widened";
  if (narrowed) return "narrowed";
  return "both";
}

function boundEffect(keyword: ConstraintKeyword, older: unknown, newer: unknown): Effect {
  if (older === newer) return "none";
  if (older === undefined) return "narrowed";
  if (newer === undefined) return "widened";
  if (LOWER_BOUNDS.includes(keyword)) return (newer as number) > (older as number) ? "narrowed" : "widened";
  if (UPPER_BOUNDS.includes(keyword)) return (newer as number) < (older as number) ? "narrowed" : "widened";
  return "both";
}

const show = (value: unknown): string => (value === undefined ? "none" : JSON.stringify(value));

function allowedValues(row: FieldRow): unknown[] | undefined {
  if (row.enum) return row.enum;
  return "const" in row ? [row.const] : undefined;
}

/** The changes to one field present in both versions. */
function fieldChanges(older: FieldRow, newer: FieldRow): FieldChange[] {
  const changes: FieldChange[] = [];
  // the detail is written only for a change (most fields do not change between versions)
  const push = (effect: Effect, detail: () => string) => {
    if (effect !== "none") changes.push({ kind: "changed", path: newer.path, detail: detail(), ...EFFECTS[effect] });
  };
  push(
    setEffect(older.types, newer.types, typeCovers),
    () => `type ${older.types.join(" | ")} → ${newer.types.join(" | ")}`,
  );
  if (older.required !== newer.required) {
    push(newer.required ? "narrowed" : "widened", () => (newer.required ? "became required" : "became optional"));
  }
  const oldValues = allowedValues(older);
  const newValues = allowedValues(newer);
  if (oldValues || newValues) {
    const effect =
      oldValues && newValues
        ? setEffect(oldValues.map(show), newValues.map(show), (a, b) => a === b)
        : oldValues
          ? "widened"
          : "narrowed";
    push(
      effect,
      () =>
        `allowed values ${oldValues ? oldValues.map(show).join(", ") : "any"} → ${newValues ? newValues.map(show).join(", ") : "any"}`,
    );
  }
  for (const keyword of [...LOWER_BOUNDS, ...UPPER_BOUNDS, ...EXACT]) {
    const before = older.constraints[keyword];
    const after = newer.constraints[keyword];
    // several patterns on one string are a list
    if (before === after || (Array.isArray(before) && show(before) === show(after))) continue;
    const effect = EXACT.includes(keyword)
      ? before === undefined
        ? "narrowed"
        : after === undefined
          ? "widened"
          : "both"
      : boundEffect(keyword, before, after);
    push(effect, () => `${keyword} ${show(before)} → ${show(after)}`);
  }
  if (older.closed !== undefined && newer.closed !== undefined && older.closed !== newer.closed) {
    push(newer.closed ? "narrowed" : "widened", () =>
      newer.closed ? "now rejects unknown keys" : "now accepts unknown keys",
    );
  }
  return changes;
}

function parentPath(path: string): string {
  const items = /\[\d*\]$/.exec(path);
  if (items) return path.slice(0, items.index);
  const dot = path.lastIndexOf(".");
  return dot < 0 ? "" : path.slice(0, dot);
}

function isWithin(path: string, ancestors: Set<string>): boolean {
  for (let parent = parentPath(path); parent !== ""; parent = parentPath(parent)) {
    if (ancestors.has(parent)) return true;
  }
  return false;
}

/** Field changes from `older` to `newer` (two data schemas), judged against `mode`. */
export function diffVersions(
  older: { v: string; dataSchema: JsonSchemaObject },
  newer: { v: string; dataSchema: JsonSchemaObject },
  mode: CompatibilityMode,
): VersionDiff {
  const oldRows = new Map(schemaFields(older.dataSchema).map((row) => [row.path, row]));
  const newRows = new Map(schemaFields(newer.dataSchema).map((row) => [row.path, row]));
  const closed = (rows: Map<string, FieldRow>, root: JsonSchemaObject, path: string): boolean => {
    const parent = parentPath(path);
    return parent === "" ? root.additionalProperties === false : rows.get(parent)?.closed === true;
  };
  const added = new Set([...newRows.keys()].filter((path) => !oldRows.has(path)));
  const removed = new Set([...oldRows.keys()].filter((path) => !newRows.has(path)));
  const changes: FieldChange[] = [];
  for (const [path, row] of newRows) {
    const before = oldRows.get(path);
    if (before) {
      changes.push(...fieldChanges(before, row));
    } else if (!isWithin(path, added)) {
      changes.push({
        kind: "added",
        path,
        detail: `${row.required ? "required" : "optional"} field added`,
        backward: !row.required,
        forward: !closed(oldRows, older.dataSchema, path),
      });
    }
  }
  for (const [path, row] of oldRows) {
    if (newRows.has(path) || isWithin(path, removed)) continue;
    changes.push({
      kind: "removed",
      path,
      detail: `${row.required ? "required" : "optional"} field removed`,
      backward: !closed(newRows, newer.dataSchema, path),
      forward: !row.required,
    });
  }
  return {
    from: older.v,
    to: newer.v,
    mode,
    changes,
    compatible: changes.every((change) => changeAllowed(change, mode)),
  };
}
