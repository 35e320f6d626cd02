/** Stand-ins for the app's own services, so the example functions read like the guide's. */
export interface Sent {
  messageId: string;
}

export const emails = {
  async send(message: { to: string; template: string }): Promise<Sent> {
    return { messageId: `msg_${message.template}_${message.to.length}` };
  },
};

export const subscriptions = {
  async createTrial(customer: string | undefined, days: number): Promise<{ id: string }> {
    return { id: `sub_${customer ?? "new"}_${days}` };
  },
};

export const crm = {
  async addContact(contact: { email: string; plan: string }): Promise<{ id: string }> {
    return { id: `contact_${contact.plan}` };
  },
};

export const alerting = {
  async sendAlert(alert: { title: string; severity: "high" | "low"; runId: string }): Promise<string> {
    return alert.title;
  },
};

export async function getOrderItems(orderId: string): Promise<{ id: string; quantity: number; warehouseId: string }[]> {
  return [{ id: `item_${orderId}`, quantity: 1, warehouseId: "wh_1" }];
}
