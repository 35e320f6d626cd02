import { inngest } from "../client.ts";
import { crm, emails, subscriptions } from "../services.ts";

const SIGNUP_COMPLETED = "user/signup.completed";

/** Sign-up fans out: three functions react to the same event independently. */
export async function completeSignup(userId: string, email: string, plan: "free" | "pro" | "team" | "enterprise") {
  return inngest.send({
    name: SIGNUP_COMPLETED,
    id: `user-signup-${userId}`,
    data: { userId, email, plan },
  });
}

export const sendWelcomeEmail = inngest.createFunction(
  { id: "send-welcome-email", triggers: [{ event: SIGNUP_COMPLETED }] },
  async ({ event, step }) => {
    const sent = await step.run("send-email", () => emails.send({ to: event.data.email, template: "welcome" }));
    await step.sendEvent("welcome-sent", {
      name: "email/welcome.sent",
      data: { userId: event.data.userId, messageId: sent.messageId, sentAt: new Date().toISOString() },
    });
  },
);

export const createTrialSubscription = inngest.createFunction(
  { id: "create-trial", triggers: [{ event: SIGNUP_COMPLETED }] },
  async ({ event, step }) => {
    await step.run("create-subscription", () => subscriptions.createTrial(event.data.stripeCustomerId, 14));
  },
);

export const addToCrm = inngest.createFunction(
  { id: "add-to-crm", triggers: [{ event: SIGNUP_COMPLETED }] },
  async ({ event, step }) => {
    await step.run("crm-sync", () => crm.addContact({ email: event.data.email, plan: event.data.plan }));
  },
);

/** The guide's orchestrator: send three commands, then wait for each service to confirm. */
export const orchestrateOnboarding = inngest.createFunction(
  { id: "orchestrate-onboarding", triggers: [{ event: SIGNUP_COMPLETED }] },
  async ({ event, step }) => {
    await step.sendEvent("fan-out", [
      { name: "email/welcome.send", data: event.data },
      { name: "subscription/trial.create", data: event.data },
      { name: "crm/contact.add", data: event.data },
    ]);

    const [email, subscription, contact] = await Promise.all([
      step.waitForEvent("email-sent", {
        event: "email/welcome.sent",
        timeout: "5m",
        if: "event.data.userId == async.data.userId",
      }),
      step.waitForEvent("subscription-created", {
        event: "subscription/trial.created",
        timeout: "5m",
        if: "event.data.userId == async.data.userId",
      }),
      step.waitForEvent("crm-synced", {
        event: "crm/contact.added",
        timeout: "5m",
        if: "event.data.userId == async.data.userId",
      }),
    ]);

    return { complete: email !== null && subscription !== null && contact !== null };
  },
);
