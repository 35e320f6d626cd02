/**
 * Dedup for forwarded batches: a claimed id stays claimed only if its batch reached the upstream.
 * The store's atomic claim decides who is first across processes; within this process, a duplicate
 * that arrives while its original is still being forwarded waits for that outcome, so it is never
 * acknowledged ahead of a forward that then fails (a failure releases the marks, and the waiter
 * claims again). Waits go only to earlier claims, so two batches never wait on each other.
 */
import type { DedupStore } from "../dedup/store.ts";

interface PendingClaim {
  sequence: number;
  delivered: Promise<boolean>;
}

export interface GateClaim {
  /** Per id, in order: true when this batch is the first to carry it (forward it). */
  first: boolean[];
  /** Ends the claim: keeps the marks when delivered, releases them otherwise. */
  settle(delivered: boolean): Promise<void>;
}

export interface DedupGate {
  claim(ids: readonly string[], now: number): Promise<GateClaim>;
}

const MAX_RECLAIMS = 3;

export function createDedupGate(store: DedupStore): DedupGate {
  const pending = new Map<string, PendingClaim>();
  let sequence = 0;

  return {
    async claim(ids, now) {
      const mine = ++sequence;
      const first = await store.claim(ids, now);
      let resolveDelivered: (delivered: boolean) => void = () => {};
      const delivered = new Promise<boolean>((resolve) => {
        resolveDelivered = resolve;
      });
      const owned = new Set<string>();
      const own = (id: string): void => {
        owned.add(id);
        pending.set(id, { sequence: mine, delivered });
      };
      ids.forEach((id, index) => {
        if (first[index]) own(id);
      });

      const settle = async (wasDelivered: boolean): Promise<void> => {
        try {
          if (!wasDelivered && owned.size > 0) await store.release([...owned]);
        } finally {
          for (const id of owned) if (pending.get(id)?.sequence === mine) pending.delete(id);
          resolveDelivered(wasDelivered);
        }
      };

      try {
        await waitForEarlierClaims();
      } catch (error) {
        await settle(false).catch(() => undefined);
        throw error;
      }
      return { first, settle };

      async function waitForEarlierClaims(): Promise<void> {
        for (let round = 0; round < MAX_RECLAIMS; round++) {
          const waits = ids.flatMap((id, index) => {
            const earlier = pending.get(id);
            return !first[index] && earlier && earlier.sequence < mine ? [{ index, delivered: earlier.delivered }] : [];
          });
          if (waits.length === 0) break;
          const outcomes = await Promise.all(waits.map((wait) => wait.delivered));
          const failed = waits.filter((_, position) => !outcomes[position]).map((wait) => wait.index);
          if (failed.length === 0) break;
          const again = await store.claim(
            failed.map((index) => ids[index] as string),
            now,
          );
          failed.forEach((index, position) => {
            if (again[position]) {
              first[index] = true;
              own(ids[index] as string);
            }
          });
        }
      }
    },
  };
}
