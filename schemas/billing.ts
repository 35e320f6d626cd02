import { defineEvent } from "evreg";
import { z } from "zod";

export const invoicePaid = defineEvent({
  name: "billing/invoice.paid",
  description: "A customer's invoice was paid in full.",
  owner: "billing",
  id: "invoice-paid-${invoiceId}",
  data: z.object({
    customerId: z.string().startsWith("cus_"),
    invoiceId: z.string().startsWith("in_"),
    userId: z.string().min(1),
    /** Smallest currency unit (cents). */
    amount: z.number().int().nonnegative(),
    metadata: z.object({
      accountId: z.string().min(1),
      accountName: z.string().min(1),
    }),
  }),
});
