/**
 * Types of the runtime's handlers and sends, read from a registry made by `defineRegistry`: the
 * data of each event is `z.input` of its latest version. Inngest's lifecycle events have their
 * documented shapes written out, since they are declared with `data` alone.
 */
import type { z } from "zod";
import type { EventDefinition, Registry, VersionInput } from "../registry/define.ts";
import type { Duration } from "./duration.ts";

type DefinitionsOf<R> = R extends Registry<infer Events> ? Events[number] : never;

type LatestDataOf<D> =
  D extends EventDefinition<string, infer Versions>
    ? Versions extends readonly [...unknown[], infer Last extends VersionInput]
      ? z.input<Last["data"]>
      : Record<string, unknown>
    : never;

/** Event name -> `data` type, for the events of a registry. */
export type EventMap<R> = { [D in DefinitionsOf<R> as D["name"]]: LatestDataOf<D> };

type DeclaredVersionsOf<D> = D extends EventDefinition<string, infer Versions> ? Versions[number] : never;

/** Event name -> version label -> `data` type (`z.input` of that version), for the events of a registry. */
export type VersionMap<R> = {
  [D in DefinitionsOf<R> as D["name"]]: { [V in DeclaredVersionsOf<D> as V["v"]]: z.input<V["data"]> };
};

/** An event as a handler receives it: `id` and `ts` are always set. */
export interface ReceivedEvent<Name extends string = string, Data = Record<string, unknown>> {
  name: Name;
  data: Data;
  id: string;
  ts: number;
  v?: string;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  [key: string]: unknown;
}

interface RunData {
  function_id: string;
  run_id: string;
}

/** Inngest's lifecycle events, as documented. */
export interface SystemEventMap {
  "inngest/function.failed": RunData & { error: SerializedError; event: ReceivedEvent };
  "inngest/function.finished": RunData & { event?: ReceivedEvent; error?: SerializedError; result?: unknown };
  "inngest/function.cancelled": RunData & { event?: ReceivedEvent };
  "inngest/function.invoked": Record<string, unknown>;
  "inngest/scheduled.timer": { cron: string };
}

/** Everything a runtime over registry `R` can trigger on. */
export type RuntimeEventMap<R> = EventMap<R> & SystemEventMap;

/** What `send` and `step.sendEvent` accept for the events of a map. */
export type SendableEvent<M> = {
  [N in keyof M & string]: { name: N; data: M[N]; id?: string; ts?: number; v?: string };
}[keyof M & string];

/** What a runtime's `send` accepts: the latest data without `v`, or `{ name, v, data }` with `data` of version `v`. */
export type VersionedSendableEvent<M, VM> =
  | { [N in keyof M & string]: { name: N; data: M[N]; v?: undefined; id?: string; ts?: number } }[keyof M & string]
  | {
      [N in keyof VM & keyof M & string]: {
        [V in keyof VM[N] & string]: { name: N; data: VM[N][V]; v: V; id?: string; ts?: number };
      }[keyof VM[N] & string];
    }[keyof VM & keyof M & string];

/** A trigger: an event name, or `domain/*` for every event of a domain. */
export type TriggerName<M> = (keyof M & string) | `${string}/*`;

export type Trigger<N extends string> = N | { event: N; if?: string };

/** A trigger pinned to one version of its event: the handler reads every event as that version. */
export type PinnedTrigger<VM> = {
  [N in keyof VM & string]: { event: N; v: keyof VM[N] & string; if?: string };
}[keyof VM & string];

/** Anything `on` accepts as one trigger: a name, `{ event, if? }`, or a pinned `{ event, v, if? }`. */
export type RuntimeTrigger<M, VM> =
  | TriggerName<M>
  | { event: TriggerName<M>; if?: string; v?: undefined }
  | PinnedTrigger<VM>;

/** The event a handler receives for one trigger: the pinned version's data, or the latest's. */
export type PinnedEvent<M, VM, T> = T extends string
  ? TriggeredEvent<M, T>
  : T extends { event: infer N extends string; v: infer V extends string }
    ? N extends keyof VM
      ? V extends keyof VM[N]
        ? ReceivedEvent<N, VM[N][V]> & { v: V }
        : never
      : never
    : T extends { event: infer N extends string }
      ? TriggeredEvent<M, N>
      : never;

/** The event a handler of one trigger, or of a list of them, receives. */
export type TriggersEvent<M, VM, T> = PinnedEvent<M, VM, T extends readonly (infer Each)[] ? Each : T>;

/** The event a handler of trigger `N` receives. */
export type TriggeredEvent<M, N> = N extends keyof M & string ? ReceivedEvent<N, M[N]> : ReceivedEvent;

export interface CancelOn<M> {
  event: keyof M & string;
  /** CEL: `event` is the run's trigger, `async` the cancelling event. */
  if?: string;
  /** Shorthand for `event.<match> == async.<match>`, e.g. `"data.userId"`. */
  match?: string;
}

export interface FunctionOptions<M> {
  /** Unique in the runtime; lifecycle events carry `<app>-<id>` as `function_id`. */
  id: string;
  /** Retries after the first attempt; default 4 (Inngest's default), at most 20. */
  retries?: number;
  cancelOn?: readonly CancelOn<M>[];
  /** CEL over `event`: the run starts only when it is true. */
  if?: string;
}

export interface WaitForEventOptions<N extends string> {
  event: N;
  timeout: Duration;
  /** CEL: `event` is the run's trigger, `async` the candidate. */
  if?: string;
  /** Shorthand for `event.<match> == async.<match>`. */
  match?: string;
}

export interface SendResult {
  /** One id per event, in order: the event's own id, or one made for it. */
  ids: string[];
  /** Ids first received less than the window ago: accepted, not delivered again. */
  duplicates?: string[];
}

export interface StepTools<M, S> {
  /** Runs `fn` once per run: on a retry, a step that succeeded returns its first result. */
  run<T>(id: string, fn: () => T | Promise<T>): Promise<Awaited<T>>;
  /** Validated like `send`; sent once per run even when the function retries. */
  sendEvent(id: string, events: S | readonly S[]): Promise<SendResult>;
  /** The first matching event received after the call, or null at the timeout. */
  waitForEvent<N extends keyof M & string>(
    id: string,
    options: WaitForEventOptions<N>,
  ): Promise<ReceivedEvent<N, M[N]> | null>;
  sleep(id: string, duration: Duration): Promise<void>;
}

export interface HandlerContext<M, N, S, E = TriggeredEvent<M, N>> {
  event: E;
  step: StepTools<M, S>;
  runId: string;
  /** 0 on the first attempt. */
  attempt: number;
}

export type Handler<M, N, S, E = TriggeredEvent<M, N>> = (context: HandlerContext<M, N, S, E>) => unknown;
