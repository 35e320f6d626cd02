/**
 * The default dedup store: one process, bounded memory. Ids sit in a Map in first-reception order,
 * so expired ids are evicted from the front; past `maxEntries` the oldest go first.
 */
import { DEDUP_WINDOW_MS } from "../limits.ts";
import type { DedupStore, StoreOptions } from "./store.ts";

export interface MemoryStoreOptions extends StoreOptions {
  /** Most ids kept; beyond it the oldest are forgotten early. Default 100,000. */
  maxEntries?: number;
}

export interface MemoryStore extends DedupStore {
  /** Ids currently remembered. */
  readonly size: number;
}

export function memoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const windowMs = options.windowMs ?? DEDUP_WINDOW_MS;
  const maxEntries = options.maxEntries ?? 100_000;
  const firstSeen = new Map<string, number>();

  const evict = (now: number): void => {
    for (const [id, seen] of firstSeen) {
      if (seen + windowMs > now && firstSeen.size <= maxEntries) break;
      firstSeen.delete(id);
    }
  };

  const claimOne = (id: string, now: number): boolean => {
    const seen = firstSeen.get(id);
    if (seen !== undefined && seen + windowMs > now) return false;
    firstSeen.delete(id);
    firstSeen.set(id, now);
    return true;
  };

  return {
    get size() {
      return firstSeen.size;
    },
    async claim(ids, now) {
      const claimed = ids.map((id) => claimOne(id, now));
      evict(now);
      return claimed;
    },
    async release(ids) {
      for (const id of ids) firstSeen.delete(id);
    },
    async close() {
      firstSeen.clear();
    },
  };
}
