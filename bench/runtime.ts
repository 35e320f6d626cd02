/**
 * The runtime's own costs, each against the raw alternative in the same run: every dedup store vs
 * its client doing the same atomic check-and-set (single ids and batches of 100), and the fan-out
 * of one event to 100 handlers. Redis is a private redis-server on a free localhost port.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import type { Redis } from "ioredis";
import { loadRegistry } from "../src/registry/load.ts";
import { createRuntime } from "../src/runtime/bus.ts";
import { memoryStore } from "../src/runtime/dedup/memory.ts";
import { redisStore } from "../src/runtime/dedup/redis.ts";
import { sqliteStore } from "../src/runtime/dedup/sqlite.ts";
import type { DedupStore } from "../src/runtime/dedup/store.ts";
import { createEventValidator } from "../src/runtime/validate.ts";
import { examplePayloads } from "../test/fixtures/examples.ts";
import { startRedis } from "../test/support/redis.ts";
import { type MeasureOptions, median, opsPerSecond, pairedRounds, type Row } from "./harness.ts";
import type { BenchOptions } from "./main.ts";
import { repoRoot } from "./paths.ts";
import { typicalRegistry, validEvent } from "./typical.ts";
import { upcastSubjects } from "./upcast-subjects.ts";

const require = createRequire(import.meta.url);
const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * One timed round of `count` sequential calls of `operation`, numbered on from the round before:
 * items/s, for `perCall` items (ids, events) a call.
 */
function roundOf(count: number, operation: (index: number) => Promise<unknown>, perCall = 1): () => Promise<number> {
  let next = 0;
  return async () => {
    const start = performance.now();
    for (const end = next + count; next < end; next++) await operation(next);
    return (count * perCall * 1000) / (performance.now() - start);
  };
}

/** The same atomic check-and-set as a store's `claim`, done by the store's raw alternative. */
interface RawClaims {
  single: (id: string, now: number) => Promise<unknown>;
  batch: (ids: string[], now: number) => Promise<unknown>;
}

/** Both sides of a dedup comparison; `reset`, when given, empties both before each round. */
interface DedupSides {
  store: DedupStore;
  raw: RawClaims;
  reset?: () => Promise<void>;
}

/**
 * The store against its raw alternative, in paired rounds of `count` claims (batches: three times
 * as many ids); `goal` is the least ratio (store / raw) that passes. Every id is made before
 * timing: at a memory store's pace, building the strings would take as long as claiming them.
 * Without `reset` every round claims ids never claimed before; with it, each round's ids are the
 * same, claimed on emptied sides.
 */
async function storeRows(
  label: string,
  sides: DedupSides,
  options: { count: number; baseline: string; goal: number; batchIds?: number },
): Promise<Row[]> {
  const { count, goal } = options;
  // Emptied sides make rounds cheap to repeat: more of them, for a store whose rounds last
  // milliseconds (a scavenge is a tenth of one)
  const pairs = sides.reset ? 9 : 5;
  // the warm-up round and the timed rounds of roundOf, numbered on, or one round again and again
  const rounds = sides.reset ? 1 : pairs + 1;
  const calls = (prefix: string, perRound: number, size: number) =>
    Array.from({ length: rounds * perRound }, (_, index) =>
      Array.from({ length: size }, (_, offset) => `${prefix}-${index}-${offset}`),
    );
  const now = Date.now();
  const timed = (perRound: number, ids: string[][], claim: (ids: string[]) => Promise<unknown>, perCall: number) => {
    const round = roundOf(perRound, (index) => claim(ids[index % ids.length] as string[]), perCall);
    const { reset } = sides;
    if (!reset) return round;
    return async () => {
      await reset();
      return round();
    };
  };
  const singleRaw = calls("r", count, 1);
  const singleStore = calls("s", count, 1);
  const single = await pairedRounds(
    pairs,
    timed(count, singleRaw, (ids) => sides.raw.single(ids[0] as string, now), 1),
    timed(count, singleStore, (ids) => sides.store.claim(ids, now), 1),
  );
  // Three times as many ids in batches unless told: a batch round of 2,000 took ~20 ms, too short to outlast a hiccup.
  const batches = Math.max(2, Math.floor((options.batchIds ?? 3 * count) / 100));
  const batched = await pairedRounds(
    pairs,
    timed(batches, calls("rb", batches, 100), (ids) => sides.raw.batch(ids, now), 100),
    timed(batches, calls("sb", batches, 100), (ids) => sides.store.claim(ids, now), 100),
  );
  const row = (name: string, { subject, ratio }: { subject: number; ratio: number }): Row => ({
    name: `dedup ${label}: ${name}`,
    value: subject,
    unit: "ids/s",
    baseline: `${options.baseline}; median of ${pairs} paired rounds`,
    ratio,
    goal: `>= ${goal}x`,
    pass: ratio >= goal,
  });
  return [row("one id per claim", single), row("batches of 100", batched)];
}

/**
 * The memory store against a plain Map of first-reception times with the same window: the least a
 * process can do to remember a day's ids. Both start each round empty, so a Map
 * growing past a size it rehashes at lands on the same round of each, and a round's ids stay within
 * the store's default `maxEntries` (100,000): neither side forgets an id early.
 */
async function memoryRows(count: number): Promise<Row[]> {
  const firstSeen = new Map<string, number>();
  const claim = (id: string, now: number): boolean => {
    const seen = firstSeen.get(id);
    if (seen !== undefined && seen + WINDOW_MS > now) return false;
    firstSeen.set(id, now);
    return true;
  };
  // One store, emptied by close(): a new store's closures would start without type feedback
  const store = memoryStore();
  return storeRows(
    "memory",
    {
      store,
      raw: { single: async (id, now) => claim(id, now), batch: async (ids, now) => ids.map((id) => claim(id, now)) },
      reset: async () => {
        firstSeen.clear();
        await store.close();
      },
    },
    // a round's ids stay under the store's 100,000 in batches too
    { count, baseline: "plain Map with expiry", goal: 0.5, batchIds: count },
  );
}

async function sqliteRows(count: number): Promise<Row[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "evreg-bench-sqlite-"));
  const store = sqliteStore(path.join(dir, "store.db"));
  const Database = require("better-sqlite3") as typeof BetterSqlite3;
  const db = new Database(path.join(dir, "raw.db"));
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE dedup (id TEXT PRIMARY KEY, first_seen INTEGER NOT NULL)");
  const upsert = db.prepare(
    `INSERT INTO dedup (id, first_seen) VALUES (?, ?)
     ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen WHERE dedup.first_seen <= ?
     RETURNING id`,
  );
  const claim = (id: string, now: number) => upsert.get(id, now, now - WINDOW_MS) !== undefined;
  const claimAll = db.transaction((ids: string[], now: number) => ids.map((id) => claim(id, now)));
  try {
    return await storeRows(
      "SQLite",
      {
        store,
        raw: { single: async (id, now) => claim(id, now), batch: async (ids, now) => claimAll(ids, now) },
      },
      { count, baseline: "raw SQLite client", goal: 0.8 },
    );
  } finally {
    await store.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function redisRows(count: number): Promise<Row[]> {
  const server = await startRedis();
  const store = redisStore(server.url);
  const RedisClient = require("ioredis") as typeof import("ioredis").default;
  const client: Redis = new RedisClient(server.url);
  try {
    return await storeRows(
      "Redis",
      {
        store,
        raw: {
          single: (id) => client.set(`raw:${id}`, "1", "PX", WINDOW_MS, "NX"),
          batch: (ids) => {
            const pipeline = client.pipeline();
            for (const id of ids) pipeline.set(`raw:${id}`, "1", "PX", WINDOW_MS, "NX");
            return pipeline.exec();
          },
        },
      },
      { count, baseline: "raw Redis client", goal: 0.8 },
    );
  } finally {
    client.disconnect();
    await store.close();
    await server.stop();
  }
}

async function fanOutRows(events: number): Promise<Row[]> {
  const runtime = createRuntime({ registry: await loadRegistry(path.join(repoRoot, "schemas/index.ts")) });
  let runs = 0;
  for (let index = 0; index < 100; index++) {
    runtime.on("billing/invoice.paid", { id: `handler-${index}` }, () => {
      runs++;
    });
  }
  const data = examplePayloads["billing/invoice.paid"]?.["1.0.0"] as Record<string, unknown>;
  const once = async (index: number) => {
    await runtime.send({ name: "billing/invoice.paid", id: `fan-out-${index}`, data });
    await runtime.idle();
  };
  for (let index = 0; index < 20; index++) await once(-index - 1);
  const round = roundOf(events, once);
  await round();
  const msPerEvent = 1000 / median([await round(), await round(), await round()]);
  await runtime.close();
  if (runs < events * 100) throw new Error(`fan-out ran ${runs} handlers, expected at least ${events * 100}`);
  return [
    {
      name: "fan-out of one event to 100 handlers (runtime overhead)",
      value: msPerEvent,
      unit: "ms/event",
      baseline: "goal",
      ratio: null,
      goal: "< 1 ms",
      pass: msPerEvent < 1,
    },
  ];
}

/**
 * `runtime.send` of batches of 100 typical events (memory store), each fanned out to 3 handlers and
 * awaited until every handler ran, against validating the same events with the same validator, in
 * paired rounds (bench/harness.ts `pairedRounds`).
 */
export async function sendRows(batches: number): Promise<Row[]> {
  const registry = typicalRegistry();
  const runtime = createRuntime({ registry, store: memoryStore() });
  let runs = 0;
  for (const id of ["email", "analytics", "ledger"]) {
    runtime.on(validEvent.name as never, { id }, () => {
      runs++;
    });
  }
  const pairs = 7;
  // Fresh ids for every batch sent (a repeated id would be a duplicate and run nothing).
  const batchOf = (batch: number) =>
    Array.from({ length: 100 }, (_, index) => ({ ...validEvent, id: `send-${batch}-${index}` }));
  const sent = Array.from({ length: batches * (pairs + 1) }, (_, batch) => batchOf(batch));
  const validator = createEventValidator({ registry });
  const measured = await pairedRounds(
    pairs,
    roundOf(batches, async (batch) => validator.assert(sent[batch % sent.length]), 100),
    roundOf(
      batches,
      async (batch) => {
        await runtime.send(sent[batch] as never);
        await runtime.idle();
      },
      100,
    ),
  );
  await runtime.close();
  // Every batch prepared was sent once: a warm-up round, then one round per pair.
  if (runs !== sent.length * 300) throw new Error(`runtime send ran ${runs} handlers, expected ${sent.length * 300}`);
  return [
    {
      name: "runtime send, batches of 100, 3 handlers each",
      value: measured.subject,
      unit: "events/s",
      baseline: `validation alone ${Math.round(measured.baseline).toLocaleString("en-US")} events/s; median of ${pairs} paired rounds`,
      ratio: measured.ratio,
      goal: "overhead <= 3x validation",
      pass: measured.ratio >= 1 / 3,
    },
  ];
}

/**
 * Version-aware delivery (the versions issue's figures), against validating the event with its
 * version's validator: reading an event at the version it was written with (the bus asks for every
 * run of a pinned handler), and upcasting the typical event from a version without `currency` to
 * one that requires it (a copy of the data, the upcaster, then validation against the new version).
 * The upcast is also reported against the runtime's whole check of one event, what `send` runs on
 * every event (the runtime send row's baseline), and the same three steps written by hand, without
 * the router (its floor on this Node: what evreg's routing adds is the difference). Rounds alternate
 * between the measurements; each figure is the median of its rounds.
 */
function versionRows(options: BenchOptions): Row[] {
  const { registry, router, assignRouter, validate, written, latest, byHand } = upcastSubjects();
  // what `send` runs on every event before delivery: limits, plain JSON, the envelope's schema
  const runtimeCheck = createEventValidator({ registry });
  const measure: MeasureOptions = options.smoke
    ? { warmupMs: 5, roundMs: 5, rounds: 1 }
    : { warmupMs: 200, roundMs: 200, rounds: 3 };
  const runs = {
    validate: [] as number[],
    check: [] as number[],
    same: [] as number[],
    upcast: [] as number[],
    assign: [] as number[],
    byHand: [] as number[],
  };
  // 16 reads a call: one read costs about what the harness's own call does
  const sixteenReads = () => {
    let same = true;
    for (let read = 0; read < 16; read++) same = router.read(latest, "2.0.0") === latest && same;
    return same;
  };
  for (let round = 0; round < (options.smoke ? 1 : 3); round++) {
    runs.validate.push(opsPerSecond(() => validate(written), measure));
    runs.check.push(opsPerSecond(() => runtimeCheck.assert(written), measure));
    runs.same.push(16 * opsPerSecond(sixteenReads, measure));
    runs.upcast.push(opsPerSecond(() => router.read(written, "2.0.0"), measure));
    runs.assign.push(opsPerSecond(() => assignRouter.read(written, "2.0.0"), measure));
    runs.byHand.push(opsPerSecond(() => byHand(written), measure));
  }
  const validation = median(runs.validate);
  const baseline = `validating the event (${Math.round(validation).toLocaleString("en-US")} ops/s)`;
  const same = median(runs.same);
  const upcast = median(runs.upcast);
  const assign = median(runs.assign);
  const check = median(runs.check);
  const hand = median(runs.byHand);
  return [
    {
      name: "version routing, event at the reader's version",
      value: same,
      unit: "ops/s",
      baseline,
      ratio: same / validation,
      goal: ">= 10x (adds under a tenth of validation)",
      pass: same / validation >= 10,
    },
    {
      name: "upcast of the typical event, 1.0.0 -> 2.0.0 (copy, upcaster, validation)",
      value: upcast,
      unit: "ops/s",
      baseline,
      ratio: upcast / validation,
      goal: ">= 0.5x (at most 2x validation)",
      pass: upcast / validation >= 0.5,
    },
    {
      name: "the same upcast, the upcaster written with Object.assign",
      value: assign,
      unit: "ops/s",
      baseline,
      ratio: assign / validation,
      goal: null,
      pass: null,
    },
    {
      // the goal's validation read as all `send` checks of an event (the runtime send row's baseline)
      name: "the same upcast (spread upcaster) against the runtime's whole check of the event",
      value: upcast,
      unit: "ops/s",
      baseline: `the runtime's check of one event, limits and plain JSON included (${Math.round(check).toLocaleString("en-US")} ops/s)`,
      ratio: upcast / check,
      goal: null,
      pass: null,
    },
    {
      name: "the same upcast by hand (copy, spread upcaster, validation), no router",
      value: hand,
      unit: "ops/s",
      baseline,
      ratio: hand / validation,
      goal: null,
      pass: null,
    },
  ];
}

export async function runtimeRows(options: BenchOptions): Promise<Row[]> {
  const count = options.smoke ? 50 : 2_000;
  return [
    ...(await sendRows(options.smoke ? 3 : 300)),
    ...versionRows(options),
    ...(await fanOutRows(options.smoke ? 5 : 200)),
    ...(await memoryRows(options.smoke ? 50 : 90_000)),
    ...(await sqliteRows(count)),
    ...(await redisRows(count)),
  ];
}
