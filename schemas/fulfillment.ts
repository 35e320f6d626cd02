import { defineEvent } from "evreg";
import { z } from "zod";

export const orderReceived = defineEvent({
  name: "fulfillment/order.received",
  description: "Fulfillment accepted an order to pick and ship.",
  owner: "fulfillment",
  id: "fulfillment-order-received-${orderId}",
  data: z.object({
    orderId: z.string().startsWith("ord_"),
    priority: z.enum(["high", "normal"]),
  }),
});
