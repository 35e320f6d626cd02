/**
 * The middleware in the real inngest v4 SDK, no Inngest server: sends go to a tiny Event API on
 * 127.0.0.1 (so we see which requests were made), and function runs are driven through the SDK's
 * own serve handler (hono, in process) with the request the executor would send.
 */
import { createServer, type Server } from "node:http";
import { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import registry from "../../schemas/index.ts";
import { EventValidationError } from "../../src/errors.ts";
import { evregMiddleware } from "../../src/runtime/inngest.ts";
import { inngestExecutor } from "../support/inngest-executor.ts";

const received: unknown[][] = [];
let eventApi: Server;
let baseUrl = "";

beforeAll(async () => {
  eventApi = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      const events = JSON.parse(body) as unknown[];
      received.push(events);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ ids: events.map((_, index) => `evt_${received.length}_${index}`), status: 200 }));
    });
  });
  await new Promise<void>((resolve) => eventApi.listen(0, "127.0.0.1", resolve));
  const address = eventApi.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => eventApi.close(resolve));
});

const invoice = {
  name: "billing/invoice.paid",
  data: {
    customerId: "cus_1",
    invoiceId: "in_1",
    userId: "u1",
    amount: 1000,
    metadata: { accountId: "a", accountName: "Acme" },
  },
};

function client() {
  return new Inngest({ id: "evreg-mw-test", isDev: true, baseUrl, middleware: [evregMiddleware({ registry })] });
}

describe("outgoing sends", () => {
  it("lets a valid event through to the Event API", async () => {
    const before = received.length;
    const result = await client().send(invoice);
    expect(result.ids).toHaveLength(1);
    expect(received.length).toBe(before + 1);
    expect(received.at(-1)?.[0]).toMatchObject({ name: "billing/invoice.paid", data: invoice.data });
  });

  it("rejects a bad event before any request, with the Issue", async () => {
    const before = received.length;
    const error = await client()
      .send([invoice, { ...invoice, data: { ...invoice.data, amount: "1000" } }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues).toEqual([
      expect.objectContaining({ rule: "event/schema", index: 1, path: "/data/amount" }),
    ]);
    expect(received.length).toBe(before);
  });

  it("rejects an undeclared name and the reserved prefix", async () => {
    await expect(client().send({ name: "billing/invoice.payed", data: {} })).rejects.toThrow(
      /did you mean "billing\/invoice.paid"/,
    );
    await expect(client().send({ name: "inngest/function.failed", data: {} })).rejects.toThrow(/reserved prefix/);
  });
});

describe("incoming triggers", () => {
  const inngest = client();
  let runs = 0;
  const onPaid = inngest.createFunction(
    { id: "on-paid", triggers: { event: "billing/invoice.paid" } },
    async ({ event }) => {
      runs++;
      return { invoiceId: (event.data as { invoiceId: string }).invoiceId };
    },
  );
  const run = inngestExecutor(inngest, [onPaid]);
  const execute = (event: Record<string, unknown>) => run(onPaid, event);

  it("runs the function for a valid trigger", async () => {
    const response = await execute({ ...invoice, id: "01HEVT", ts: Date.UTC(2024, 0, 15) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ invoiceId: "in_1" });
    expect(runs).toBe(1);
  });

  it("fails a bad trigger as non-retriable without running the handler", async () => {
    const response = await execute({
      ...invoice,
      id: "01HEVT2",
      ts: Date.UTC(2024, 0, 15),
      data: { ...invoice.data, customerId: 42 },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-inngest-no-retry")).toBe("true");
    expect(await response.text()).toContain("/data/customerId");
    expect(runs).toBe(1);
  });
});
