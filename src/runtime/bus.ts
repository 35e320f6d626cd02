/**
 * The bundled runtime: validated, deduplicated sends fanned out to every handler of an event, each
 * run on its own with retries and backoff, steps memoized per run, and Inngest's lifecycle events
 * (`inngest/function.failed|finished|cancelled`) emitted and delivered like any other event.
 */
import { randomUUID } from "node:crypto";
import { EventValidationError, EvregError, type Issue } from "../errors.ts";
import type { Registry } from "../registry/define.ts";
import { systemRegistry } from "../registry/system.ts";
import { type CompiledExpression, compileExpression, matchToExpression } from "./cel.ts";
import { type Clock, systemClock } from "./clock.ts";
import { memoryStore } from "./dedup/memory.ts";
import type { DedupStore } from "./dedup/store.ts";
import { durationMs } from "./duration.ts";
import { copyJson } from "./json-value.ts";
import { RESERVED_PREFIX } from "./limits.ts";
import type {
  EventMap,
  FunctionOptions,
  Handler,
  ReceivedEvent,
  RuntimeEventMap,
  RuntimeTrigger,
  SendableEvent,
  SendResult,
  SerializedError,
  StepTools,
  TriggersEvent,
  VersionedSendableEvent,
  VersionMap,
  WaitForEventOptions,
} from "./types.ts";
import { createVersionRouter } from "./upcast.ts";
import { createEventValidator, type PrecompiledValidators, type ValidatedEvent } from "./validate.ts";

/** What the runtime did, for logs, demos and tests. */
export type Activity =
  | { type: "delivered"; event: ReceivedEvent }
  | { type: "scheduled"; event: ReceivedEvent; at: number }
  | { type: "duplicate"; id: string; name: string }
  | {
      type: "run.started" | "run.completed" | "run.cancelled";
      functionId: string;
      runId: string;
      event: ReceivedEvent;
      result?: unknown;
    }
  | {
      type: "run.retrying" | "run.failed";
      functionId: string;
      runId: string;
      event: ReceivedEvent;
      attempt: number;
      error: SerializedError;
    };

export interface RuntimeOptions<R extends Registry> {
  registry: R;
  /** Precompiled validators (generated/validators.js); otherwise each version is compiled once. */
  validators?: PrecompiledValidators;
  /** Default: memoryStore(). The runtime does not close a store it was given. */
  store?: DedupStore;
  clock?: Clock;
  requireVersion?: boolean;
  maxEventBytes?: number;
  /** Delay before retry `attempt + 1`; default 1 s doubling to at most 10 min. */
  backoff?: (attempt: number) => number;
  onActivity?: (activity: Activity) => void;
  /** Errors no caller can receive (a trigger's bad CEL, a lifecycle event that failed to send). */
  onError?: (error: Error) => void;
}

export interface FunctionHandle {
  id: string;
  /** `<app>-<id>`, as lifecycle events carry it. */
  functionId: string;
}

export interface Runtime<M, S = SendableEvent<M>, VM = Record<never, never>> {
  /**
   * Registers a function. A trigger `{ event, v }` pins the version the handler reads: events of
   * other versions reach it validated against `v`, or upcast to it; unpinned handlers read the latest.
   */
  on<const T extends RuntimeTrigger<M, VM> | readonly RuntimeTrigger<M, VM>[]>(
    trigger: T,
    options: FunctionOptions<M>,
    handler: Handler<M, T, S, TriggersEvent<M, VM, T>>,
  ): FunctionHandle;
  send(events: S | readonly S[]): Promise<SendResult>;
  /** Resolves when no run is executing: every run finished or waits on a timer or an event. */
  idle(): Promise<void>;
  /** Drops scheduled deliveries and parked runs; closes the default store. */
  close(): Promise<void>;
  /** Errors reported through `onError`, kept for inspection. */
  readonly errors: readonly Error[];
}

const MAX_RETRIES = 20;

class RunCancelled extends Error {}

interface Trigger {
  name: string;
  prefix: boolean;
  version?: string;
  condition?: CompiledExpression;
}

interface Registration {
  id: string;
  functionId: string;
  triggers: Trigger[];
  condition?: CompiledExpression;
  cancelOn: { name: string; condition: CompiledExpression }[];
  retries: number;
  handler: Handler<unknown, string, unknown>;
  /** Resolves when every expression compiled; false when one did not (the function is disabled). */
  ready: Promise<boolean>;
  /** What `ready` resolved to; undefined while expressions compile. */
  enabled: boolean | undefined;
}

/** The registrations an event name reaches, with the triggers that name matches (conditions aside). */
interface Route {
  registration: Registration;
  triggers: Trigger[];
}

interface Parked {
  cancel(): void;
}

interface Run {
  /** Made when first read (runIdOf): a UUID costs more than a run of a small handler. */
  id?: string;
  registration: Registration;
  event: ReceivedEvent;
  /** The version the handler reads (undefined: the latest). */
  version: string | undefined;
  /** `event` as that version, made on the first attempt. */
  view?: ReceivedEvent;
  /** Made at the first step, like `parked` at the first wait: most runs have neither. */
  memo?: Map<string, { value: unknown }>;
  parked?: Set<Parked>;
  cancelled: boolean;
}

interface Waiter {
  name: string;
  trigger: ReceivedEvent;
  condition: Promise<CompiledExpression> | undefined;
  resolve(event: ReceivedEvent): void;
  fail(error: unknown): void;
}

interface ContextParts {
  runIdOf(run: Run): string;
  stepTools(run: Run): StepTools<unknown, unknown>;
}

/**
 * What a handler receives. Most handlers read neither `step` nor `runId`, so both are made at the
 * first read (destructuring reads them; a spread of the context does not copy them).
 */
class RunContext {
  readonly event: ReceivedEvent;
  readonly attempt: number;
  readonly #run: Run;
  readonly #parts: ContextParts;
  #step: StepTools<unknown, unknown> | undefined;

  constructor(run: Run, attempt: number, parts: ContextParts) {
    this.event = run.view as ReceivedEvent;
    this.attempt = attempt;
    this.#run = run;
    this.#parts = parts;
  }

  get runId(): string {
    return this.#parts.runIdOf(this.#run);
  }

  get step(): StepTools<unknown, unknown> {
    this.#step ??= this.#parts.stepTools(this.#run);
    return this.#step;
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { name: "Error", message: typeof error === "string" ? error : (JSON.stringify(error) ?? String(error)) };
}

/** Retrying cannot fix an invalid event, expression or duration, nor what the handler marked final. */
function isNonRetriable(error: unknown): boolean {
  return error instanceof EvregError || (error instanceof Error && error.name === "NonRetriableError");
}

function defaultBackoff(attempt: number): number {
  return Math.min(1_000 * 2 ** attempt, 10 * 60_000);
}

function optionsError(message: string, fix: string, path: string): EvregError {
  const issue: Issue = { rule: "runtime/function-options", severity: "error", path, message, fix };
  return new EvregError("The function cannot be registered:", [issue]);
}

/** A runtime over `registry`: handlers may trigger on its events and Inngest's; sends take its events only. */
export function createRuntime<R extends Registry>(
  options: RuntimeOptions<R>,
): Runtime<RuntimeEventMap<R>, VersionedSendableEvent<EventMap<R>, VersionMap<R>>, VersionMap<R>> {
  const { registry } = options;
  const clock = options.clock ?? systemClock;
  const store = options.store ?? memoryStore();
  const backoff = options.backoff ?? defaultBackoff;
  const validatorOptions = {
    validators: options.validators,
    requireVersion: options.requireVersion,
    maxEventBytes: options.maxEventBytes,
  };
  const userEvents = createEventValidator({ registry, ...validatorOptions });
  const systemEvents = createEventValidator({
    registry: systemRegistry,
    allowReserved: true,
    validators: options.validators,
  });
  // Routes between versions come from the compat engine once, here; delivery only looks them up.
  const versions = createVersionRouter(registry, options.validators);

  const registrations: Registration[] = [];
  const runs = new Set<Run>();
  const waiters = new Set<Waiter>();
  const scheduled = new Set<unknown>();
  const errors: Error[] = [];
  let active = 0;
  const idleWaiters: (() => void)[] = [];

  const report = (error: unknown): void => {
    const reported = error instanceof Error ? error : new Error(String(error));
    errors.push(reported);
    options.onError?.(reported);
  };
  const notify = (activity: Activity): void => options.onActivity?.(activity);

  const checkIdle = (): void => {
    setImmediate(() => {
      if (active === 0) for (const resolve of idleWaiters.splice(0)) resolve();
    });
  };
  const enter = (): void => {
    active++;
  };
  const leave = (): void => {
    active--;
    // Only a waiting idle() needs the check; a gateway goes idle after every request.
    if (active === 0 && idleWaiters.length > 0) checkIdle();
  };
  const detach = clock.attach?.(
    () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        if (active === 0) checkIdle();
      }),
  );

  const isDeclared = (name: string): boolean =>
    registry.get(name) !== undefined || systemRegistry.get(name) !== undefined;
  const checkPinnedVersion = (name: string, prefix: boolean, version: unknown, path: string): string => {
    if (prefix)
      throw optionsError(`${name} matches many events; a version pins one`, "pin each event in its own trigger", path);
    const known = (registry.get(name) ?? systemRegistry.get(name))?.versions.map((each) => each.v) ?? [];
    if (typeof version !== "string" || !known.includes(version)) {
      throw optionsError(
        `v ${JSON.stringify(version)} is not a version of ${name}; known versions: ${known.join(", ")}`,
        `pin one of ${known.join(", ")}, or leave v out to read the latest`,
        path,
      );
    }
    return version;
  };
  const unknownEvent = (name: string, path: string): EventValidationError =>
    new EventValidationError("Unknown event:", [
      {
        rule: "event/unknown-name",
        severity: "error",
        event: name,
        path,
        message: `${name} is not declared in the registry`,
        fix: "declare it with defineEvent, or fix the name",
      },
    ]);

  /** Suspends a run until `arm`'s resume is called; the run stops counting as active meanwhile. */
  const park = <T>(
    run: Run,
    arm: (resume: (value: T) => void, fail: (error: unknown) => void) => () => void,
  ): Promise<T> => {
    if (run.cancelled) return Promise.reject(new RunCancelled());
    return new Promise<T>((resolve, reject) => {
      let disarm: () => void = () => {};
      const settle = (outcome: () => void): void => {
        if (!run.parked?.delete(parked)) return;
        enter();
        disarm();
        outcome();
      };
      const parked: Parked & { resume(value: T): void; fail(error: unknown): void } = {
        resume: (value) => settle(() => resolve(value)),
        fail: (error) => settle(() => reject(error)),
        cancel: () => settle(() => reject(new RunCancelled())),
      };
      run.parked ??= new Set();
      run.parked.add(parked);
      leave();
      disarm = arm(parked.resume, parked.fail);
    });
  };

  const sleepFor = (run: Run, ms: number): Promise<void> =>
    park<void>(run, (resume) => {
      const timer = clock.setTimer(ms, () => resume());
      return () => clock.clearTimer(timer);
    });

  /** Whether anything would see an event of `name`: a trigger, a waiter or a cancelOn rule. */
  const observedNames = new Map<string, boolean>();
  const isObserved = (name: string): boolean => {
    let observed = observedNames.get(name);
    if (observed === undefined) {
      observed = registrations.some(
        (registration) =>
          registration.triggers.some((trigger) =>
            trigger.prefix ? name.startsWith(trigger.name) : trigger.name === name,
          ) || registration.cancelOn.some((rule) => rule.name === name),
      );
      observedNames.set(name, observed);
    }
    if (observed) return true;
    for (const waiter of waiters) if (waiter.name === name) return true;
    return false;
  };

  // Lifecycle events nobody handles are skipped: they would only cost validation and dispatch.
  const emitLifecycle = async (name: string, data: Record<string, unknown>): Promise<void> => {
    if (!isObserved(name)) return;
    try {
      await accept([{ name, data }], true);
    } catch (error) {
      report(error);
    }
  };

  const runIdOf = (run: Run): string => {
    run.id ??= randomUUID();
    return run.id;
  };
  const runData = (run: Run) => ({ function_id: run.registration.functionId, run_id: runIdOf(run) });
  const emitsLifecycle = (run: Run): boolean => !run.event.name.startsWith(RESERVED_PREFIX);

  const stepTools = (run: Run): StepTools<unknown, unknown> => {
    const seen = new Map<string, number>();
    const keyOf = (id: string): string => {
      const count = seen.get(id) ?? 0;
      seen.set(id, count + 1);
      return count === 0 ? id : `${id}:${count}`;
    };
    const memoized = async <T>(id: string, body: () => Promise<T>): Promise<T> => {
      if (run.cancelled) throw new RunCancelled();
      const key = keyOf(id);
      const memo = run.memo?.get(key);
      if (memo) return memo.value as T;
      const value = await body();
      if (run.cancelled) throw new RunCancelled();
      run.memo ??= new Map();
      run.memo.set(key, { value });
      return value;
    };
    return {
      run: <T>(id: string, fn: () => T | Promise<T>) =>
        memoized(id, () => Promise.resolve().then(fn) as Promise<Awaited<T>>),
      sendEvent: (id, events) => memoized(id, () => accept(events, false)),
      sleep: (id, duration) => memoized(id, () => sleepFor(run, durationMs(duration, `step.sleep("${id}")`))),
      // The waiter is registered synchronously, at the call: an event sent right after the call
      // must match even while the CEL library is still loading.
      waitForEvent: ((id: string, wait: WaitForEventOptions<string>) =>
        memoized(id, async () => {
          if (!isDeclared(wait.event)) throw unknownEvent(wait.event, `step.waitForEvent("${id}")/event`);
          const timeout = durationMs(wait.timeout, `step.waitForEvent("${id}")/timeout`);
          const expression = wait.if ?? (wait.match ? matchToExpression(wait.match) : undefined);
          const condition = expression ? compileExpression(expression, `step.waitForEvent("${id}")/if`) : undefined;
          return park<ReceivedEvent | null>(run, (resume, fail) => {
            const waiter: Waiter = { name: wait.event, trigger: run.event, condition, resolve: resume, fail };
            waiters.add(waiter);
            condition?.catch(fail);
            const timer = clock.setTimer(timeout, () => resume(null));
            return () => {
              waiters.delete(waiter);
              clock.clearTimer(timer);
            };
          });
        })) as StepTools<unknown, unknown>["waitForEvent"],
    };
  };

  const contextParts: ContextParts = { runIdOf, stepTools };
  const callHandler = (run: Run, attempt: number): unknown => {
    run.view ??= versions.read(run.event, run.version);
    return run.registration.handler(new RunContext(run, attempt, contextParts));
  };

  /** After a successful attempt; synchronous unless function.finished has an observer. */
  const completeRun = (run: Run, output: unknown): Promise<void> | undefined => {
    if (run.cancelled) return;
    const finished = emitsLifecycle(run) && isObserved("inngest/function.finished");
    if (!finished && !options.onActivity) return;
    // Inngest stores a run's output as JSON: handlers of function.finished see what JSON kept.
    const result = output === undefined ? null : JSON.parse(JSON.stringify(output));
    notify({
      type: "run.completed",
      functionId: run.registration.functionId,
      runId: runIdOf(run),
      event: run.event,
      result,
    });
    if (finished) return emitLifecycle("inngest/function.finished", { ...runData(run), event: run.event, result });
  };

  /** After attempt `attempt` threw `thrown`: retries with backoff until one succeeds or the retries run out. */
  const afterFailure = async (run: Run, attempt: number, thrown: unknown): Promise<void> => {
    const { registration, event } = run;
    const base = { functionId: registration.functionId, runId: runIdOf(run), event };
    for (;;) {
      if (run.cancelled || thrown instanceof RunCancelled) return;
      const error = serializeError(thrown);
      if (attempt >= registration.retries || isNonRetriable(thrown)) {
        notify({ type: "run.failed", ...base, attempt, error });
        if (emitsLifecycle(run)) {
          await emitLifecycle("inngest/function.failed", { ...runData(run), error, event });
          await emitLifecycle("inngest/function.finished", { ...runData(run), error, event });
        }
        return;
      }
      notify({ type: "run.retrying", ...base, attempt, error });
      try {
        await sleepFor(run, backoff(attempt));
      } catch {
        return;
      }
      attempt++;
      try {
        await completeRun(run, await callHandler(run, attempt));
        return;
      } catch (next) {
        thrown = next;
      }
    }
  };

  /**
   * The first attempt runs synchronously: a handler that returns a plain value completes without a
   * promise. Only async handlers, failures and observed lifecycle events take the async paths.
   */
  const execute = (run: Run): Promise<void> | undefined => {
    if (options.onActivity)
      notify({ type: "run.started", functionId: run.registration.functionId, runId: runIdOf(run), event: run.event });
    let output: unknown;
    try {
      output = callHandler(run, 0);
      if (!isPromiseLike(output)) return completeRun(run, output);
    } catch (thrown) {
      return afterFailure(run, 0, thrown);
    }
    return Promise.resolve(output)
      .then((value) => completeRun(run, value))
      .then(undefined, (thrown: unknown) => afterFailure(run, 0, thrown));
  };

  const endRun = (run: Run): void => {
    runs.delete(run);
    leave();
  };

  // `runs` holds the runs that went async; a run that completes in `begin` never enters it.
  const begin = (run: Run): void => {
    let running: Promise<void> | undefined;
    try {
      running = execute(run);
    } catch (error) {
      report(error);
    }
    if (!running) leave();
    else {
      runs.add(run);
      running.then(
        () => endRun(run),
        (error: unknown) => {
          report(error);
          endRun(run);
        },
      );
    }
  };

  // Runs started in one turn of the event loop begin together, in order, in one later turn.
  let queued: Run[] = [];
  const beginQueued = (): void => {
    const starting = queued;
    queued = [];
    for (const run of starting) begin(run);
  };

  const startRun = (registration: Registration, event: ReceivedEvent, version: string | undefined): void => {
    const run: Run = { registration, event, version, cancelled: false };
    enter();
    queued.push(run);
    if (queued.length === 1) setImmediate(beginQueued);
  };

  const cancel = (run: Run): void => {
    run.cancelled = true;
    for (const parked of [...(run.parked ?? [])]) parked.cancel();
    notify({ type: "run.cancelled", functionId: run.registration.functionId, runId: runIdOf(run), event: run.event });
    if (!emitsLifecycle(run)) return;
    enter();
    emitLifecycle("inngest/function.cancelled", { ...runData(run), event: run.event }).finally(leave);
  };

  /** Per event name, the registrations its triggers reach and whether a cancelOn rule reads it. */
  const routes = new Map<string, { routes: Route[]; cancels: boolean }>();
  const routesOf = (name: string): { routes: Route[]; cancels: boolean } => {
    let found = routes.get(name);
    if (!found) {
      found = { routes: [], cancels: false };
      for (const registration of registrations) {
        if (registration.cancelOn.some((rule) => rule.name === name)) found.cancels = true;
        if (registration.enabled === false) continue;
        const triggers = registration.triggers.filter((trigger) =>
          trigger.prefix ? name.startsWith(trigger.name) : trigger.name === name,
        );
        if (triggers.length > 0) found.routes.push({ registration, triggers });
      }
      routes.set(name, found);
    }
    return found;
  };
  let compiling = 0;
  const forgetRoutes = (): void => {
    observedNames.clear();
    routes.clear();
  };

  const cancelRunsOn = (event: ReceivedEvent): void => {
    for (const run of [...runs, ...queued]) {
      if (run.cancelled || run.event === event) continue;
      const cancelling = run.registration.cancelOn.some(
        (rule) => rule.name === event.name && rule.condition({ event: run.event, async: event }),
      );
      if (cancelling) cancel(run);
    }
  };

  const startRuns = (event: ReceivedEvent, reached: readonly Route[]): void => {
    for (const { registration, triggers } of reached) {
      let fired: Trigger | undefined;
      for (const trigger of triggers) {
        if (!trigger.condition || trigger.condition({ event })) {
          fired = trigger;
          break;
        }
      }
      if (fired && (!registration.condition || registration.condition({ event })))
        startRun(registration, event, fired.version);
    }
  };

  /** Waiters first (their conditions may still be compiling), then cancelOn, then triggers. */
  const dispatchLater = async (event: ReceivedEvent): Promise<void> => {
    notify({ type: "delivered", event });
    for (const waiter of [...waiters]) {
      if (waiter.name !== event.name) continue;
      const condition = waiter.condition ? await waiter.condition.catch(() => undefined) : undefined;
      if (waiter.condition && !condition) continue;
      if (waiters.has(waiter) && (!condition || condition({ event: waiter.trigger, async: event }))) {
        // waitForEvent is typed with the latest version's data: read the event as the latest.
        let latest: ReceivedEvent;
        try {
          latest = versions.read(event);
        } catch (error) {
          waiter.fail(error);
          continue;
        }
        waiter.resolve(latest);
      }
    }
    await Promise.all(registrations.map((registration) => registration.ready));
    const { routes: reached, cancels } = routesOf(event.name);
    if (cancels) cancelRunsOn(event);
    startRuns(event, reached);
  };

  /** The same steps at once, when no waiter reads the event and every expression has compiled. */
  const dispatchNow = (event: ReceivedEvent): void => {
    if (options.onActivity) notify({ type: "delivered", event });
    try {
      const { routes: reached, cancels } = routesOf(event.name);
      if (cancels) cancelRunsOn(event);
      startRuns(event, reached);
    } catch (error) {
      report(error);
    }
  };

  const waitedFor = (events: readonly { name: string }[]): boolean => {
    if (waiters.size === 0) return false;
    for (const waiter of waiters) if (events.some((event) => event.name === waiter.name)) return true;
    return false;
  };
  /** One decision per send, so the events of a batch start their runs in order either way. */
  const dispatchesNow = (events: readonly { name: string }[]): boolean => compiling === 0 && !waitedFor(events);

  const deliver = (event: ReceivedEvent, now: boolean): void => {
    if (now) {
      dispatchNow(event);
      return;
    }
    enter();
    dispatchLater(event).catch(report).finally(leave);
  };

  /** Validates, dedups and delivers (now, or at a future `ts`). */
  const accept = async (input: unknown, system: boolean): Promise<SendResult> => {
    const validated: ValidatedEvent[] = (system ? systemEvents : userEvents).assert(input);
    const now = clock.now();
    const claimed: string[] = [];
    for (const event of validated) if (event.id !== undefined) claimed.push(event.id);
    // One claim for the batch; an id the store did not answer for counts as a duplicate.
    const firstTime = claimed.length > 0 ? await store.claim(claimed, now) : [];
    const immediate = dispatchesNow(validated);
    const ids: string[] = new Array(validated.length);
    let duplicates: string[] | undefined;
    let claim = 0;
    for (let index = 0; index < validated.length; index++) {
      const event = validated[index] as ValidatedEvent;
      let id = event.id;
      if (id === undefined) id = randomUUID();
      else if (firstTime[claim++] !== true) {
        ids[index] = id;
        duplicates ??= [];
        duplicates.push(id);
        notify({ type: "duplicate", id, name: event.name });
        continue;
      }
      ids[index] = id;
      // Inngest serializes an event when it is sent; the runtime keeps its own copy likewise: handlers
      // read what was validated whatever the sender does with its object afterwards (a scheduled event
      // waits for its ts), and a handler changing `event.data` leaves the sender's object as it was
      const received: ReceivedEvent = { name: event.name, data: copyJson(event.data), id, ts: event.ts ?? now };
      if (event.v !== undefined) received.v = event.v;
      if (received.ts > now) {
        notify({ type: "scheduled", event: received, at: received.ts });
        const timer = clock.setTimer(received.ts - now, () => {
          scheduled.delete(timer);
          deliver(received, dispatchesNow([received]));
        });
        scheduled.add(timer);
      } else {
        deliver(received, immediate);
      }
    }
    return duplicates ? { ids, duplicates } : { ids };
  };

  const compileAll = async (expressions: (() => Promise<void>)[]): Promise<boolean> => {
    try {
      for (const compile of expressions) await compile();
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  };

  const runtime: Runtime<RuntimeEventMap<R>, VersionedSendableEvent<EventMap<R>, VersionMap<R>>, VersionMap<R>> = {
    get errors() {
      return errors;
    },
    on(trigger, functionOptions, handler) {
      const id = functionOptions?.id;
      if (typeof id !== "string" || id.length === 0)
        throw optionsError("the function has no id", 'add { id: "send-welcome-email" }', "/id");
      if (registrations.some((each) => each.id === id))
        throw optionsError(`a function with id ${id} is already registered`, "give each function its own id", "/id");
      const retries = functionOptions.retries ?? 4;
      if (!Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
        throw optionsError(
          `retries ${retries} is not a whole number from 0 to ${MAX_RETRIES}`,
          "use Inngest's range 0..20",
          "/retries",
        );
      }
      const triggers = (Array.isArray(trigger) ? trigger : [trigger]) as readonly (
        | string
        | { event: string; if?: string; v?: string }
      )[];
      if (triggers.length === 0)
        throw optionsError(
          "the function has no trigger",
          'pass an event name, e.g. "user/signup.completed"',
          "/trigger",
        );
      const compiles: (() => Promise<void>)[] = [];
      const registration: Registration = {
        id,
        functionId: `${registry.app}-${id}`,
        retries,
        handler: handler as Handler<unknown, string, unknown>,
        triggers: triggers.map((each, index) => {
          const name = typeof each === "string" ? each : each.event;
          const prefix = name.endsWith("/*");
          if (!prefix && !isDeclared(name)) throw unknownEvent(name, `/trigger/${index}`);
          const compiled: Registration["triggers"][number] = { name: prefix ? name.slice(0, -1) : name, prefix };
          if (typeof each !== "string" && each.v !== undefined) {
            compiled.version = checkPinnedVersion(name, prefix, each.v, `/trigger/${index}/v`);
          }
          if (typeof each !== "string" && each.if) {
            const expression = each.if;
            compiles.push(async () => {
              compiled.condition = await compileExpression(expression, `${id}/trigger/${index}/if`);
            });
          }
          return compiled;
        }),
        cancelOn: [],
        ready: Promise.resolve(true),
        enabled: true,
      };
      if (functionOptions.if) {
        const expression = functionOptions.if;
        compiles.push(async () => {
          registration.condition = await compileExpression(expression, `${id}/if`);
        });
      }
      (functionOptions.cancelOn ?? []).forEach((rule, index) => {
        const name = rule.event as string;
        if (!isDeclared(name)) throw unknownEvent(name, `${id}/cancelOn/${index}/event`);
        const expression = rule.if ?? (rule.match ? matchToExpression(rule.match) : "true");
        compiles.push(async () => {
          registration.cancelOn.push({
            name,
            condition: await compileExpression(expression, `${id}/cancelOn/${index}/if`),
          });
        });
      });
      if (compiles.length > 0) {
        compiling++;
        registration.enabled = undefined;
        registration.ready = compileAll(compiles).then((enabled) => {
          registration.enabled = enabled;
          compiling--;
          forgetRoutes();
          return enabled;
        });
      }
      registrations.push(registration);
      forgetRoutes();
      return { id, functionId: registration.functionId };
    },
    send: (events) => accept(events, false),
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        if (active === 0) checkIdle();
      }),
    async close() {
      detach?.();
      for (const timer of scheduled) clock.clearTimer(timer);
      scheduled.clear();
      for (const run of [...runs, ...queued]) {
        run.cancelled = true;
        for (const parked of [...(run.parked ?? [])]) parked.cancel();
      }
      waiters.clear();
      if (!options.store) await store.close();
    },
  };
  return runtime;
}
