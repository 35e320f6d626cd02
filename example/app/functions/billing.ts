import { eventType } from "inngest";
import { inngest } from "../client.ts";

// Inngest v4 sends carry `v` through an event type that names its version.
const chargeSucceeded = eventType("payment/charge.succeeded", { version: "1.0.0" });

/** The guide's basic send: an invoice was paid. */
export async function recordInvoicePaid(invoiceId: string, userId: string, amount: number) {
  return inngest.send({
    name: "billing/invoice.paid",
    id: `invoice-paid-${invoiceId}`,
    data: {
      customerId: "cus_NffrFeUfNV2Hib",
      invoiceId,
      userId,
      amount,
      metadata: { accountId: "acct_1J5g2n2eZvKYlo2C0Z1Z2Z3Z", accountName: "Acme.ai" },
    },
  });
}

export const thankCustomer = inngest.createFunction(
  { id: "thank-customer", triggers: [{ event: "billing/invoice.paid", if: "event.data.amount >= 1000" }] },
  async ({ event, step }) => {
    await step.run("thank", () => `thanks ${event.data.metadata.accountName}`);
  },
);

/** A charge with its version set, so every reader knows the schema it follows. */
export async function recordCharge(chargeId: string, customerId: string, amount: number) {
  return inngest.send(
    chargeSucceeded.create(
      {
        chargeId,
        customerId,
        amount,
        currency: "usd",
        paymentMethod: { type: "card", last4: "4242", brand: "visa" },
        metadata: { source: "stripe_webhook", environment: "production" },
      },
      { id: `charge-succeeded-${chargeId}` },
    ),
  );
}
