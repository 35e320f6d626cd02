import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { checkCompatibility } from "../../src/compat/verdict.ts";
import { type Direction, EXPECTED_DIVERGENCES, SUITE_OPTIONS } from "./expected-divergences.ts";

interface ConformanceCase {
  id: string;
  description: string;
  old: unknown;
  new: unknown;
  backward: boolean | null;
  forward: boolean | null;
}

const SUITES = ["apicurio", "json-schema-diff", "jsoncompat"] as const;
const agreement: string[] = [];

afterAll(() => {
  // Printed by `npm test` so the agreement per suite is visible in CI logs.
  console.log(`\nJSON Schema compatibility conformance (agreement with each source):\n${agreement.join("\n")}`);
});

describe.each(SUITES)("conformance: %s", (suite) => {
  const cases = JSON.parse(readFileSync(new URL(`./${suite}/cases.json`, import.meta.url), "utf8")) as ConformanceCase[];
  const divergences = EXPECTED_DIVERGENCES[suite] ?? {};
  const tally = { backward: { agree: 0, total: 0 }, forward: { agree: 0, total: 0 } };

  afterAll(() => {
    const line = (direction: Direction) => {
      const { agree, total } = tally[direction];
      return `${direction} ${agree}/${total} (${((100 * agree) / total).toFixed(1)}%)`;
    };
    agreement.push(`  ${suite}: ${line("backward")}, ${line("forward")}`);
  });

  it("lists only divergences that exist in the suite", () => {
    const ids = new Set(cases.map((found) => found.id));
    for (const id of Object.keys(divergences)) expect(ids.has(id), id).toBe(true);
  });

  it.each(cases.map((found) => [found.id, found] as const))("%s", (_id, found) => {
    for (const direction of ["backward", "forward"] as const) {
      const expected = found[direction];
      if (expected === null) continue;
      const mode = direction === "backward" ? "BACKWARD" : "FORWARD";
      const actual = checkCompatibility(found.new, [found.old], mode, SUITE_OPTIONS[suite]).compatible;
      tally[direction].total += 1;
      if (actual === expected) tally[direction].agree += 1;
      const diverges = divergences[found.id]?.directions.includes(direction) ?? false;
      expect(actual, `${found.id} ${direction}: ${found.description}`).toBe(diverges ? !expected : expected);
    }
  });
});
