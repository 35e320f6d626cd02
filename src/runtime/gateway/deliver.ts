/**
 * Where an accepted batch goes. Locally, the bundled runtime validates, dedups and starts every
 * handler before `send` resolves. Upstream, the gateway validates, claims the ids, forwards the
 * first-time events and keeps the marks only when the upstream answered 2xx.
 */
import { randomUUID } from "node:crypto";
import type { Issue } from "../../errors.ts";
import type { DedupStore } from "../dedup/store.ts";
import { DEFAULT_MAX_EVENT_BYTES } from "../limits.ts";
import type { SendResult } from "../types.ts";
import type { EventValidator, ValidatedEvent } from "../validate.ts";
import { createDedupGate, PendingElsewhereError } from "./dedup-gate.ts";
import { forwardEvents } from "./upstream.ts";

/**
 * What the gateway answers: the Event API's `{ ids, status }`, or `{ status, error, issues? }`:
 * 400 for invalid events, 413 when the only problems are Inngest's size and count limits.
 */
export type Answer =
  | { status: 200; ids: string[] }
  | { status: 400 | 401 | 404 | 405 | 413 | 415 | 500 | 502 | 503 | 504; error: string; issues?: Issue[] };

export interface DeliveryRequest {
  body: unknown;
  /** Size of the request body: no event of it can be larger. */
  bodyBytes: number;
  eventKey: string;
  /**
   * Client headers worth passing on (see FORWARDED_HEADERS). The gateway reads them only when asked,
   * through a getter on the request's prototype: `{ ...request }` leaves them out.
   */
  headers: Record<string, string>;
}

export type Deliver = (request: DeliveryRequest) => Promise<Answer>;

/** The runtime's `send` (any registry): the gateway hands it parsed JSON and lets it validate. */
export interface LocalRuntime {
  send(events: never): Promise<SendResult>;
}

function hasIssues(error: unknown): error is Error & { issues: Issue[] } {
  return error instanceof Error && Array.isArray((error as { issues?: unknown }).issues);
}

/** A client that shows only `error` (the Inngest SDKs do) still sees the first problems in it. */
function summary(issues: readonly Issue[]): string {
  const shown = issues
    .slice(0, 3)
    .map(
      (issue) => `#${issue.index ?? 0}${issue.path && issue.path !== "/" ? ` ${issue.path}` : ""}: ${issue.message}`,
    );
  return `${shown.join("; ")}${issues.length > 3 ? `; and ${issues.length - 3} more` : ""}`;
}

/** Rules that say the send is over Inngest's limits rather than wrong: answered 413, like the Event API. */
const LIMIT_RULES = new Set(["event/too-large", "send/too-many-events"]);

export function invalidBatch(issues: Issue[], body: unknown): Answer {
  const status = issues.every((issue) => LIMIT_RULES.has(issue.rule)) ? 413 : 400;
  const bad = new Set(issues.map((issue) => issue.index)).size;
  const head =
    Array.isArray(body) && body.length > 1
      ? `rejected the whole batch of ${body.length}, nothing was accepted: ${bad} event${bad === 1 ? " is" : "s are"} not valid`
      : "the event is not valid, nothing was accepted";
  return { status, error: `${head} (${summary(issues)})`, issues };
}

const storeDown = (): Answer => ({
  status: 503,
  error: "the dedup store is unavailable; nothing was accepted, retry the send",
});

export function deliverLocally(runtime: LocalRuntime): Deliver {
  const send = runtime.send as (events: unknown) => Promise<SendResult>;
  return async ({ body }) => {
    try {
      return { status: 200, ids: (await send(body)).ids };
    } catch (error) {
      if (error instanceof Error && error.name === "EventValidationError" && hasIssues(error)) {
        return invalidBatch(error.issues, body);
      }
      if (error instanceof Error && error.name === "DedupStoreError") return storeDown();
      throw error;
    }
  };
}

export interface UpstreamDeliveryOptions {
  validator: EventValidator;
  store: DedupStore;
  upstream: URL;
  timeoutMs: number;
  now: () => number;
  onError: (error: Error) => void;
  /** Inngest's per-event limit, counted over the whole forwarded event; default 256 KiB. */
  maxEventBytes?: number | undefined;
}

/** The event as the client sent it (extras such as `user` kept), with the `v` it was validated as. */
function forwardedEvent(raw: unknown, validated: ValidatedEvent): unknown {
  const event = raw as Record<string, unknown>;
  return validated.v !== undefined && event.v !== validated.v ? { ...event, v: validated.v } : event;
}

/**
 * Events over the limit counted whole, extras such as `user` included (they are forwarded too).
 * Only a body larger than the limit can hold one, so small sends are never serialized again.
 */
function oversizedEvents(batch: readonly unknown[], bodyBytes: number, maxEventBytes: number): Issue[] {
  if (bodyBytes <= maxEventBytes) return [];
  return batch.flatMap((event, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes <= maxEventBytes) return [];
    const issue: Issue = {
      rule: "event/too-large",
      severity: "error",
      message: `the event is ${bytes} bytes serialized; the limit is ${maxEventBytes}`,
      fix: "send a reference (an id or URL) to large content instead of the content",
      path: "/",
      index,
    };
    return [issue];
  });
}

export function deliverUpstream(options: UpstreamDeliveryOptions): Deliver {
  // A duplicate waits for another gateway's forward at most as long as that forward may take.
  const gate = createDedupGate(options.store, {
    pendingMs: options.timeoutMs + 5_000,
    waitMs: options.timeoutMs + 1_000,
  });
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  return async ({ body, bodyBytes, eventKey, headers }) => {
    const { events, issues } = options.validator.check(body);
    if (issues.length > 0) return invalidBatch(issues, body);
    const batch = Array.isArray(body) ? body : [body];
    const oversized = oversizedEvents(batch, bodyBytes, maxEventBytes);
    if (oversized.length > 0) return invalidBatch(oversized, body);
    const withIds = events.flatMap((event, index) => (event.id === undefined ? [] : [index]));
    let claim: Awaited<ReturnType<typeof gate.claim>> | undefined;
    try {
      if (withIds.length > 0) {
        claim = await gate.claim(
          withIds.map((index) => events[index]?.id as string),
          options.now(),
        );
      }
    } catch (error) {
      if (error instanceof PendingElsewhereError) {
        return {
          status: 503,
          error:
            "an event of this batch is still being forwarded by another gateway; nothing was accepted, retry the send",
        };
      }
      options.onError(error instanceof Error ? error : new Error(String(error)));
      return storeDown();
    }
    const duplicate = new Set(withIds.filter((_, position) => claim?.first[position] === false));
    const forwarded = events.flatMap((event, index) =>
      duplicate.has(index) ? [] : [{ index, event: forwardedEvent(batch[index], event) }],
    );

    let result: Awaited<ReturnType<typeof forwardEvents>> = { ok: true, ids: [] };
    if (forwarded.length > 0) {
      result = await forwardEvents({
        upstream: options.upstream,
        eventKey,
        events: forwarded.map((each) => each.event),
        headers,
        timeoutMs: options.timeoutMs,
      });
    }
    try {
      await claim?.settle(result.ok);
    } catch (error) {
      // The marks stay: a retry of this batch would be taken for a duplicate until they expire.
      options.onError(error instanceof Error ? error : new Error(String(error)));
    }
    if (!result.ok) return { status: result.status, error: result.error };

    const upstreamIds = new Map(forwarded.map((each, position) => [each.index, result.ids?.[position]]));
    const ids = events.map((event, index) => upstreamIds.get(index) ?? event.id ?? randomUUID());
    return { status: 200, ids };
  };
}
