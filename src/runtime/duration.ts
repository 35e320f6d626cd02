/** Inngest duration strings (`"30s"`, `"5m"`, `"1h30m"`, `"2d"`, `"1w"`) or milliseconds. */
import { EvregError } from "../errors.ts";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

export type Duration = number | string;

/** Milliseconds of a duration; an EvregError naming the input when it is not one. */
export function durationMs(duration: Duration, where: string): number {
  if (typeof duration === "number" && Number.isFinite(duration) && duration >= 0) return duration;
  if (typeof duration === "string" && /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/.test(duration.trim())) {
    let total = 0;
    for (const [, amount, unit] of duration.trim().matchAll(PART))
      total += Number(amount) * (UNIT_MS[unit ?? "ms"] ?? 1);
    return total;
  }
  throw new EvregError("Invalid duration:", [
    {
      rule: "runtime/duration",
      severity: "error",
      path: where,
      message: `${JSON.stringify(duration)} is not a duration`,
      fix: 'use milliseconds or a string like "30s", "5m", "1h30m", "2d"',
    },
  ]);
}
