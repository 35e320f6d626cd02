import { defineEvent } from "evreg";
import { z } from "zod";
import { plan } from "./user.ts";

export const trialCreate = defineEvent({
  name: "subscription/trial.create",
  description: "Command from onboarding: start a trial subscription.",
  owner: "billing",
  data: z.object({ userId: z.string().min(1), email: z.email(), plan }),
});

export const trialCreated = defineEvent({
  name: "subscription/trial.created",
  description: "A trial subscription started.",
  owner: "billing",
  id: "trial-created-${userId}",
  data: z.object({
    userId: z.string().min(1),
    subscriptionId: z.string().startsWith("sub_"),
    trialEndsAt: z.iso.datetime(),
  }),
});
