import { defineEvent } from "evreg";
import { z } from "zod";

export const itemReserved = defineEvent({
  name: "inventory/item.reserved",
  description: "Stock for one order line was reserved in a warehouse.",
  owner: "inventory",
  id: "item-reserved-${orderId}-${itemId}",
  data: z.object({
    itemId: z.string().min(1),
    orderId: z.string().startsWith("ord_"),
    quantity: z.number().int().positive(),
    warehouseId: z.string().min(1),
  }),
});
