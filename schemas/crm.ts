import { defineEvent } from "evreg";
import { z } from "zod";
import { plan } from "./user.ts";

export const contactAdd = defineEvent({
  name: "crm/contact.add",
  description: "Command from onboarding: add the user to the CRM.",
  owner: "sales-ops",
  data: z.object({ userId: z.string().min(1), email: z.email(), plan }),
});

export const contactAdded = defineEvent({
  name: "crm/contact.added",
  description: "The user is now a CRM contact.",
  owner: "sales-ops",
  id: "crm-contact-added-${userId}",
  data: z.object({ userId: z.string().min(1), contactId: z.string().min(1) }),
});
