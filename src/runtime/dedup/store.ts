/**
 * The dedup contract every store keeps: an event id first received less than the window ago is a
 * duplicate. `claim` is an atomic check-and-set per id, so two processes sharing a store never both
 * win the same id; `release` undoes marks when what followed the claim failed.
 */
import { EvregError, type Issue } from "../../errors.ts";

export interface DedupStore {
  /**
   * Marks each id, in order, as received at `now` unless it was first received within the window;
   * `true` means first (deliver it). Stores that keep time themselves (Redis) ignore `now`.
   */
  claim(ids: readonly string[], now: number): Promise<boolean[]>;
  /** Forgets the marks of `ids`, e.g. when the send that claimed them failed afterwards. */
  release(ids: readonly string[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Two-phase claims, for gateways that acknowledge an id only once it was forwarded: an id claimed
   * first is marked pending (for at most `pendingMs`, in case its claimer dies) until `confirm` or
   * `release`. Per id: "first" (forward it), "pending" (another claimer is forwarding it) or "done".
   */
  claimPending?(ids: readonly string[], now: number, pendingMs: number): Promise<ClaimState[]>;
  /** Pending marks of `ids` become ordinary marks, kept for the window from `now`. */
  confirm?(ids: readonly string[], now: number): Promise<void>;
}

export type ClaimState = "first" | "pending" | "done";

export interface StoreOptions {
  /** How long an id blocks duplicates, from its first reception; default 24 hours (Inngest's window). */
  windowMs?: number;
}

/** The dedup store failed: nothing was delivered by the send that got this error. */
export class DedupStoreError extends EvregError {}

export function storeError(store: string, message: string, fix: string, cause?: unknown): DedupStoreError {
  const reason = cause instanceof Error ? `: ${cause.message}` : cause === undefined ? "" : `: ${String(cause)}`;
  const issue: Issue = { rule: "runtime/dedup-store", severity: "error", message: `${message}${reason}`, fix };
  return new DedupStoreError(`The ${store} dedup store failed; no event of this send was delivered:`, [issue]);
}
