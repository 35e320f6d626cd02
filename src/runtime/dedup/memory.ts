/**
 * The default dedup store: one process, bounded memory. Ids sit in a Map, and in a queue in
 * first-reception order, so expired ids are evicted from the queue's front without walking the Map
 * (whose iteration would step over every deleted slot); past `maxEntries` the oldest go first.
 */
import { DEDUP_WINDOW_MS } from "../limits.ts";
import type { ClaimState, DedupStore, StoreOptions } from "./store.ts";

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
  // Each id's claim, as its position in the queue below, counted from the very first claim: a queue
  // entry is the id's current claim exactly when the positions match. (Times cannot tell: an id
  // released and claimed again in the same millisecond would make its old entry look current.)
  const positions = new Map<string, number>();
  // The queue: ids and when they were claimed, oldest first from `head`; `dropped` entries were cut
  // from its front. An entry whose id was released, or claimed again after it expired, no longer
  // matches `positions` and is skipped.
  let queuedIds: string[] = [];
  let queuedTimes: number[] = [];
  let head = 0;
  let dropped = 0;
  // Queue entries that no longer match (released, or claimed again after expiring). While there
  // are none, eviction trusts the queue and skips one Map lookup per id.
  let stale = 0;
  // Ids claimed with claimPending and not yet confirmed or released.
  const pending = new Set<string>();

  const compact = (): void => {
    if (head > 1_024 && head * 2 > queuedIds.length) {
      queuedIds = queuedIds.slice(head);
      queuedTimes = queuedTimes.slice(head);
      dropped += head;
      head = 0;
    }
    // Releases without evictions leave stale entries behind: rebuild from the Map (insertion order).
    if (queuedIds.length - head > 2 * positions.size + 1_024) {
      const ids = [...positions.keys()];
      queuedTimes = ids.map((id) => queuedTimes[(positions.get(id) as number) - dropped] as number);
      queuedIds = ids;
      for (const [index, id] of ids.entries()) positions.set(id, index);
      head = 0;
      dropped = 0;
      stale = 0;
    }
  };

  /** Whether `evict` has anything to do: an expired or stale id first in the queue, or too many ids. */
  const evictable = (now: number): boolean =>
    head < queuedIds.length &&
    (stale > 0 || positions.size > maxEntries || (queuedTimes[head] as number) + windowMs <= now);

  const evict = (now: number): void => {
    while (head < queuedIds.length) {
      const id = queuedIds[head] as string;
      if (stale === 0 || positions.get(id) === dropped + head) {
        if ((queuedTimes[head] as number) + windowMs > now && positions.size <= maxEntries) break;
        positions.delete(id);
      } else stale--;
      head++;
    }
    compact();
  };

  const claimOne = (id: string, now: number): boolean => {
    const position = positions.get(id);
    if (position !== undefined) {
      if ((queuedTimes[position - dropped] as number) + windowMs > now) return false;
      // Claimed again after expiry: it moves to the back, keeping first-reception order.
      positions.delete(id);
      stale++;
    }
    positions.set(id, dropped + queuedIds.length);
    queuedIds.push(id);
    queuedTimes.push(now);
    return true;
  };

  return {
    get size() {
      return positions.size;
    },
    async claim(ids, now) {
      const claimed: boolean[] = new Array(ids.length);
      for (let index = 0; index < ids.length; index++) claimed[index] = claimOne(ids[index] as string, now);
      if (evictable(now)) evict(now);
      return claimed;
    },
    async claimPending(ids, now) {
      const states: ClaimState[] = new Array(ids.length);
      for (let index = 0; index < ids.length; index++) {
        const id = ids[index] as string;
        if (claimOne(id, now)) {
          pending.add(id);
          states[index] = "first";
        } else states[index] = pending.has(id) ? "pending" : "done";
      }
      if (evictable(now)) evict(now);
      return states;
    },
    async confirm(ids) {
      for (const id of ids) pending.delete(id);
    },
    async release(ids) {
      for (const id of ids) {
        if (positions.delete(id)) stale++;
        pending.delete(id);
      }
    },
    async close() {
      pending.clear();
      positions.clear();
      queuedIds = [];
      queuedTimes = [];
      head = 0;
      dropped = 0;
      stale = 0;
    },
  };
}
