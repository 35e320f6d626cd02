/**
 * Inngest's own lifecycle events, as a built-in registry so their handlers are typed and validated
 * like any other event. Shapes follow Inngest's documented payloads.
 */
import { z } from "zod";
import { defineEvent, defineRegistry } from "./define.ts";

const jsonError = z.looseObject({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
});

/** The event that started a run, as Inngest echoes it in lifecycle events. */
const originalEvent = z.looseObject({
  name: z.string(),
  data: z.record(z.string(), z.unknown()),
  id: z.string().optional(),
  ts: z.number().int().optional(),
  v: z.string().optional(),
});

const run = {
  function_id: z.string().min(1),
  run_id: z.string().min(1),
};

/** What finished and cancelled runs report: the run, its trigger(s) and the error if any. */
const runEnd = {
  ...run,
  correlation_id: z.string().optional(),
  event: originalEvent.optional(),
  events: z.array(originalEvent).optional(),
  error: jsonError.optional(),
};

export const functionFailed = defineEvent({
  name: "inngest/function.failed",
  description: "A function run failed after its last retry.",
  owner: "inngest",
  data: z.looseObject({ ...run, error: jsonError, event: originalEvent }),
});

export const functionFinished = defineEvent({
  name: "inngest/function.finished",
  description: "A function run ended, completed or failed; `error` or `result` says which.",
  owner: "inngest",
  data: z.looseObject({ ...runEnd, result: z.unknown().optional() }),
});

export const functionCancelled = defineEvent({
  name: "inngest/function.cancelled",
  description: "A function run was cancelled (cancelOn, the API or the dashboard) before it finished.",
  owner: "inngest",
  data: z.looseObject(runEnd),
});

export const functionInvoked = defineEvent({
  name: "inngest/function.invoked",
  description: "A function was invoked directly with step.invoke; data is the invoker's payload.",
  owner: "inngest",
  data: z.looseObject({}),
});

export const scheduledTimer = defineEvent({
  name: "inngest/scheduled.timer",
  description: "A cron trigger fired.",
  owner: "inngest",
  data: z.looseObject({ cron: z.string() }),
});

export const systemRegistry = defineRegistry({
  app: "inngest",
  events: [functionFailed, functionFinished, functionCancelled, functionInvoked, scheduledTimer],
});
