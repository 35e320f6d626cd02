/**
 * Forwarding to an upstream Event API (a recording stand-in on 127.0.0.1): only a 2xx acknowledges;
 * a 500, a hang or a refused connection answers 502/504 and releases the batch's dedup marks, so the
 * client's retry goes through and the event arrives exactly once.
 */
import { createServer } from "node:net";
import { Inngest } from "inngest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { memoryStore } from "../../src/runtime/dedup/memory.ts";
import { deliverUpstream, type RunningGateway, startGateway } from "../../src/runtime/index.ts";
import { createEventValidator } from "../../src/runtime/validate.ts";
import {
  exampleRegistry,
  invoicePaid,
  leaksInternals,
  post,
  type RecordingUpstream,
  startRecordingUpstream,
} from "./support.ts";

const KEY = "test-key";
const TIMEOUT_MS = 400;
let upstream: RecordingUpstream;
let gateway: RunningGateway;
const errors: Error[] = [];

async function gatewayTo(target: string): Promise<RunningGateway> {
  const registry = await exampleRegistry();
  return startGateway({
    port: 0,
    eventKeys: [KEY],
    deliver: deliverUpstream({
      validator: createEventValidator({ registry }),
      store: memoryStore(),
      upstream: new URL(target),
      timeoutMs: TIMEOUT_MS,
      now: Date.now,
      onError: (error) => errors.push(error),
    }),
  });
}

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await gatewayTo(upstream.url);
});

afterAll(async () => {
  await gateway?.close(1_000);
  await upstream?.close();
});

afterEach(() => {
  upstream.releaseHung();
  expect(errors).toEqual([]);
});

describe("forwarding", () => {
  it("forwards a valid batch to /e/<key> and answers with the upstream's ids", async () => {
    const before = upstream.accepted.length;
    const answer = await post(gateway.url, KEY, [invoicePaid("f-1"), invoicePaid("f-2")], {
      headers: { "x-inngest-event-id-seed": "1700000000000,c2VlZA==" },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ ids: [expect.stringMatching(/^up-/), expect.stringMatching(/^up-/)], status: 200 });
    const [request] = upstream.accepted.slice(before);
    expect(request?.key).toBe(KEY);
    expect(request?.events.map((event) => event.id)).toEqual(["f-1", "f-2"]);
    expect(request?.headers["x-inngest-event-id-seed"]).toBe("1700000000000,c2VlZA==");
    expect(request?.headers["content-type"]).toBe("application/json");
  });

  it("keeps extras such as user and sets the v it validated against", async () => {
    const before = upstream.accepted.length;
    const event = { name: "user/profile.updated", data: { userId: "u_1", changes: {} }, user: { id: "u_1" } };
    expect((await post(gateway.url, KEY, event)).status).toBe(200);
    expect(upstream.accepted[before]?.events).toEqual([{ ...event, v: "2024-01-15.1" }]);
  });

  it("forwards nothing of an invalid batch", async () => {
    const before = upstream.received.length;
    const answer = await post(gateway.url, KEY, [invoicePaid("i-1"), { ...invoicePaid("i-2"), ts: "soon" }]);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([expect.objectContaining({ rule: "event/ts", index: 1 })]);
    expect(upstream.received.length).toBe(before);
  });

  it.each([
    [
      "an event over 256 KiB",
      () => ({ ...invoicePaid("big"), user: { note: "x".repeat(300 * 1024) } }),
      "event/too-large",
    ],
    ["more than 5,000 events", () => Array.from({ length: 5_001 }, () => invoicePaid()), "send/too-many-events"],
  ])("answers 413 to %s, with the Issue, and forwards nothing", async (_, body, rule) => {
    const before = upstream.received.length;
    const answer = await post(gateway.url, KEY, body());
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ status: 413, issues: [expect.objectContaining({ rule })] });
    expect(upstream.received.length).toBe(before);
  });

  it("forwards a duplicate id once and answers 200 for it with its own id", async () => {
    const before = upstream.acceptedIds().length;
    const first = await post(gateway.url, KEY, [invoicePaid("d-1"), invoicePaid("d-2")]);
    const second = await post(gateway.url, KEY, [invoicePaid("d-2"), invoicePaid("d-3"), invoicePaid("d-3")]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect((second.body.ids as string[])[0]).toBe("d-2");
    expect((second.body.ids as string[])[2]).toBe("d-3");
    expect(upstream.acceptedIds().slice(before)).toEqual(["d-1", "d-2", "d-3"]);
  });
});

describe("upstream faults", () => {
  it("answers 502 on an upstream 500, releases the marks, and the retry arrives exactly once", async () => {
    upstream.mode = "fail";
    const failed = await post(gateway.url, KEY, [invoicePaid("r-1"), invoicePaid("r-2")]);
    expect(failed.status).toBe(502);
    expect(failed.body).toEqual({
      status: 502,
      error: expect.stringMatching(/answered 500: upstream is having a bad day/),
    });
    upstream.mode = "ok";
    const retried = await post(gateway.url, KEY, [invoicePaid("r-1"), invoicePaid("r-2")]);
    expect(retried.status).toBe(200);
    const again = await post(gateway.url, KEY, [invoicePaid("r-1"), invoicePaid("r-2")]);
    expect(again.status).toBe(200);
    expect(upstream.acceptedIds().filter((id) => id.startsWith("r-"))).toEqual(["r-1", "r-2"]);
  });

  it("answers 504 when the upstream hangs past the timeout, and the retry goes through", async () => {
    upstream.mode = "hang";
    const hung = await post(gateway.url, KEY, invoicePaid("h-1"));
    expect(hung.status).toBe(504);
    expect(hung.body.error).toMatch(new RegExp(`within ${TIMEOUT_MS} ms`));
    upstream.mode = "ok";
    const retried = await post(gateway.url, KEY, invoicePaid("h-1"));
    expect(retried.status).toBe(200);
    expect(retried.body.ids).toEqual([expect.stringMatching(/^up-/)]);
  });

  it("answers 502 when the upstream is down, and forwards once it is up", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const down = await gatewayTo(`http://127.0.0.1:${port}`);
    try {
      const answer = await post(down.url, KEY, invoicePaid("down-1"));
      expect(answer.status).toBe(502);
      expect(answer.body.error).toMatch(/could not be reached/);
      expect(leaksInternals(answer.text)).toBe(false);
    } finally {
      await down.close(1_000);
    }
    // The same id through the healthy gateway: nothing of the failed try blocks it (separate stores),
    // and within one gateway the release is what the 500 and hang cases above prove.
    expect((await post(gateway.url, KEY, invoicePaid("down-1"))).status).toBe(200);
  });

  it("holds a duplicate until its original's forward ends, so a failed original is not acknowledged twice", async () => {
    upstream.mode = "hang";
    const original = post(gateway.url, KEY, invoicePaid("w-1"));
    await upstream.nextRequest();
    // The original is at the upstream now; the duplicate must wait for its outcome (a 504 here).
    upstream.mode = "fail";
    const duplicate = post(gateway.url, KEY, invoicePaid("w-1"));
    expect((await original).status).toBe(504);
    // Released, the duplicate claims the id itself and forwards it, meeting the failing upstream.
    expect((await duplicate).status).toBe(502);
    upstream.mode = "ok";
    expect((await post(gateway.url, KEY, invoicePaid("w-1"))).status).toBe(200);
    expect(upstream.acceptedIds().filter((id) => id === "w-1")).toEqual(["w-1"]);
  });
});

describe("the inngest v4 SDK as the client", () => {
  it("sends single events and batches through the gateway", async () => {
    const inngest = new Inngest({ id: "gateway-test", eventKey: KEY, baseUrl: gateway.url, isDev: false });
    const before = upstream.accepted.length;
    const single = await inngest.send(invoicePaid("sdk-1") as never);
    expect(single.ids).toEqual([expect.stringMatching(/^up-/)]);
    const batch = await inngest.send([invoicePaid("sdk-2"), invoicePaid("sdk-3")] as never);
    expect(batch.ids).toHaveLength(2);
    const forwarded = upstream.accepted.slice(before);
    expect(forwarded.flatMap((request) => request.events.map((event) => event.id))).toEqual([
      "sdk-1",
      "sdk-2",
      "sdk-3",
    ]);
    // The SDK's id seed reaches the upstream, so its ids stay stable across the SDK's own retries.
    expect(forwarded[0]?.headers["x-inngest-event-id-seed"]).toMatch(/^\d+,/);
  });

  it("surfaces the gateway's validation error to the SDK caller", async () => {
    const inngest = new Inngest({ id: "gateway-test", eventKey: KEY, baseUrl: gateway.url, isDev: false });
    const sent = inngest.send({ name: "billing/invoice.paid", data: { amount: "ten" } } as never);
    await expect(sent).rejects.toThrow(/400 the event is not valid, nothing was accepted \(#0 \/data.*customerId/);
  });
});
