/**
 * Two gateways sharing one Redis: while the first is still forwarding an id, a duplicate that
 * reaches the second is not acknowledged. It waits until the first forward succeeded (then it is a
 * duplicate, 200) or failed and released the mark (then the second forwards it itself).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "../../src/runtime/dedup/redis.ts";
import type { DedupStore } from "../../src/runtime/dedup/store.ts";
import { deliverUpstream, type RunningGateway, startGateway } from "../../src/runtime/index.ts";
import { createEventValidator } from "../../src/runtime/validate.ts";
import { useRedis } from "../support/redis.ts";
import {
  type Answer,
  exampleRegistry,
  invoicePaid,
  post,
  type RecordingUpstream,
  startRecordingUpstream,
} from "./support.ts";

const KEY = "pending-key";
const redis = useRedis();
let upstream: RecordingUpstream;
const running: RunningGateway[] = [];
const stores: DedupStore[] = [];
let prefixes = 0;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
});
afterEach(async () => {
  upstream.mode = "ok";
  await Promise.all(running.splice(0).map((gateway) => gateway.close(500)));
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await upstream?.close();
});

/** Two replicas: each its own Redis connection and gate, one key space; `timeoutMs` for the first. */
async function twoGateways(firstTimeoutMs: number): Promise<[RunningGateway, RunningGateway]> {
  const registry = await exampleRegistry();
  const keyPrefix = `pending:${prefixes++}:`;
  const start = async (timeoutMs: number) => {
    const store = redisStore(redis().url, { keyPrefix });
    stores.push(store);
    const gateway = await startGateway({
      port: 0,
      eventKeys: [KEY],
      deliver: deliverUpstream({
        validator: createEventValidator({ registry }),
        store,
        upstream: new URL(upstream.url),
        timeoutMs,
        now: Date.now,
        onError: () => {},
      }),
    });
    running.push(gateway);
    return gateway;
  };
  return [await start(firstTimeoutMs), await start(10_000)];
}

/** Whether `answer` is still unanswered after the other gateway had time to poll a few times. */
async function stillWaiting(answer: Promise<Answer>): Promise<boolean> {
  const pending = Symbol("pending");
  const settled = await Promise.race([answer, new Promise((resolve) => setTimeout(() => resolve(pending), 300))]);
  return settled === pending;
}

const acceptedCount = (id: string) => upstream.acceptedIds().filter((each) => each === id).length;

describe("a duplicate at another gateway while the first forward is in flight", () => {
  it("waits for it and answers 200 once it succeeded; the event is forwarded once", async () => {
    const [first, second] = await twoGateways(10_000);
    upstream.mode = "hang";
    const forwarded = upstream.nextRequest();
    const original = post(first.url, KEY, invoicePaid("pending-ok"));
    await forwarded;
    const duplicate = post(second.url, KEY, invoicePaid("pending-ok"));
    expect(await stillWaiting(duplicate)).toBe(true);

    upstream.releaseHung();
    expect((await original).status).toBe(200);
    const answer = await duplicate;
    expect(answer.status).toBe(200);
    expect(answer.body.ids).toEqual(["pending-ok"]);
    expect(acceptedCount("pending-ok")).toBe(1);
  });

  it("takes over when the first forward fails: the duplicate's client gets 200 and the event arrives once", async () => {
    const [first, second] = await twoGateways(1_000);
    upstream.mode = "hang";
    const forwarded = upstream.nextRequest();
    const original = post(first.url, KEY, invoicePaid("pending-fail"));
    await forwarded;
    const duplicate = post(second.url, KEY, invoicePaid("pending-fail"));
    expect(await stillWaiting(duplicate)).toBe(true);
    // The hung forward stays hung; the second gateway's own forward is answered.
    upstream.mode = "ok";

    expect((await original).status).toBe(504);
    const answer = await duplicate;
    expect(answer.status).toBe(200);
    expect(acceptedCount("pending-fail")).toBe(1);
  });
});
