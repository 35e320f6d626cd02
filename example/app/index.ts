/** Every function of the example app, for `serve()`. */

import { thankCustomer } from "./functions/billing.ts";
import { handleFailures } from "./functions/failures.ts";
import { addToCrm, createTrialSubscription, orchestrateOnboarding, sendWelcomeEmail } from "./functions/onboarding.ts";
import { processOrder } from "./functions/orders.ts";
import { remindTrialUser, syncProfile } from "./functions/users.ts";

export { inngest } from "./client.ts";

export const functions = [
  sendWelcomeEmail,
  createTrialSubscription,
  addToCrm,
  orchestrateOnboarding,
  processOrder,
  handleFailures,
  remindTrialUser,
  syncProfile,
  thankCustomer,
];
