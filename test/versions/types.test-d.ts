import { Inngest } from "inngest";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type EventData, user } from "../../generated/events.ts";
import { defineEvent, defineRegistry, type VersionInput } from "../../src/registry/define.ts";
import { createRuntime } from "../../src/runtime/bus.ts";
import { upcast } from "../../src/runtime/upcast.ts";
import { chainRegistry, versions } from "./fixtures.ts";

const runtime = createRuntime({ registry: chainRegistry });

describe("pinned handlers", () => {
  it("type event.data and event.v from the pinned version", () => {
    runtime.on({ event: "account/user.renamed", v: "1.0.0" }, { id: "a" }, ({ event }) => {
      expectTypeOf(event.data).toEqualTypeOf<{ userId: string; name: string }>();
      expectTypeOf(event.v).toEqualTypeOf<"1.0.0">();
      // @ts-expect-error 1.0.0 has no fullName
      event.data.fullName;
    });
    runtime.on(
      { event: "account/user.renamed", v: "1.1.0", if: "event.data.userId != ''" },
      { id: "b" },
      ({ event }) => {
        expectTypeOf(event.data.locale).toEqualTypeOf<string | undefined>();
      },
    );
  });

  it("unpinned handlers read the latest", () => {
    runtime.on("account/user.renamed", { id: "c" }, ({ event }) => {
      expectTypeOf(event.data.fullName).toEqualTypeOf<string>();
    });
    runtime.on({ event: "account/user.renamed" }, { id: "d" }, ({ event }) => {
      expectTypeOf(event.data.fullName).toEqualTypeOf<string>();
    });
  });

  it("mixes pinned and unpinned triggers in a list", () => {
    runtime.on([{ event: "account/user.renamed", v: "1.0.0" }, "inngest/function.failed"], { id: "e" }, ({ event }) => {
      if (event.name === "account/user.renamed") expectTypeOf(event.data.name).toEqualTypeOf<string>();
      else expectTypeOf(event.data.function_id).toEqualTypeOf<string>();
    });
  });

  it("rejects an undeclared version", () => {
    // @ts-expect-error 3.0.0 is not a version of the event
    runtime.on({ event: "account/user.renamed", v: "3.0.0" }, { id: "f" }, () => {});
  });

  it("types sends of older versions with that version's data", () => {
    void runtime.send({ name: "account/user.renamed", v: "1.0.0", data: { userId: "u", name: "Ada" } });
    void runtime.send({ name: "account/user.renamed", data: { userId: "u", fullName: "Ada" } });
    // @ts-expect-error 1.0.0 data has name, not fullName
    void runtime.send({ name: "account/user.renamed", v: "1.0.0", data: { userId: "u", fullName: "Ada" } });
  });
});

describe("upcaster signatures", () => {
  it("types `old` as the previous version's data and checks the return against the target", () => {
    defineEvent({
      name: "account/user.renamed",
      versions,
      upcast: {
        "2.0.0": (old) => {
          expectTypeOf(old).toEqualTypeOf<{ userId: string; name: string; locale?: string | undefined }>();
          return { userId: old.userId, fullName: old.name };
        },
        "1.1.0": (old) => {
          expectTypeOf(old).toEqualTypeOf<{ userId: string; name: string }>();
          return old;
        },
      },
    });
  });

  it("a wrong return type is a compile error", () => {
    defineEvent({
      name: "account/user.renamed",
      versions,
      // @ts-expect-error fullName is missing from the 2.0.0 data
      upcast: { "2.0.0": (old) => ({ userId: old.userId }) },
    });
    defineEvent({
      name: "account/user.renamed",
      versions,
      // @ts-expect-error fullName must be a string
      upcast: { "2.0.0": (old) => ({ userId: old.userId, fullName: 42 }) },
    });
    defineEvent({
      name: "account/user.renamed",
      versions,
      // @ts-expect-error keys name a version after the first
      upcast: { "1.0.0": (old) => old },
    });
  });
});

describe("events declared with data alone", () => {
  it("infer one typed 1.0.0 version", () => {
    const data = z.object({ cartId: z.string(), items: z.array(z.string()) });
    const completed = defineEvent({ name: "storefront/cart.completed", data });
    expectTypeOf(completed["~versions"]).toEqualTypeOf<readonly [VersionInput<"1.0.0", typeof data>] | undefined>();
    const typed = createRuntime({ registry: defineRegistry({ app: "t", events: [completed] }) });
    typed.on("storefront/cart.completed", { id: "g" }, ({ event }) => {
      expectTypeOf(event.data).toEqualTypeOf<{ cartId: string; items: string[] }>();
    });
    // @ts-expect-error items must be strings
    void typed.send({ name: "storefront/cart.completed", data: { cartId: "c", items: [1] } });
  });
});

describe("the upcast helper", () => {
  it("returns the target version's data type", () => {
    const read = upcast(
      chainRegistry,
      { name: "account/user.renamed", data: { userId: "u", name: "A" }, v: "1.0.0" },
      "2.0.0",
    );
    expectTypeOf(read.v).toEqualTypeOf<"2.0.0">();
    expectTypeOf(read.data).toEqualTypeOf<{ userId: string; fullName: string; locale?: string | undefined }>();
    // @ts-expect-error not a version of the event
    upcast(chainRegistry, { name: "account/user.renamed", data: {} }, "3.0.0");
  });
});

describe("generated trigger helpers", () => {
  const inngest = new Inngest({ id: "types" });
  it("`.at(v)` pins the version an Inngest function reads", () => {
    inngest.createFunction({ id: "old", triggers: [user.profileUpdated.at("2023-11-02.1")] }, async ({ event }) => {
      expectTypeOf(event.data).toEqualTypeOf<EventData<"user/profile.updated", "2023-11-02.1">>();
    });
    inngest.createFunction({ id: "latest", triggers: [user.profileUpdated] }, async ({ event }) => {
      expectTypeOf(event.data).toEqualTypeOf<EventData<"user/profile.updated", "2024-01-15.1">>();
    });
    // @ts-expect-error not a version of user/profile.updated
    user.profileUpdated.at("2024-01-16.1");
  });

  it("`create` on a pinned type makes events of that version", () => {
    const created = user.profileUpdated.at("2023-11-02.1").create({ userId: "u", changes: {} });
    expectTypeOf(created.v).toEqualTypeOf<"2023-11-02.1">();
    const pinned = user.profileUpdated.at("2023-11-02.1");
    const audit = { changedBy: "a", reason: "admin_action" } as const;
    // @ts-expect-error auditInfo is not in 2023-11-02.1
    pinned.create({ userId: "u", changes: {}, auditInfo: audit });
  });
});
