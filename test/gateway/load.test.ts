/**
 * A bounded load test (localhost only, fixed request count, bounded concurrency): every request is
 * answered 200 with the right ids and every distinct id is delivered exactly once, whatever the
 * interleaving. Throughput is printed for information; nothing here asserts a timing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/bus.ts";
import { memoryStore } from "../../src/runtime/dedup/memory.ts";
import { deliverLocally, deliverUpstream, type RunningGateway, startGateway } from "../../src/runtime/index.ts";
import { createEventValidator } from "../../src/runtime/validate.ts";
import { exampleRegistry, invoicePaid, post, type RecordingUpstream, startRecordingUpstream } from "./support.ts";

const KEY = "load-key";
const CONCURRENCY = 32;
let local: RunningGateway;
let forwarding: RunningGateway;
let upstream: RecordingUpstream;
let runtime: ReturnType<typeof createRuntime>;
const delivered = new Map<string, number>();

beforeAll(async () => {
  const registry = await exampleRegistry();
  runtime = createRuntime({ registry, store: memoryStore() });
  runtime.on("billing/invoice.paid", { id: "count" }, ({ event }) => {
    delivered.set(event.id, (delivered.get(event.id) ?? 0) + 1);
  });
  upstream = await startRecordingUpstream();
  [local, forwarding] = await Promise.all([
    startGateway({ port: 0, eventKeys: [KEY], deliver: deliverLocally(runtime) }),
    startGateway({
      port: 0,
      eventKeys: [KEY],
      deliver: deliverUpstream({
        validator: createEventValidator({ registry }),
        store: memoryStore(),
        upstream: new URL(upstream.url),
        timeoutMs: 10_000,
        now: Date.now,
        onError: () => {},
      }),
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([local?.close(1_000), forwarding?.close(1_000)]);
  await runtime?.close();
  await upstream?.close();
});

/** Runs `count` jobs, at most `limit` at a time; resolves with their results in order. */
async function bounded<T>(count: number, limit: number, job: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await job(index);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

function report(label: string, events: number, startedAt: number): void {
  const seconds = (performance.now() - startedAt) / 1000;
  process.stdout.write(
    `[gateway load] ${label}: ${events} events in ${seconds.toFixed(2)} s = ${Math.round(events / seconds)} events/s\n`,
  );
}

describe("bounded load", () => {
  it("2,000 single-event requests (10% repeated ids) to the local runtime: all 200, each id delivered once", async () => {
    const REQUESTS = 2_000;
    const idOf = (index: number): string => `load-${index % 10 === 9 ? index - 1 : index}`;
    const startedAt = performance.now();
    const answers = await bounded(REQUESTS, CONCURRENCY, (index) => post(local.url, KEY, invoicePaid(idOf(index))));
    report("single events, local runtime", REQUESTS, startedAt);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(answers.every((answer, index) => (answer.body.ids as string[])[0] === idOf(index))).toBe(true);
    await runtime.idle();
    const expected = new Set(Array.from({ length: REQUESTS }, (_, index) => idOf(index)));
    expect(delivered.size).toBe(expected.size);
    expect([...delivered.values()].every((times) => times === 1)).toBe(true);
  });

  it("60 batches of 100 forwarded upstream, overlapping by half: every id forwarded once", async () => {
    const BATCHES = 60;
    const batchIds = (batch: number): string[] =>
      Array.from({ length: 100 }, (_, index) => `batch-${batch * 50 + index}`);
    const startedAt = performance.now();
    const answers = await bounded(BATCHES, 8, (batch) =>
      post(
        forwarding.url,
        KEY,
        batchIds(batch).map((id) => invoicePaid(id)),
      ),
    );
    report("batches of 100, forwarded", BATCHES * 100, startedAt);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(answers.every((answer) => (answer.body.ids as string[]).length === 100)).toBe(true);
    const forwarded = upstream.acceptedIds();
    const distinct = new Set(Array.from({ length: BATCHES }, (_, batch) => batchIds(batch)).flat());
    expect(forwarded).toHaveLength(distinct.size);
    expect(new Set(forwarded)).toEqual(distinct);
  });
});
