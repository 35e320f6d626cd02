/**
 * `evreg serve` as real processes: two gateways sharing one Redis forward each id once even when
 * both receive it at the same moment; a failed forward on one lets the retry through the other;
 * SIGTERM answers the request in flight before the process exits; --handlers delivers locally.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useRedis } from "../support/redis.ts";
import { tempDir } from "../support/temp.ts";
import {
  invoicePaid,
  post,
  type RecordingUpstream,
  runServeToExit,
  type ServeProcess,
  spawnServe,
  startRecordingUpstream,
} from "./support.ts";

const redis = useRedis();
const KEY = "process-key";
let upstream: RecordingUpstream;
let gatewayA: ServeProcess;
let gatewayB: ServeProcess;
let local: ServeProcess;
let refused: Awaited<ReturnType<typeof runServeToExit>>;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  const dir = await tempDir("gateway");
  const keyFile = path.join(dir, "keys.txt");
  await writeFile(keyFile, `# test keys\nother-key\n${KEY}\n`);
  const shared = ["--store", `redis:${redis().url}`, "--upstream", upstream.url, "--event-key-file", keyFile];
  [gatewayA, gatewayB, local, refused] = await Promise.all([
    spawnServe([...shared, "--upstream-timeout", "30000"]),
    spawnServe(shared),
    spawnServe([
      "--handlers",
      "test/gateway/fixtures/record-handlers.ts",
      "--store",
      `sqlite:${path.join(dir, "dedup.db")}`,
      "--event-key-file",
      keyFile,
    ]),
    runServeToExit(["--host", "0.0.0.0", "--port", "0"]),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([gatewayA?.stop(), gatewayB?.stop(), local?.stop()]);
  await upstream?.close();
});

describe("two gateways sharing one Redis", () => {
  it("forward each id once when both receive it concurrently", async () => {
    const ids = Array.from({ length: 120 }, (_, index) => `shared-${index}`);
    const sendAll = (gateway: ServeProcess, order: string[]) =>
      Promise.all(order.map((id) => post(gateway.url, KEY, invoicePaid(id))));
    const [fromA, fromB] = await Promise.all([sendAll(gatewayA, ids), sendAll(gatewayB, [...ids].reverse())]);
    expect([...fromA, ...fromB].every((answer) => answer.status === 200)).toBe(true);
    const forwarded = upstream.acceptedIds().filter((id) => id.startsWith("shared-"));
    expect(forwarded).toHaveLength(ids.length);
    expect(new Set(forwarded)).toEqual(new Set(ids));
  });

  it("let a retry through the other gateway after the upstream failed, and it arrives once", async () => {
    upstream.mode = "fail";
    expect((await post(gatewayA.url, KEY, invoicePaid("retry-1"))).status).toBe(502);
    upstream.mode = "ok";
    expect((await post(gatewayB.url, KEY, invoicePaid("retry-1"))).status).toBe(200);
    expect((await post(gatewayA.url, KEY, invoicePaid("retry-1"))).status).toBe(200);
    expect(upstream.acceptedIds().filter((id) => id === "retry-1")).toEqual(["retry-1"]);
  });

  it("answer the request in flight on SIGTERM, then exit 0", async () => {
    upstream.mode = "hang";
    const inFlight = post(gatewayA.url, KEY, invoicePaid("term-1"));
    await upstream.nextRequest();
    gatewayA.child.kill("SIGTERM");
    // Draining: health says so (or the listener is already closed); the held request is still open.
    await expect
      .poll(
        async () =>
          fetch(`${gatewayA.url}/health`).then(
            (r) => r.status,
            () => "closed",
          ),
        { timeout: 20_000 },
      )
      .not.toBe(200);
    upstream.releaseHung();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.ids).toEqual([expect.stringMatching(/^up-/)]);
    expect(await gatewayA.exited).toBe(0);
    expect(gatewayA.stderr()).toMatch(/SIGTERM, finishing 1 request\(s\) in flight/);
    expect(gatewayA.stderr()).toMatch(/stopped/);
    expect(upstream.acceptedIds()).toContain("term-1");
  });
});

describe("the local runtime with --handlers and a SQLite store", () => {
  it("delivers each id once to the module's handlers", async () => {
    expect((await post(local.url, KEY, invoicePaid("local-1"))).body).toEqual({ ids: ["local-1"], status: 200 });
    expect((await post(local.url, KEY, invoicePaid("local-1"))).status).toBe(200);
    expect((await post(local.url, "wrong", invoicePaid("local-2"))).status).toBe(401);
    await expect.poll(() => local.stdout(), { timeout: 10_000 }).toMatch(/"delivered":"local-1"/);
    expect(local.stdout().match(/"delivered":"local-1"/g)).toHaveLength(1);
    expect(local.stdout()).not.toMatch(/local-2/);
  });
});

describe("start-up mistakes", () => {
  it("refuses to listen beyond loopback without event keys, with an Issue and exit 2", () => {
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--host 0\.0\.0\.0 takes connections from other machines/);
    expect(refused.stderr).toMatch(/fix: pass --event-key-file/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});
