/**
 * A bounded localhost load test of `evreg serve`'s gateway against the floor of its stack: a bare
 * hono server on @hono/node-server that only parses the JSON body and answers. Every server runs in
 * its own process (this file, started with a role), so the load generator never shares its event
 * loop; the client is node:http with a keep-alive Agent.
 *
 * The goals are measured in the default delivery mode of `evreg serve`: the local runtime, one
 * handler per event, memory dedup store. The Redis store and forwarding to a local upstream (a
 * plain node:http server in a third process) are reported for information.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Agent, createServer, request, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type HttpBindings, serve } from "@hono/node-server";
import { Hono } from "hono";
import { createRuntime } from "../src/runtime/bus.ts";
import { memoryStore } from "../src/runtime/dedup/memory.ts";
import { redisStore } from "../src/runtime/dedup/redis.ts";
import { type Deliver, deliverLocally, deliverUpstream } from "../src/runtime/gateway/deliver.ts";
import { startGateway } from "../src/runtime/gateway/server.ts";
import { createEventValidator } from "../src/runtime/validate.ts";
import { median, type Row } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { repoRoot } from "./paths.ts";
import { typicalRegistry, validEvent } from "./typical.ts";

const KEY = "bench-key";

/** What a server process runs: the bare floor, the gateway (local runtime or forwarding), or an upstream. */
export type ServerRole =
  | { kind: "bare" }
  | { kind: "upstream" }
  | { kind: "gateway"; store: "memory" | { redis: string }; upstream?: string };

// ---------------------------------------------------------------------------------------------
// Server side (runs in a child process)

/** The floor: hono on @hono/node-server, parse the JSON body, answer `{ ids, status }`. */
function startBare(): Promise<string> {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.post("/e/:eventKey", async (c) => {
    const body = (await c.req.json()) as unknown;
    const events = Array.isArray(body) ? body : [body];
    return c.json({ ids: events.map((event) => String((event as { id?: unknown }).id)), status: 200 });
  });
  return listenHono(app.fetch);
}

function listenHono(fetch: Parameters<typeof serve>[0]["fetch"]): Promise<string> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
      resolve(`http://127.0.0.1:${info.port}`),
    ) as Server;
    server.keepAliveTimeout = 65_000;
  });
}

/** A stand-in Event API for forwarding: answers every batch with made-up ids. */
function startUpstream(): Promise<string> {
  let counter = 0;
  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const events = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown[];
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ids: events.map(() => `up-${++counter}`), status: 200 }));
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

async function startGatewayRole(role: Extract<ServerRole, { kind: "gateway" }>): Promise<{
  url: string;
  handled: () => number;
}> {
  const registry = typicalRegistry();
  const store = role.store === "memory" ? memoryStore() : redisStore(role.store.redis);
  let handled = 0;
  let deliver: Deliver;
  if (role.upstream) {
    deliver = deliverUpstream({
      validator: createEventValidator({ registry }),
      store,
      upstream: new URL(role.upstream),
      timeoutMs: 10_000,
      now: Date.now,
      onError: () => {},
    });
  } else {
    const runtime = createRuntime({ registry, store });
    runtime.on(validEvent.name as never, { id: "count" }, () => {
      handled++;
    });
    deliver = deliverLocally(runtime);
  }
  const gateway = await startGateway({ port: 0, eventKeys: [KEY], deliver });
  return { url: gateway.url, handled: () => handled };
}

/** The child's entry: starts its role, prints `listening <url>`, answers `stats` over IPC. */
export async function runServerRole(role: ServerRole): Promise<void> {
  let handled = () => 0;
  let url: string;
  if (role.kind === "bare") url = await startBare();
  else if (role.kind === "upstream") url = await startUpstream();
  else ({ url, handled } = await startGatewayRole(role));
  process.on("message", (message) => {
    if (message !== "stats") return;
    const cpu = process.cpuUsage();
    process.send?.({ handled: handled(), cpuMicros: cpu.user + cpu.system });
  });
  process.on("disconnect", () => process.exit(0));
  process.stdout.write(`listening ${url}\n`);
}

interface ServerStats {
  /** Events the gateway's handler ran for. */
  handled: number;
  /** CPU time the server process used so far (user + system). */
  cpuMicros: number;
}

interface ServerProcess {
  url: string;
  stats(): Promise<ServerStats>;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

function startServerProcess(role: ServerRole): Promise<ServerProcess> {
  const jiti = pathToFileURL(path.join(path.dirname(require.resolve("jiti")), "jiti.mjs")).href;
  const self = pathToFileURL(fileURLToPath(import.meta.url)).href;
  const script = [
    `const { createJiti } = await import(${JSON.stringify(jiti)});`,
    `const bench = await createJiti(${JSON.stringify(self)}).import(${JSON.stringify(self)});`,
    `await bench.runServerRole(${JSON.stringify(role)});`,
  ].join("\n");
  const child: ChildProcess = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const failed = (code: number | null) =>
      reject(new Error(`bench server ${role.kind} exited with ${code}: ${output}`));
    child.once("exit", failed);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening (\S+)/.exec(output)?.[1];
      if (!url) return;
      child.off("exit", failed);
      child.stdout?.removeAllListeners("data");
      child.stdout?.resume();
      resolve({
        url,
        stats: () =>
          new Promise((answer) => {
            child.once("message", (message) => answer(message as ServerStats));
            child.send("stats");
          }),
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Load side (this process)

interface Sample {
  /** Events accepted per second. */
  eventsPerSecond: number;
  /** The server's CPU time per request: what the stack costs, whatever else loads the machine. */
  cpuMicrosPerRequest: number;
  p50: number;
  p99: number;
  requests: number;
}

/** One event's JSON with a placeholder for its id: bodies are spliced, not serialized per request. */
const [eventHead, eventTail] = JSON.stringify({ ...validEvent, id: "@id@" }).split('"@id@"') as [string, string];
const eventJson = (id: string): string => `${eventHead}"${id}"${eventTail}`;

function bodyOf(prefix: string, request: number, size: number): string {
  if (size === 1) return eventJson(`${prefix}-${request}`);
  const events: string[] = new Array(size);
  for (let index = 0; index < size; index++) events[index] = eventJson(`${prefix}-${request}-${index}`);
  return `[${events.join(",")}]`;
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method: "POST",
      agent,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    outgoing.once("error", reject);
    outgoing.once("response", (response) => {
      response.on("data", () => {});
      response.once("end", () => resolve(response.statusCode ?? 0));
      response.once("error", reject);
    });
    outgoing.end(body);
  });
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function summarize(latencies: number[], events: number, elapsedMs: number, cpuMicros: number): Sample {
  latencies.sort((a, b) => a - b);
  return {
    eventsPerSecond: (events * 1000) / elapsedMs,
    cpuMicrosPerRequest: cpuMicros / latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    requests: latencies.length,
  };
}

let runCounter = 0;
/** Events answered 200, per server URL. */
const acknowledgedBy = new Map<string, number>();
const acknowledge = (server: string, events: number) =>
  acknowledgedBy.set(server, (acknowledgedBy.get(server) ?? 0) + events);

/** Closed loop: `connections` clients, each sending its next request when the last one was answered. */
async function closedLoop(
  target: ServerProcess,
  size: number,
  connections: number,
  durationMs: number,
): Promise<Sample> {
  const server = target.url;
  const url = new URL(`/e/${KEY}`, server);
  const before = await target.stats();
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const prefix = `closed-${++runCounter}`;
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  const client = async () => {
    while (performance.now() < deadline) {
      const body = bodyOf(prefix, next++, size);
      const sent = performance.now();
      const status = await post(agent, url, body);
      if (status !== 200) failures++;
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: connections }, client));
  const elapsed = performance.now() - start;
  agent.destroy();
  const after = await target.stats();
  if (failures > 0) throw new Error(`bench: ${failures} requests to ${server} were not answered 200`);
  acknowledge(server, latencies.length * size);
  return summarize(latencies, latencies.length * size, elapsed, after.cpuMicros - before.cpuMicros);
}

/**
 * Open loop: request i is issued at start + i / rate, whether or not earlier ones were answered, and
 * its latency counts from that scheduled time (so a stall shows in every request it delays).
 */
async function pacedLoop(target: ServerProcess, perSecond: number, durationMs: number): Promise<Sample> {
  const server = target.url;
  const url = new URL(`/e/${KEY}`, server);
  const before = await target.stats();
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const prefix = `paced-${++runCounter}`;
  const total = Math.max(1, Math.round((perSecond * durationMs) / 1000));
  const latencies: number[] = [];
  const answers: Promise<void>[] = [];
  let failures = 0;
  let issued = 0;
  const start = performance.now();
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (issued < total && start + (issued * 1000) / perSecond <= now) {
        const scheduled = start + (issued * 1000) / perSecond;
        answers.push(
          post(agent, url, bodyOf(prefix, issued, 1)).then((status) => {
            if (status !== 200) failures++;
            latencies.push(performance.now() - scheduled);
          }),
        );
        issued++;
      }
      if (issued < total) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(answers);
  const elapsed = performance.now() - start;
  agent.destroy();
  const after = await target.stats();
  if (failures > 0) throw new Error(`bench: ${failures} paced requests to ${server} were not answered 200`);
  acknowledge(server, total);
  return summarize(latencies, total, elapsed, after.cpuMicros - before.cpuMicros);
}

/**
 * `rounds` rounds of `measure` over every target in turn (a, b, c, a, b, c, ...; with `alternate`,
 * every other round in reverse order), so a stall of this shared VM moves one round of each, not
 * one target's verdict; per target, the round whose `key` is the median.
 */
async function inTurn(
  targets: readonly ServerProcess[],
  rounds: number,
  measure: (target: ServerProcess) => Promise<Sample>,
  key: (sample: Sample) => number,
  alternate = false,
): Promise<Sample[]> {
  const samples: Sample[][] = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = [...targets.keys()];
    if (alternate && round % 2 === 1) order.reverse();
    for (const index of order) samples[index]?.push(await measure(targets[index] as ServerProcess));
  }
  return samples.map((each) => {
    const middle = median(each.map(key));
    return each.find((sample) => key(sample) === middle) ?? (each[0] as Sample);
  });
}

/** Closed-loop rounds in turn, after a warm-up of each target; per target, the round of median events/s. */
async function measureInTurn(
  targets: readonly ServerProcess[],
  size: number,
  connections: number,
  roundMs: number,
  rounds: number,
): Promise<Sample[]> {
  for (const target of targets) await closedLoop(target, size, connections, roundMs / 2);
  return inTurn(
    targets,
    rounds,
    (target) => closedLoop(target, size, connections, roundMs),
    (sample) => sample.eventsPerSecond,
  );
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

const cpu = (sample: Sample) => `${Math.round(sample.cpuMicrosPerRequest)} us CPU/request`;

function throughputRow(name: string, sample: Sample, baseline?: { name: string; sample: Sample }): Row {
  const figures = `p50 ${ms(sample.p50)}, p99 ${ms(sample.p99)}, ${cpu(sample)}`;
  return {
    name,
    value: sample.eventsPerSecond,
    unit: "events/s",
    baseline: baseline ? `${baseline.name} (${cpu(baseline.sample)}); here ${figures}` : figures,
    ratio: baseline ? sample.eventsPerSecond / baseline.sample.eventsPerSecond : null,
    goal: null,
    pass: null,
  };
}

export async function gatewayRows(options: BenchOptions): Promise<Row[]> {
  const roundMs = options.smoke ? 150 : 1_000;
  const rounds = options.smoke ? 1 : 3;
  const pacedMs = options.smoke ? 300 : 3_000;
  const singleConnections = 32;
  const batchConnections = 8;
  // Imported here: server processes load this file too, and need neither Redis nor vitest.
  const { startRedis } = await import("../test/support/redis.ts");
  const redis = await startRedis();
  const started: ServerProcess[] = [];
  const start = async (role: ServerRole) => {
    const server = await startServerProcess(role);
    started.push(server);
    return server;
  };
  try {
    const [bare, local, localRedis, upstream] = await Promise.all([
      start({ kind: "bare" }),
      start({ kind: "gateway", store: "memory" }),
      start({ kind: "gateway", store: { redis: redis.url } }),
      start({ kind: "upstream" }),
    ]);
    const forwarding = await start({ kind: "gateway", store: "memory", upstream: upstream.url });
    const targets = [bare, local, localRedis, forwarding];
    const [bareSingle, localSingle, redisSingle, forwardedSingle] = (await measureInTurn(
      targets,
      1,
      singleConnections,
      roundMs,
      rounds,
    )) as [Sample, Sample, Sample, Sample];
    const [bareBatches, localBatch, redisBatch, forwardedBatch] = (await measureInTurn(
      targets,
      100,
      batchConnections,
      roundMs,
      rounds,
    )) as [Sample, Sample, Sample, Sample];
    // per target, the round of median p99
    const [pacedBare, paced] = (await inTurn(
      [bare, local],
      rounds,
      (target) => pacedLoop(target, 1_000, pacedMs),
      (sample) => sample.p99,
      true,
    )) as [Sample, Sample];

    // Every event the gateway acknowledged reached its handler: the work measured is real.
    const { handled } = await local.stats();
    const acknowledged = acknowledgedBy.get(local.url) ?? 0;
    if (handled !== acknowledged) {
      throw new Error(`bench: the gateway acknowledged ${acknowledged} events but its handler ran ${handled} times`);
    }

    const floor = { name: "bare hono", sample: bareSingle };
    const batchFloor = { name: "bare hono", sample: bareBatches };
    const singleRow = throughputRow("gateway single events, memory store (local runtime)", localSingle, floor);
    singleRow.goal = ">= 0.5x bare";
    singleRow.pass = (singleRow.ratio ?? 0) >= 0.5;
    const batchRow = throughputRow("gateway batches of 100, memory store (local runtime)", localBatch, batchFloor);
    batchRow.goal = ">= 50,000 events/s";
    batchRow.pass = localBatch.eventsPerSecond >= 50_000;
    return [
      throughputRow("bare hono server (parse + answer), single events", bareSingle),
      singleRow,
      throughputRow("gateway single events, Redis store (local runtime)", redisSingle, floor),
      throughputRow("gateway single events, forwarded upstream (memory store)", forwardedSingle, floor),
      throughputRow("bare hono server (parse + answer), batches of 100", bareBatches),
      batchRow,
      throughputRow("gateway batches of 100, Redis store (local runtime)", redisBatch, batchFloor),
      throughputRow("gateway batches of 100, forwarded upstream (memory store)", forwardedBatch, batchFloor),
      {
        name: "gateway p99 at a paced 1,000 requests/s, single events, memory store",
        value: paced.p99,
        unit: "ms",
        baseline: `median of ${rounds} rounds; bare hono p99 ${ms(pacedBare.p99)}; p50 ${ms(paced.p50)} (bare ${ms(pacedBare.p50)}); ${cpu(paced)} (bare ${cpu(pacedBare)})`,
        ratio: null,
        goal: "< 20 ms",
        pass: paced.p99 < 20,
      },
    ];
  } finally {
    await Promise.all(started.map((server) => server.stop()));
    await redis.stop();
  }
}
