/** `--store memory | sqlite:FILE | redis:URL` (a bare `redis://` or `rediss://` URL works too). */
import { EvregError } from "../../errors.ts";
import { memoryStore } from "../dedup/memory.ts";
import { redisStore } from "../dedup/redis.ts";
import { sqliteStore } from "../dedup/sqlite.ts";
import type { DedupStore } from "../dedup/store.ts";

export type StoreSpec = { kind: "memory" } | { kind: "sqlite"; file: string } | { kind: "redis"; url: string };

function badSpec(spec: string, why: string): EvregError {
  return new EvregError("Cannot use the dedup store:", [
    {
      rule: "serve/store",
      severity: "error",
      message: `--store ${spec}: ${why}`,
      fix: "pass memory, sqlite:./dedup.db or redis:redis://127.0.0.1:6379",
    },
  ]);
}

export function parseStoreSpec(spec: string): StoreSpec {
  if (spec === "memory") return { kind: "memory" };
  if (/^rediss?:\/\//.test(spec)) return { kind: "redis", url: spec };
  if (spec.startsWith("redis:")) {
    const url = spec.slice("redis:".length);
    if (!/^rediss?:\/\/[^/]/.test(url)) throw badSpec(spec, "the Redis URL must start with redis:// or rediss://");
    return { kind: "redis", url };
  }
  if (spec.startsWith("sqlite:")) {
    const file = spec.slice("sqlite:".length);
    if (file.length === 0) throw badSpec(spec, "no file after sqlite:");
    return { kind: "sqlite", file };
  }
  throw badSpec(spec, "unknown store");
}

export function openStore(spec: StoreSpec): DedupStore {
  switch (spec.kind) {
    case "memory":
      return memoryStore();
    case "sqlite":
      return sqliteStore(spec.file);
    case "redis":
      return redisStore(spec.url);
  }
}

/** The store as it may be printed: a Redis URL without its password. */
export function describeStore(spec: StoreSpec): string {
  if (spec.kind === "memory") return "memory";
  if (spec.kind === "sqlite") return `sqlite:${spec.file}`;
  return `redis:${spec.url.replace(/\/\/([^@/]*)@/, "//***@")}`;
}
