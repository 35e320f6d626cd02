/** Producers and consumers of the example registry, as the guide's onboarding fan-out has them. */
import type { CatalogLinks } from "../../src/codegen/catalog/links.ts";

export const EXAMPLE_LINKS: CatalogLinks = {
  sends: [{ event: "user/signup.completed", file: "src/api/signup.ts", scope: "signup" }],
  triggers: [
    {
      event: "user/signup.completed",
      file: "src/functions/onboarding.ts",
      scope: "onboarding",
      functionId: "onboard-user",
      sendsFromHandler: ["email/welcome.send", "subscription/trial.create", "crm/contact.add"],
    },
    {
      event: "email/welcome.send",
      file: "src/functions/email.ts",
      scope: "sendWelcomeEmail",
      functionId: "send-welcome-email",
      sendsFromHandler: ["email/welcome.sent"],
    },
  ],
  waits: [
    {
      event: "email/welcome.sent",
      file: "src/functions/onboarding.ts",
      scope: "onboarding",
      functionId: "onboard-user",
    },
  ],
};
