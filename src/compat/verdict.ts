/**
 * Verdicts per compatibility mode (Confluent's modes): BACKWARD, FORWARD, FULL, each optionally
 * _TRANSITIVE (against every earlier version, not only the previous one), and NONE.
 */
import { COMPATIBILITY_MODES, type CompatibilityMode } from "../registry/versions.ts";
import { type DiffOptions, diffSchemas } from "./diff.ts";
import type { SchemaChange } from "./kinds.ts";

export interface ModeChange extends SchemaChange {
  /** Whether this change is allowed by the mode checked. */
  compatible: boolean;
}

export interface VersionVerdict {
  /** Index into `previousSchemas`. */
  against: number;
  compatible: boolean;
  changes: ModeChange[];
}

export interface CompatibilityResult {
  mode: CompatibilityMode;
  compatible: boolean;
  /** One entry per earlier schema the mode compares against (none for NONE). */
  verdicts: VersionVerdict[];
}

export function isCompatibilityMode(value: string): value is CompatibilityMode {
  return (COMPATIBILITY_MODES as readonly string[]).includes(value);
}

/** Whether a change is allowed under a mode: BACKWARD looks at `backward`, FORWARD at `forward`, FULL at both. */
export function allowedBy(change: SchemaChange, mode: CompatibilityMode): boolean {
  if (mode === "NONE") return true;
  if (mode.startsWith("BACKWARD")) return change.backward;
  if (mode.startsWith("FORWARD")) return change.forward;
  return change.backward && change.forward;
}

/** The earlier schemas a mode compares a new one with: all of them when transitive, else the last. */
export function schemasToCheck(count: number, mode: CompatibilityMode): number[] {
  if (mode === "NONE" || count === 0) return [];
  if (mode.endsWith("_TRANSITIVE")) return Array.from({ length: count }, (_, index) => index);
  return [count - 1];
}

/** Checks `newSchema` against `previousSchemas` (oldest first) under `mode`. */
export function checkCompatibility(
  newSchema: unknown,
  previousSchemas: readonly unknown[],
  mode: CompatibilityMode,
  options: DiffOptions = {},
): CompatibilityResult {
  const verdicts = schemasToCheck(previousSchemas.length, mode).map((against): VersionVerdict => {
    const changes = diffSchemas(previousSchemas[against], newSchema, options).map((found) => ({
      ...found,
      compatible: allowedBy(found, mode),
    }));
    return { against, compatible: changes.every((found) => found.compatible), changes };
  });
  return { mode, compatible: verdicts.every((verdict) => verdict.compatible), verdicts };
}
