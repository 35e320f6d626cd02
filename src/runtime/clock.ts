/**
 * Time for the runtime: `now` and timers behind one interface, so delayed events, sleeps, retries
 * and waitForEvent timeouts run on the real clock in production and on a manual one in tests.
 */

export interface Clock {
  now(): number;
  setTimer(delayMs: number, fire: () => void): unknown;
  clearTimer(handle: unknown): void;
  /** A manual clock calls this between the timers it fires so the runtime can settle. */
  attach?(settle: () => Promise<void>): () => void;
}

/** setTimeout overflows past 2^31-1 ms (about 24.8 days) and fires at once; longer waits re-arm. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fire) {
    const handle: { timeout?: NodeJS.Timeout } = {};
    const due = Date.now() + delayMs;
    const arm = (): void => {
      const left = due - Date.now();
      handle.timeout = setTimeout(left > MAX_TIMEOUT_MS ? arm : fire, Math.max(0, Math.min(left, MAX_TIMEOUT_MS)));
    };
    arm();
    return handle;
  },
  clearTimer(handle) {
    clearTimeout((handle as { timeout?: NodeJS.Timeout }).timeout);
  },
};

export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in order and letting attached runtimes settle after each. */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  readonly pending: number;
}

interface ManualTimer {
  due: number;
  order: number;
  fire: () => void;
}

/** A clock that moves only when told to: exact, for tests and demos. */
export function manualClock(start: number = Date.UTC(2024, 0, 15, 9, 0, 0)): ManualClock {
  let now = start;
  let order = 0;
  const timers = new Set<ManualTimer>();
  const settlers = new Set<() => Promise<void>>();
  const settle = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (const each of settlers) await each();
  };
  const nextDue = (until: number): ManualTimer | undefined => {
    let next: ManualTimer | undefined;
    for (const timer of timers) {
      if (timer.due <= until && (!next || timer.due < next.due || (timer.due === next.due && timer.order < next.order)))
        next = timer;
    }
    return next;
  };
  return {
    now: () => now,
    get pending() {
      return timers.size;
    },
    setTimer(delayMs, fire) {
      const timer = { due: now + Math.max(0, delayMs), order: order++, fire };
      timers.add(timer);
      return timer;
    },
    clearTimer(handle) {
      timers.delete(handle as ManualTimer);
    },
    attach(settler) {
      settlers.add(settler);
      return () => settlers.delete(settler);
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        timers.delete(timer);
        now = Math.max(now, timer.due);
        timer.fire();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}
