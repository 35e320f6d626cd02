import { defineEvent } from "evreg";
import { z } from "zod";

// Named as the guide writes it ("send" is not past tense): the linter's real case.
export const reminderSend = defineEvent({
  name: "trial/reminder.send",
  description: "A trial reminder is due; sent with a future ts to deliver it later.",
  owner: "growth",
  data: z.object({
    userId: z.string().min(1),
    trialExpiresAt: z.iso.datetime(),
  }),
});
