/**
 * A small, robust timing harness: warm up, then several timed rounds, and report the median
 * ops/s so one noisy round (GC, another process) does not move the figure.
 */

export interface Row {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline: string;
  /** value / baseline value (or the inverse for "lower is better" rows, so higher is better). */
  ratio: number | null;
  /** The goal in words, e.g. ">= 3x zod"; null when the row is reported only. */
  goal: string | null;
  pass: boolean | null;
}

export interface MeasureOptions {
  warmupMs: number;
  roundMs: number;
  rounds: number;
}

let sink = 0;

/** Median operations per second of `run` over `options.rounds` rounds. */
export function opsPerSecond(run: () => unknown, options: MeasureOptions): number {
  const timeRound = (budgetMs: number) => {
    let calls = 0;
    let batch = 16;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < budgetMs) {
      for (let index = 0; index < batch; index++) if (run()) sink++;
      calls += batch;
      elapsed = performance.now() - start;
      if (elapsed < budgetMs / 10) batch *= 2;
    }
    return (calls * 1000) / elapsed;
  };
  timeRound(options.warmupMs);
  return median(Array.from({ length: options.rounds }, () => timeRound(options.roundMs)));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * `subject` against `baseline`, round for round: a warm-up round of each, then `pairs` pairs of
 * rounds (baseline, then subject). The ratio is the median of the pairs' subject / baseline, so a
 * slow moment of this shared VM moves one pair, not the verdict; each side's value is its median.
 */
export async function pairedRounds(
  pairs: number,
  baseline: () => Promise<number>,
  subject: () => Promise<number>,
): Promise<{ baseline: number; subject: number; ratio: number }> {
  await baseline();
  await subject();
  const samples: { baseline: number; subject: number }[] = [];
  for (let pair = 0; pair < pairs; pair++) samples.push({ baseline: await baseline(), subject: await subject() });
  return {
    baseline: median(samples.map((sample) => sample.baseline)),
    subject: median(samples.map((sample) => sample.subject)),
    ratio: median(samples.map((sample) => sample.subject / sample.baseline)),
  };
}

/** Milliseconds one call of `run` takes (awaited). */
export async function timeMs(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Keeps results observable so the engine cannot drop the measured calls. */
export function sinkValue(): number {
  return sink;
}

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => [
    row.name,
    `${formatNumber(row.value)} ${row.unit}`,
    row.baseline,
    row.ratio === null ? "" : `${formatNumber(row.ratio)}x`,
    row.goal ?? "",
    row.pass === null ? "" : row.pass ? "pass" : "FAIL",
  ]);
  const header = ["benchmark", "value", "baseline", "ratio", "goal", ""];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] as string).length)),
  );
  const line = (cell: string[]) =>
    cell
      .map((text, column) => text.padEnd(widths[column] as number))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...cells.map(line)].join("\n");
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
