/**
 * Dedup in Redis, shared by every process (gateway replicas, workers): `SET key 1 NX PX window` is
 * the atomic check-and-set and Redis expires marks itself, so its clock, not the caller's, ends the
 * window. A batch is one pipeline. If Redis fails mid-batch, the marks this call set are released
 * (best effort) and the send fails: nothing is delivered twice and nothing silently dropped.
 * The command timeout is one timer per call (a pipeline of 100 SETs included), not ioredis'
 * `commandTimeout`, which arms and clears a timer per command: 20-25% of a batch's time.
 */
import { createRequire } from "node:module";
import type { Redis, RedisOptions } from "ioredis";
import { DEDUP_WINDOW_MS } from "../limits.ts";
import { type ClaimState, type DedupStore, type StoreOptions, storeError } from "./store.ts";

/** The value of a pending mark; a confirmed (or one-phase) mark holds "1". */
const PENDING = "pending";

export interface RedisStoreOptions extends StoreOptions {
  /** Prefix of every key; default `evreg:dedup:`. */
  keyPrefix?: string;
  /** How long one command may take before the send fails; default 5 s. */
  commandTimeoutMs?: number;
  /** Passed to ioredis as is. */
  redis?: RedisOptions;
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

export function redisStore(url: string, options: RedisStoreOptions = {}): DedupStore {
  const windowMs = options.windowMs ?? DEDUP_WINDOW_MS;
  const prefix = options.keyPrefix ?? "evreg:dedup:";
  const where = redactedUrl(url);
  const RedisClient = createRequire(import.meta.url)("ioredis") as typeof import("ioredis").default;
  const timeoutMs = options.commandTimeoutMs ?? 5_000;
  const client: Redis = new RedisClient(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    lazyConnect: false,
    ...options.redis,
  });
  // Without a listener ioredis prints connection errors itself; the send reports them instead.
  client.on("error", () => {});

  const fail = (error: unknown) =>
    storeError(
      "Redis",
      `Redis at ${where} did not answer`,
      `check that Redis is running and reachable at ${where}, then send again`,
      error,
    );

  /** `work`, or ioredis' own "Command timed out" error once `timeoutMs` passes without an answer. */
  const answered = <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("Command timed out")), timeoutMs);
    });
    return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
  };

  /**
   * Runs a pipeline that sets one mark per id (the SET at every `stride`-th reply). On any error the
   * marks this call did set are released (best effort) and the call fails.
   */
  const execClaims = async (
    pipeline: ReturnType<Redis["pipeline"]>,
    ids: readonly string[],
    stride: number,
  ): Promise<[Error | null, unknown][]> => {
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await answered(pipeline.exec());
    } catch (error) {
      throw fail(error);
    }
    if (!replies) throw fail(new Error("the pipeline was discarded"));
    const failed = replies.find(([error]) => error !== null)?.[0];
    if (failed) {
      const mine = ids.filter((_, index) => replies?.[stride * index]?.[1] === "OK");
      if (mine.length > 0) await answered(client.del(...mine.map((id) => prefix + id))).catch(() => undefined);
      throw fail(failed);
    }
    return replies;
  };

  return {
    async claim(ids) {
      if (ids.length === 0) return [];
      if (ids.length === 1) {
        try {
          return [(await answered(client.set(prefix + ids[0], "1", "PX", windowMs, "NX"))) === "OK"];
        } catch (error) {
          throw fail(error);
        }
      }
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.set(prefix + id, "1", "PX", windowMs, "NX");
      const replies = await execClaims(pipeline, ids, 1);
      return replies.map(([, reply]) => reply === "OK");
    },
    async claimPending(ids, _now, pendingMs) {
      if (ids.length === 0) return [];
      const pipeline = client.pipeline();
      for (const id of ids) {
        pipeline.set(prefix + id, PENDING, "PX", pendingMs, "NX");
        pipeline.get(prefix + id);
      }
      const replies = await execClaims(pipeline, ids, 2);
      return ids.map((_, index): ClaimState => {
        if (replies[2 * index]?.[1] === "OK") return "first";
        // A mark that expired between SET and GET reads as pending: the caller asks again.
        const value = replies[2 * index + 1]?.[1];
        return value === PENDING || value === null ? "pending" : "done";
      });
    },
    async confirm(ids) {
      if (ids.length === 0) return;
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.set(prefix + id, "1", "PX", windowMs);
      try {
        const replies = await answered(pipeline.exec());
        const failed = replies?.find(([error]) => error !== null)?.[0];
        if (failed) throw failed;
      } catch (error) {
        throw fail(error);
      }
    },
    async release(ids) {
      if (ids.length === 0) return;
      try {
        await answered(client.del(...ids.map((id) => prefix + id)));
      } catch (error) {
        throw fail(error);
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
