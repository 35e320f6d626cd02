/**
 * Runs Inngest functions through the real SDK's serve handler (hono, in process), posting the
 * request Inngest's executor would send for a first attempt. No Inngest server is involved.
 */
import { Hono } from "hono";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/hono";

/** `execute(fn, event)` answers as the SDK would to the executor's call for that run. */
export function inngestExecutor(client: Inngest.Any, functions: InngestFunction.Any[]) {
  const app = new Hono();
  app.on(["GET", "POST", "PUT"], "/api/inngest", serve({ client, functions }));
  return (fn: InngestFunction.Any, event: Record<string, unknown>): Promise<Response> =>
    Promise.resolve(
      app.request(`http://127.0.0.1/api/inngest?fnId=${client.id}-${fn.opts.id}&stepId=step`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          event,
          events: [event],
          steps: {},
          ctx: {
            run_id: "01HRUN",
            attempt: 0,
            disable_immediate_execution: true,
            use_api: false,
            stack: { stack: [], current: 0 },
          },
          version: 1,
        }),
      }),
    );
}
