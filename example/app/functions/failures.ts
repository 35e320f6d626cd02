import { inngest } from "../client.ts";
import { alerting } from "../services.ts";

const RETRY_DELAY_MS = 5 * 60 * 1000;

/** The guide's failure handler: alert on critical functions, schedule a retry on rate limits. */
export const handleFailures = inngest.createFunction(
  { id: "handle-failed-functions", triggers: [{ event: "inngest/function.failed" }] },
  async ({ event, step }) => {
    const { function_id, run_id, error } = event.data;
    if (function_id.includes("critical")) {
      await step.run("send-alert", () =>
        alerting.sendAlert({ title: `Critical function failed: ${function_id}`, severity: "high", runId: run_id }),
      );
    }
    if (error.name === "RateLimitExceeded") {
      await step.run("schedule-retry", () =>
        inngest.send({
          name: "retry/function.requested",
          ts: Date.now() + RETRY_DELAY_MS,
          data: { originalRunId: run_id },
        }),
      );
    }
  },
);
