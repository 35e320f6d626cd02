/**
 * Property: whatever body a client sends, the gateway answers 200, 400 or 413 (never a 5xx: the
 * delivery here is local, so no upstream can fail), as JSON whose `status` matches, without a stack
 * trace, and it keeps serving afterwards with Object.prototype untouched.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/bus.ts";
import { memoryStore } from "../../src/runtime/dedup/memory.ts";
import { deliverLocally, type RunningGateway, startGateway } from "../../src/runtime/index.ts";
import { exampleRegistry, invoicePaid, leaksInternals, post } from "./support.ts";

const KEY = "fuzz-key";
const MAX_BODY = 256 * 1024;
let gateway: RunningGateway;
let runtime: ReturnType<typeof createRuntime>;
const unexpected: Error[] = [];

beforeAll(async () => {
  const registry = await exampleRegistry();
  runtime = createRuntime({ registry, store: memoryStore(), onError: (error) => unexpected.push(error) });
  gateway = await startGateway({
    port: 0,
    eventKeys: [KEY],
    maxBodyBytes: MAX_BODY,
    deliver: deliverLocally(runtime),
    onError: (error) => unexpected.push(error),
  });
});

afterAll(async () => {
  await gateway?.close(1_000);
  await runtime?.close();
});

async function answersSafely(body: string | Uint8Array): Promise<void> {
  const answer = await post(gateway.url, KEY, body, { raw: true });
  expect([200, 400, 413]).toContain(answer.status);
  expect(answer.body.status).toBe(answer.status);
  expect(leaksInternals(answer.text)).toBe(false);
}

const names = fc.constantFrom("billing/invoice.paid", "user/profile.updated", "inngest/function.failed", "", "x");
const pollutingKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf");
const json = fc.jsonValue({ maxDepth: 4 });
const withKeys = fc.dictionary(fc.oneof(pollutingKey, fc.string({ maxLength: 8 })), json, { maxKeys: 4 });
const event = fc.record(
  {
    name: fc.oneof(names, fc.string()),
    data: fc.oneof(withKeys, json, fc.constant(invoicePaid().data)),
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    ts: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(Date.now())),
    v: fc.oneof(fc.string(), fc.constantFrom("2024-01-15.1", "1.0.0"), fc.integer()),
    user: withKeys,
  },
  { requiredKeys: [] },
);
/** Deep nesting, written as text so no JSON.stringify recursion is needed to build it. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
  .map(([depth, open, inData]) => {
    const close = open === "[" ? "]" : "}";
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
    return inData ? `{"name":"billing/invoice.paid","data":{"deep":${nested}}}` : nested;
  });

describe("arbitrary bodies", () => {
  it("random JSON events and batches", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(event, fc.array(event, { maxLength: 20 }), json), async (body) => {
        await answersSafely(JSON.stringify(body) ?? "null");
      }),
      { numRuns: 100 },
    );
  });

  it("random text, random bytes, huge strings and deep nesting", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json(),
          fc.uint8Array({ maxLength: 200 }),
          deep,
          fc
            .integer({ min: MAX_BODY - 100, max: MAX_BODY + 100 })
            .map((size) => JSON.stringify({ ...invoicePaid(), pad: "x".repeat(size) })),
        ),
        async (body) => {
          await answersSafely(body);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("left the gateway serving and the prototypes clean", async () => {
    expect((await post(gateway.url, KEY, invoicePaid("after-fuzz"))).status).toBe(200);
    expect(Object.prototype).toEqual({});
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
    expect(unexpected).toEqual([]);
  });
});
