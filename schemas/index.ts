import { defineRegistry } from "evreg";
import { invoicePaid } from "./billing.ts";
import { contactAdd, contactAdded } from "./crm.ts";
import { welcomeSend, welcomeSent } from "./email.ts";
import { orderReceived } from "./fulfillment.ts";
import { itemReserved } from "./inventory.ts";
import { orderPlaced } from "./order.ts";
import { chargeSucceeded } from "./payment.ts";
import { functionRequested } from "./retry.ts";
import { cartCheckoutCompleted } from "./storefront.ts";
import { trialCreate, trialCreated } from "./subscription.ts";
import { reminderSend } from "./trial.ts";
import { actionPerformed, profileUpdated, signupCompleted } from "./user.ts";

export default defineRegistry({
  app: "evreg-example",
  events: [
    invoicePaid,
    cartCheckoutCompleted,
    reminderSend,
    actionPerformed,
    signupCompleted,
    welcomeSend,
    welcomeSent,
    trialCreate,
    trialCreated,
    contactAdd,
    contactAdded,
    orderPlaced,
    itemReserved,
    orderReceived,
    functionRequested,
    profileUpdated,
    chargeSucceeded,
  ],
});
