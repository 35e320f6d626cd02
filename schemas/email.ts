import { defineEvent } from "evreg";
import { z } from "zod";
import { plan } from "./user.ts";

export const welcomeSend = defineEvent({
  name: "email/welcome.send",
  description: "Command from onboarding: send the welcome email.",
  owner: "lifecycle-email",
  data: z.object({ userId: z.string().min(1), email: z.email(), plan }),
});

export const welcomeSent = defineEvent({
  name: "email/welcome.sent",
  description: "The welcome email went out.",
  owner: "lifecycle-email",
  id: "welcome-sent-${userId}",
  data: z.object({
    userId: z.string().min(1),
    messageId: z.string().min(1),
    sentAt: z.iso.datetime(),
  }),
});
