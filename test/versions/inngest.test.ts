/**
 * Version pinning through the real inngest v4 SDK: runs are driven through the SDK's serve handler
 * (hono, in process) with the request the executor would send; no Inngest server.
 */
import { eventType, Inngest, type InngestFunction } from "inngest";
import { describe, expect, it } from "vitest";
import { user } from "../../generated/events.ts";
import exampleRegistry from "../../schemas/index.ts";
import type { Registry } from "../../src/registry/define.ts";
import { evregMiddleware } from "../../src/runtime/inngest.ts";
import { inngestExecutor } from "../support/inngest-executor.ts";
import { brokenRegistry, chainRegistry } from "./fixtures.ts";

function harness(registry: Registry, define: (inngest: Inngest.Any, seen: unknown[]) => InngestFunction.Any) {
  const inngest = new Inngest({ id: "evreg-versions", isDev: true, middleware: [evregMiddleware({ registry })] });
  const seen: unknown[] = [];
  const fn = define(inngest, seen);
  const run = inngestExecutor(inngest, [fn]);
  const execute = (event: Record<string, unknown>) => run(fn, { id: "01HEVT", ts: Date.UTC(2024, 0, 15), ...event });
  return { execute, seen };
}

const old = { userId: "u1", changes: { name: "Ada" } };
const current = { ...old, auditInfo: { changedBy: "admin_1", reason: "admin_action" } };

describe("the middleware reads triggers at the function's version", () => {
  it("a function pinned with the generated `.at(v)` reads a newer event as its version", async () => {
    const { execute, seen } = harness(exampleRegistry, (inngest, seen) =>
      inngest.createFunction(
        { id: "old-reader", triggers: [user.profileUpdated.at("2023-11-02.1")] },
        async ({ event }) => {
          seen.push({ v: event.v, data: event.data });
          return "ok";
        },
      ),
    );
    const response = await execute({ name: "user/profile.updated", data: current, v: "2024-01-15.1" });
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ v: "2023-11-02.1", data: current }]);
  });

  it("an unpinned function reads an older event as the latest", async () => {
    const { execute, seen } = harness(exampleRegistry, (inngest, seen) =>
      inngest.createFunction(
        { id: "latest-reader", triggers: [{ event: "user/profile.updated" }] },
        async ({ event }) => {
          seen.push({ v: event.v, data: event.data });
          return "ok";
        },
      ),
    );
    const response = await execute({ name: "user/profile.updated", data: old, v: "2023-11-02.1" });
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ v: "2024-01-15.1", data: old }]);
  });

  it("upcasts an older event for a function pinned to a later version", async () => {
    const { execute, seen } = harness(chainRegistry, (inngest, seen) =>
      inngest.createFunction(
        { id: "new-reader", triggers: [eventType("account/user.renamed", { version: "2.0.0" })] },
        async ({ event }) => {
          seen.push({ v: event.v, data: event.data });
          return "ok";
        },
      ),
    );
    const response = await execute({ name: "account/user.renamed", data: { userId: "u1", name: "Ada" }, v: "1.0.0" });
    expect(response.status).toBe(200);
    expect(seen).toEqual([{ v: "2.0.0", data: { userId: "u1", fullName: "Ada" } }]);
  });

  it("fails the run as non-retriable with the VersionMismatchError when there is no path", async () => {
    const { execute, seen } = harness(brokenRegistry, (inngest, seen) =>
      inngest.createFunction(
        { id: "new-reader", triggers: [eventType("account/user.renamed", { version: "2.0.0" })] },
        async () => {
          seen.push("ran");
        },
      ),
    );
    const response = await execute({ name: "account/user.renamed", data: { userId: "u1", name: "Ada" }, v: "1.1.0" });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-inngest-no-retry")).toBe("true");
    const body = await response.text();
    expect(body).toContain("Cannot read account/user.renamed 1.1.0 as 2.0.0");
    expect(body).toContain('upcast[\\"2.0.0\\"]');
    expect(seen).toEqual([]);
  });
});
