import { eventType } from "inngest";
import { inngest } from "../client.ts";

const profileUpdated = eventType("user/profile.updated");

const ONE_HOUR_MS = 60 * 60 * 1000;

/** Delayed delivery: the reminder arrives an hour from now. */
export async function scheduleTrialReminder(userId: string, trialExpiresAt: string) {
  return inngest.send({
    name: "trial/reminder.send",
    ts: Date.now() + ONE_HOUR_MS,
    data: { userId, trialExpiresAt },
  });
}

export const remindTrialUser = inngest.createFunction(
  { id: "remind-trial-user", triggers: [{ event: "trial/reminder.send" }] },
  async ({ event, step }) => {
    await step.run("email-reminder", () => `trial of ${event.data.userId} ends ${event.data.trialExpiresAt}`);
  },
);

/**
 * The guide's "Maintaining Event Order": each event's `ts` records when it happened, so readers can
 * sort by it. Inngest does not process a batch in `ts` order (a past `ts` changes nothing, a future
 * one delays delivery), so handlers that need the order compare `event.ts` themselves.
 */
export async function recordActions(userId: string) {
  const events = [
    { name: "user/action.performed", ts: 1640995200000, data: { action: "login", userId } },
    { name: "user/action.performed", ts: 1640995260000, data: { action: "purchase", userId } },
  ];
  return inngest.send(events);
}

/** A versioned event: the send names the schema version it follows. */
export async function updateProfile(userId: string, email: string) {
  return inngest.send(
    profileUpdated.create(
      {
        userId,
        changes: { email, preferences: { theme: "dark" } },
        auditInfo: { changedBy: "user_456", reason: "user_requested" },
      },
      { v: "2024-01-15.1" },
    ),
  );
}

export const syncProfile = inngest.createFunction(
  {
    id: "sync-profile",
    triggers: [{ event: profileUpdated, if: "has(event.data.changes.email)" }],
  },
  async ({ event, step }) => {
    await step.run("sync", () => event.data.userId);
  },
);

export async function completeCheckout(cartId: string, items: string[]) {
  return inngest.send({
    id: `cart-checkout-completed-${cartId}`,
    name: "storefront/cart.checkout.completed",
    data: { cartId, items },
  });
}
