import { Inngest } from "inngest";

// The guide's client, as the example app's event producer and function host.
export const inngest = new Inngest({ id: "evreg-example" });
