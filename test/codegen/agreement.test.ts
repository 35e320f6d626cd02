/**
 * Cross-check: zod and the precompiled ajv validators must give the same verdict on the same data,
 * valid and invalid, for every event version. Payloads are the guide's examples and random
 * mutations of them (fields removed, retyped, replaced with near-miss strings, extra keys).
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { validators } from "../../generated/validators.js";
import schemas from "../../schemas/index.ts";
import { systemRegistry } from "../../src/index.ts";
import { examplePayloads } from "../fixtures/examples.ts";

const events = [...schemas.events, ...systemRegistry.events];

const nearMisses = [
  "",
  "x",
  "cus_",
  "cus_1",
  "ord_9",
  "ch_1",
  "sub_1",
  "in_1",
  "user@example.com",
  "user@example",
  "2024-02-15T12:00:00Z",
  "2024-02-15T12:00:00+01:00",
  "2024-02-30T12:00:00Z",
  "usd",
  "USD",
  "4242",
  "424",
  "pro",
  "gold",
  "dark",
  "high",
  "card",
  "user_requested",
  "production",
  "😀",
];
const anyValue = fc.oneof(
  fc.constantFrom(...nearMisses),
  fc.integer({ min: -3, max: 3000 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.constantFrom(...nearMisses), { maxLength: 3 }),
  fc.array(fc.record({ id: fc.constantFrom(...nearMisses), quantity: fc.integer({ min: -1, max: 3 }) }), {
    maxLength: 2,
  }),
);

type Json = Record<string, unknown>;

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const children = Object.entries(value).flatMap(([key, inner]) => paths(inner, [...prefix, key]));
  return prefix.length > 0 ? [prefix, ...children] : children;
}

function mutate(payload: Json, path: string[], action: "delete" | "set" | "extra", value: unknown): Json {
  const copy = structuredClone(payload);
  let node: Json = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Json;
  const last = path.at(-1) as string;
  if (action === "delete") delete node[last];
  else if (action === "set") node[last] = value;
  else if (typeof node[last] === "object" && node[last] !== null) (node[last] as Json).unexpected = value;
  else node.unexpected = value;
  return copy;
}

describe.each(
  events.flatMap((event) => event.versions.map((version) => [`${event.name} ${version.v}`, event, version] as const)),
)("%s", (_label, event, version) => {
  const validate = validators[event.name]?.[version.v];
  const example = examplePayloads[event.name]?.[version.v] as Json;
  const agree = (data: unknown) => {
    const zodVerdict = version.data.safeParse(data).success;
    const ajvVerdict = validate?.({ name: event.name, data, ...(event.versioned ? { v: version.v } : {}) });
    expect(ajvVerdict, `zod says ${zodVerdict} for ${JSON.stringify(data)}`).toBe(zodVerdict);
    return zodVerdict;
  };

  test("the guide's example is valid for both", () => {
    expect(validate).toBeTypeOf("function");
    expect(agree(example)).toBe(true);
  });

  test("mutations of the example get the same verdict", () => {
    const fieldPaths = paths(example);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom(...fieldPaths), fc.constantFrom("delete", "set", "extra" as const), anyValue),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (steps) => {
          let data = example;
          for (const [path, action, value] of steps) {
            try {
              data = mutate(data, path, action, value);
            } catch {
              // an earlier step removed or replaced the parent: skip this step
            }
          }
          agree(data);
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });

  test("arbitrary JSON values get the same verdict", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (data) => void agree(data)),
      { numRuns: 20, seed: 7 },
    );
  });
});
