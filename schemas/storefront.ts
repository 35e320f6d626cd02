import { defineEvent } from "evreg";
import { z } from "zod";

export const cartCheckoutCompleted = defineEvent({
  name: "storefront/cart.checkout.completed",
  description: "A shopper completed checkout of a cart.",
  owner: "storefront",
  id: "cart-checkout-completed-${cartId}",
  data: z.object({
    cartId: z.string().min(1),
    items: z.array(z.string().min(1)).min(1),
  }),
});
