import { defineEvent } from "evreg";
import { z } from "zod";

export const functionRequested = defineEvent({
  name: "retry/function.requested",
  description: "A failed run should be retried later (sent with a future ts).",
  owner: "platform",
  data: z.object({ originalRunId: z.string().min(1) }),
});
