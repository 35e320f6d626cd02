import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import fc from "fast-check";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import registry from "../../schemas/index.ts";
import { createRuntime } from "../../src/runtime/bus.ts";
import { manualClock } from "../../src/runtime/clock.ts";
import { memoryStore } from "../../src/runtime/dedup/memory.ts";
import { redisStore } from "../../src/runtime/dedup/redis.ts";
import { sqliteStore } from "../../src/runtime/dedup/sqlite.ts";
import { type DedupStore, DedupStoreError } from "../../src/runtime/dedup/store.ts";
import { DEDUP_WINDOW_MS } from "../../src/runtime/limits.ts";
import { startRedis, useRedis } from "../support/redis.ts";
import { tempDir } from "../support/temp.ts";

const redis = useRedis();
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
let prefixes = 0;

const stores: [string, () => Promise<DedupStore>][] = [
  ["memory", async () => memoryStore()],
  ["sqlite", async () => sqliteStore(path.join(await tempDir("dedup"), "dedup.sqlite"))],
  ["redis", async () => redisStore(redis().url, { keyPrefix: `test:${prefixes++}:` })],
];

const T0 = Date.UTC(2024, 0, 15);

describe.each(stores)("%s store", (_name, make) => {
  it("claims an id once, in order, within a batch and across calls", async () => {
    const store = await make();
    expect(await store.claim(["a", "b", "a"], T0)).toEqual([true, true, false]);
    expect(await store.claim(["b", "c"], T0 + 1)).toEqual([false, true]);
    expect(await store.claim([], T0)).toEqual([]);
    await store.close();
  });

  it("release lets an id through again", async () => {
    const store = await make();
    await store.claim(["x", "y"], T0);
    await store.release(["x"]);
    expect(await store.claim(["x", "y"], T0 + 1)).toEqual([true, false]);
    await store.close();
  });
});

describe.each(stores.filter(([name]) => name !== "sqlite"))("%s store, two-phase claims", (_name, make) => {
  it("keeps a first claim pending until confirmed; a released one is first again", async () => {
    const store = await make();
    expect(await store.claimPending?.(["p", "q", "p"], T0, 10_000)).toEqual(["first", "first", "pending"]);
    expect(await store.claimPending?.(["p", "q"], T0 + 1, 10_000)).toEqual(["pending", "pending"]);
    await store.confirm?.(["p"], T0 + 2);
    await store.release(["q"]);
    expect(await store.claimPending?.(["p", "q"], T0 + 3, 10_000)).toEqual(["done", "first"]);
    // An ordinary claim sees pending and confirmed marks alike: taken.
    expect(await store.claim(["p", "q"], T0 + 4)).toEqual([false, false]);
    await store.close();
  });
});

describe.each(stores.slice(0, 2))("%s store window (fake clock)", (_name, make) => {
  it("blocks for 24 hours from the first reception, not the last", async () => {
    const store = await make();
    expect(await store.claim(["id"], T0)).toEqual([true]);
    expect(await store.claim(["id"], T0 + DEDUP_WINDOW_MS - 1)).toEqual([false]);
    expect(await store.claim(["id"], T0 + DEDUP_WINDOW_MS)).toEqual([true]);
    expect(await store.claim(["id"], T0 + 2 * DEDUP_WINDOW_MS - 1)).toEqual([false]);
    await store.close();
  });
});

describe("memory store", () => {
  it("evicts expired ids and stays under maxEntries", async () => {
    const store = memoryStore({ maxEntries: 100 });
    await store.claim(
      Array.from({ length: 50 }, (_, index) => `old-${index}`),
      T0,
    );
    await store.claim(["new"], T0 + DEDUP_WINDOW_MS);
    expect(store.size).toBe(1);
    await store.claim(
      Array.from({ length: 500 }, (_, index) => `many-${index}`),
      T0 + DEDUP_WINDOW_MS,
    );
    expect(store.size).toBe(100);
  });

  // The reference: one Map in first-reception order, expired and surplus ids dropped from the front.
  const referenceStore = (windowMs: number, maxEntries: number) => {
    const seen = new Map<string, number>();
    return {
      claim(ids: string[], now: number): boolean[] {
        const verdicts = ids.map((id) => {
          const first = seen.get(id);
          if (first !== undefined && first + windowMs > now) return false;
          seen.delete(id);
          seen.set(id, now);
          return true;
        });
        for (const [id, first] of seen) {
          if (first + windowMs > now && seen.size <= maxEntries) break;
          seen.delete(id);
        }
        return verdicts;
      },
      release(ids: string[]) {
        for (const id of ids) seen.delete(id);
      },
      get size() {
        return seen.size;
      },
    };
  };

  type Operation = { kind: "claim"; ids: string[]; later: number } | { kind: "release"; ids: string[] };
  const expectReference = async (operations: readonly Operation[], maxEntries: number) => {
    const windowMs = 50;
    const store = memoryStore({ windowMs, maxEntries });
    const reference = referenceStore(windowMs, maxEntries);
    let now = T0;
    for (const operation of operations) {
      if (operation.kind === "release") {
        await store.release(operation.ids);
        reference.release(operation.ids);
        continue;
      }
      now += operation.later;
      expect(await store.claim(operation.ids, now)).toEqual(reference.claim(operation.ids, now));
      expect(store.size).toBe(reference.size);
    }
  };
  const operations = (ids: fc.Arbitrary<string>, length: number, later: number) =>
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant("claim" as const), ids: fc.array(ids, { maxLength: 6 }), later: fc.nat(later) }),
        fc.record({ kind: fc.constant("release" as const), ids: fc.array(ids, { maxLength: 3 }) }),
      ),
      { maxLength: length },
    );

  it("gives the reference's verdicts and size for any sequence of claims, releases and time", async () => {
    const id = fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h");
    await fc.assert(fc.asyncProperty(operations(id, 60, 40), fc.integer({ min: 1, max: 6 }), expectReference), {
      numRuns: 500,
    });
  });

  it("tells an id released and claimed again in the same millisecond from its old claim", async () => {
    // found by the property above: the old queue entry for f matched f's new claim by time, so
    // eviction dropped f where the reference drops a
    await expectReference(
      [
        { kind: "claim", ids: ["f"], later: 0 },
        { kind: "release", ids: ["f"] },
        { kind: "claim", ids: ["a", "f"], later: 0 },
        { kind: "claim", ids: ["b", "c", "g"], later: 0 },
        { kind: "release", ids: ["a"] },
        { kind: "claim", ids: [], later: 0 },
      ],
      4,
    );
  });

  it("gives the reference's verdicts across queue compactions (thousands of claims)", async () => {
    const id = fc.integer({ min: 0, max: 400 }).map(String);
    await fc.assert(fc.asyncProperty(operations(id, 3_000, 3), fc.integer({ min: 1, max: 600 }), expectReference), {
      numRuns: 8,
    });
  });
});

describe("redis store window", () => {
  it("lets Redis expire marks after windowMs (Redis's clock)", async () => {
    const store = redisStore(redis().url, { keyPrefix: "window:", windowMs: 50 });
    expect(await store.claim(["short"], 0)).toEqual([true]);
    expect(await store.claim(["short"], 0)).toEqual([false]);
    const client = new Redis(redis().url);
    // Until Redis itself has expired the mark: PTTL reads 0 while under a millisecond is left.
    while ((await client.exists("window:short")) === 1) await new Promise((resolve) => setTimeout(resolve, 10));
    client.disconnect();
    expect(await store.claim(["short"], 0)).toEqual([true]);
    await store.close();
  });
});

describe("sqlite store", () => {
  it("survives a restart", async () => {
    const file = path.join(await tempDir("dedup"), "dedup.sqlite");
    const first = sqliteStore(file);
    await first.claim(["kept"], T0);
    await first.close();
    const second = sqliteStore(file);
    expect(await second.claim(["kept", "fresh"], T0 + 1)).toEqual([false, true]);
    await second.close();
  });

  it("deletes expired marks as claims go: the file keeps about a window's ids, whatever the days before", async () => {
    const file = path.join(await tempDir("dedup"), "dedup.sqlite");
    const store = sqliteStore(file);
    const perDay = 3_000;
    const days = 5;
    for (let day = 0; day < days; day++) {
      const now = T0 + day * DEDUP_WINDOW_MS;
      // one path on even days, the other on odd ones: single claims sweep outside a transaction, batches inside
      for (let index = 0; index < perDay; index += day % 2 === 0 ? 1 : 100) {
        const ids = Array.from({ length: day % 2 === 0 ? 1 : 100 }, (_, offset) => `d${day}-${index + offset}`);
        expect(await store.claim(ids, now)).toEqual(ids.map(() => true));
      }
    }
    const reader = new Database(file, { readonly: true });
    const marks = reader.prepare("SELECT count(*) AS count FROM evreg_dedup").get() as { count: number };
    const live = reader
      .prepare("SELECT count(*) AS count FROM evreg_dedup WHERE first_seen >= ?")
      .get(T0 + (days - 1) * DEDUP_WINDOW_MS) as { count: number };
    reader.close();
    // without the sweep, 15,000; with it, the last day's ids and about a third more
    expect(live.count).toBe(perDay);
    expect(marks.count).toBeLessThanOrEqual(2 * perDay);
    expect(await store.claim(["d4-0", "d3-0", "d0-0"], T0 + (days - 1) * DEDUP_WINDOW_MS + 1)).toEqual([
      false,
      true,
      true,
    ]);
    await store.close();
  });

  it("reports a locked file as a DedupStoreError with a fix", async () => {
    const file = path.join(await tempDir("dedup"), "dedup.sqlite");
    const store = sqliteStore(file, { busyTimeoutMs: 20 });
    const holder = new Database(file);
    holder.exec("BEGIN EXCLUSIVE");
    const error = await store.claim(["x"], T0).catch((caught: unknown) => caught);
    holder.exec("ROLLBACK");
    holder.close();
    expect(error).toBeInstanceOf(DedupStoreError);
    expect((error as DedupStoreError).issues[0]).toMatchObject({
      rule: "runtime/dedup-store",
      message: expect.stringContaining("locked"),
    });
    expect(await store.claim(["x"], T0)).toEqual([true]);
    await store.close();
  });

  it("reports a corrupt file as a DedupStoreError naming the file", async () => {
    const file = path.join(await tempDir("dedup"), "corrupt.sqlite");
    await writeFile(file, "this is not a database, just text that is long enough to have a header".repeat(100));
    let error: unknown;
    try {
      sqliteStore(file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DedupStoreError);
    expect((error as DedupStoreError).issues[0]).toMatchObject({
      message: expect.stringContaining("corrupt.sqlite"),
      fix: expect.stringContaining("move"),
    });
  });
});

describe("redis stopped mid-run", () => {
  it("fails the send with a clear error and delivers nothing; the process goes on", async () => {
    const server = await startRedis();
    const store = redisStore(server.url, { commandTimeoutMs: 500, redis: { retryStrategy: () => 50 } });
    const runtime = createRuntime({ registry, store, clock: manualClock() });
    let runs = 0;
    runtime.on("billing/invoice.paid", { id: "count" }, () => {
      runs++;
    });
    const invoice = (id: string) => ({
      name: "billing/invoice.paid" as const,
      id,
      data: {
        customerId: "cus_1",
        invoiceId: "in_1",
        userId: "u",
        amount: 1,
        metadata: { accountId: "a", accountName: "b" },
      },
    });
    await runtime.send(invoice("before"));
    await runtime.idle();
    await server.stop();
    const error = await runtime.send(invoice("during")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DedupStoreError);
    expect((error as Error).message).toContain(`Redis at ${server.url} did not answer`);
    expect((error as DedupStoreError).issues[0]?.fix).toContain("check that Redis is running");
    await runtime.idle();
    expect(runs).toBe(1);
    await runtime.close();
    await store.close();
  });
});
