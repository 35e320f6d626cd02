import { inngest } from "../client.ts";
import { getOrderItems } from "../services.ts";

export async function placeOrder(orderId: string, customerId: string) {
  return inngest.send({
    name: "order/placed",
    data: {
      orderId,
      customerId,
      amount: 2500,
      items: [
        { id: "item_1", quantity: 2 },
        { id: "item_2", quantity: 1 },
      ],
    },
  });
}

/** The guide's batch send: one event per order line, in one request. */
export async function reserveInventory(orderId: string) {
  const orderItems = await getOrderItems(orderId);
  const events = orderItems.map((item) => ({
    name: "inventory/item.reserved",
    data: { itemId: item.id, orderId, quantity: item.quantity, warehouseId: item.warehouseId },
  }));
  return inngest.send(events);
}

export const processOrder = inngest.createFunction(
  {
    id: "process-order",
    triggers: [{ event: "order/placed" }],
    cancelOn: [{ event: "order/placed", match: "data.orderId" }],
  },
  async ({ event, step }) => {
    await step.sendEvent("trigger-fulfillment", {
      name: "fulfillment/order.received",
      data: {
        orderId: event.data.orderId,
        priority: event.data.customerTier === "premium" ? "high" : "normal",
      },
    });
  },
);
