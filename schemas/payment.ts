import { defineEvent } from "evreg";
import { z } from "zod";

export const chargeSucceeded = defineEvent({
  name: "payment/charge.succeeded",
  description: "A card or bank charge succeeded; carries context for billing, analytics and support.",
  owner: "payments",
  id: "charge-succeeded-${chargeId}",
  versions: [
    {
      v: "1.0.0",
      data: z.object({
        chargeId: z.string().startsWith("ch_"),
        customerId: z.string().startsWith("cus_"),
        amount: z.number().int().positive(),
        currency: z.string().regex(/^[a-z]{3}$/),
        subscription: z.object({ id: z.string().startsWith("sub_"), plan: z.string().min(1) }).optional(),
        invoice: z.object({ id: z.string().min(1), number: z.string().min(1) }).optional(),
        paymentMethod: z.object({
          type: z.enum(["card", "bank_transfer", "wallet"]),
          last4: z.string().regex(/^\d{4}$/),
          brand: z.string().min(1),
        }),
        metadata: z.object({
          source: z.string().min(1),
          environment: z.enum(["production", "staging", "development"]),
        }),
      }),
    },
  ],
});
