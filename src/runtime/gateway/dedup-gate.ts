/**
 * Dedup for forwarded batches: a claimed id stays claimed only if its batch reached the upstream.
 * The store's atomic claim decides who is first across processes. A duplicate is acknowledged only
 * once its original was delivered: within this process it waits for the original's outcome; across
 * processes (a store with two-phase claims, such as Redis) the original's mark stays "pending" until
 * its forward succeeded, and the duplicate polls until the mark is confirmed or released. If the
 * original fails, its marks are released and the waiter claims again. Waits go only to earlier
 * claims of this process, so two batches here never wait on each other.
 */
import type { ClaimState, DedupStore } from "../dedup/store.ts";

interface PendingClaim {
  sequence: number;
  delivered: Promise<boolean>;
}

export interface GateClaim {
  /** Per id, in order: true when this batch is the first to carry it (forward it). */
  first: boolean[];
  /** Ends the claim: keeps (confirms) the marks when delivered, releases them otherwise. */
  settle(delivered: boolean): Promise<void>;
}

export interface DedupGate {
  claim(ids: readonly string[], now: number): Promise<GateClaim>;
}

export interface DedupGateOptions {
  /** How long a pending mark outlives a claimer that died mid-forward; default 30 s. */
  pendingMs?: number;
  /** How long a duplicate waits for another process's forward before giving up; default 30 s. */
  waitMs?: number;
  /** How often a waiting duplicate asks the store again; default 25 ms. */
  pollMs?: number;
}

/** Another gateway kept forwarding the original of a duplicate past the wait: the client retries. */
export class PendingElsewhereError extends Error {
  override name = "PendingElsewhereError";
}

const MAX_RECLAIMS = 3;

export function createDedupGate(store: DedupStore, options: DedupGateOptions = {}): DedupGate {
  const pendingMs = options.pendingMs ?? 30_000;
  const waitMs = options.waitMs ?? 30_000;
  const pollMs = options.pollMs ?? 25;
  const pending = new Map<string, PendingClaim>();
  let sequence = 0;
  const twoPhase = store.claimPending !== undefined && store.confirm !== undefined;

  const claimStates = async (ids: readonly string[], now: number): Promise<ClaimState[]> => {
    if (store.claimPending && twoPhase) return store.claimPending(ids, now, pendingMs);
    return (await store.claim(ids, now)).map((first) => (first ? "first" : "done"));
  };

  return {
    async claim(ids, now) {
      const mine = ++sequence;
      const states = await claimStates(ids, now);
      const first = states.map((state) => state === "first");
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
      const reclaim = async (indexes: readonly number[]): Promise<void> => {
        const again = await claimStates(
          indexes.map((index) => ids[index] as string),
          now,
        );
        indexes.forEach((index, position) => {
          const state = again[position] as ClaimState;
          states[index] = state;
          if (state === "first") {
            first[index] = true;
            own(ids[index] as string);
          }
        });
      };

      const settle = async (wasDelivered: boolean): Promise<void> => {
        try {
          if (owned.size > 0) {
            if (!wasDelivered) await store.release([...owned]);
            else if (twoPhase) await store.confirm?.([...owned], now);
          }
        } finally {
          for (const id of owned) if (pending.get(id)?.sequence === mine) pending.delete(id);
          resolveDelivered(wasDelivered);
        }
      };

      try {
        await waitForEarlierClaims();
        await waitForOtherProcesses();
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
          waits.forEach((wait, position) => {
            if (outcomes[position]) states[wait.index] = "done";
          });
          const failed = waits.filter((_, position) => !outcomes[position]).map((wait) => wait.index);
          if (failed.length === 0) break;
          await reclaim(failed);
        }
      }

      async function waitForOtherProcesses(): Promise<void> {
        const deadline = Date.now() + waitMs;
        for (;;) {
          const waiting = ids.flatMap((id, index) =>
            // An id twice in this batch is pending under this very claim: not a wait.
            states[index] === "pending" && !first[index] && !owned.has(id) ? [index] : [],
          );
          if (waiting.length === 0) return;
          if (Date.now() >= deadline) {
            throw new PendingElsewhereError(
              `${waiting.length} id(s) of this batch are still being forwarded by another gateway`,
            );
          }
          await new Promise((resolve) => setTimeout(resolve, pollMs));
          await reclaim(waiting);
        }
      }
    },
  };
}
