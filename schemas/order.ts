import { defineEvent } from "evreg";
import { z } from "zod";

export const orderPlaced = defineEvent({
  name: "order/placed",
  description: "A customer placed an order. (Named as the guide writes it: no noun.verb.)",
  owner: "orders",
  id: "order-placed-${orderId}",
  data: z.object({
    orderId: z.string().startsWith("ord_"),
    customerId: z.string().startsWith("cus_"),
    amount: z.number().int().nonnegative(),
    customerTier: z.enum(["standard", "premium"]).optional(),
    items: z.array(z.object({ id: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  }),
});
