import { defineEvent } from "evreg";
import { z } from "zod";

export const actionPerformed = defineEvent({
  name: "user/action.performed",
  description: "A user did something worth recording (login, purchase, ...).",
  owner: "analytics",
  data: z.object({
    action: z.string().min(1),
    userId: z.string().min(1).optional(),
  }),
});

export const plan = z.enum(["free", "pro", "team", "enterprise"]);

export const signupCompleted = defineEvent({
  name: "user/signup.completed",
  description: "A user finished signing up; fans out to welcome email, trial and CRM.",
  owner: "identity",
  id: "user-signup-${userId}",
  data: z.object({
    userId: z.string().min(1),
    email: z.email(),
    plan,
    stripeCustomerId: z.string().startsWith("cus_").optional(),
  }),
});

const profileChanges = z.object({
  email: z.email().optional(),
  name: z.string().min(1).optional(),
  preferences: z
    .object({
      theme: z.enum(["light", "dark", "system"]).optional(),
      locale: z.string().min(2).optional(),
    })
    .optional(),
});

export const profileUpdated = defineEvent({
  name: "user/profile.updated",
  description: "A user's profile changed; `changes` holds only the fields that changed.",
  owner: "identity",
  versions: [
    {
      v: "2023-11-02.1",
      data: z.object({ userId: z.string().min(1), changes: profileChanges }),
    },
    {
      v: "2024-01-15.1",
      data: z.object({
        userId: z.string().min(1),
        changes: profileChanges,
        auditInfo: z
          .object({
            changedBy: z.string().min(1),
            reason: z.enum(["user_requested", "admin_action", "system_sync"]),
          })
          .optional(),
      }),
    },
  ],
});
