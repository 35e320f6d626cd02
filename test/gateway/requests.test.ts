/** Every error path of `POST /e/:eventKey`, raw, against a gateway on a real socket (local runtime). */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/runtime/bus.ts";
import { memoryStore } from "../../src/runtime/dedup/memory.ts";
import {
  createEventKeyCheck,
  type DeliveryRequest,
  deliverLocally,
  parseEventKeys,
  parseStoreSpec,
  type RunningGateway,
  startGateway,
} from "../../src/runtime/index.ts";
import { exampleRegistry, invoicePaid, leaksInternals, post } from "./support.ts";

const KEYS = ["key-alpha-0123456789", "key-beta"];
const MAX_BODY = 64 * 1024;
let gateway: RunningGateway;
const delivered: string[] = [];
let runtime: ReturnType<typeof createRuntime>;

beforeAll(async () => {
  const registry = await exampleRegistry();
  runtime = createRuntime({ registry, store: memoryStore() });
  runtime.on("billing/invoice.paid", { id: "record" }, ({ event }) => {
    delivered.push(event.id);
  });
  gateway = await startGateway({ port: 0, deliver: deliverLocally(runtime), eventKeys: KEYS, maxBodyBytes: MAX_BODY });
});

afterAll(async () => {
  await gateway?.close(1_000);
  await runtime?.close();
});

const ok = (key = "key-beta") => post(gateway.url, key, invoicePaid());

describe("event keys", () => {
  it.each([
    ["a wrong key", "key-gamma"],
    ["a prefix of a valid key", "key-alpha"],
    ["a valid key with a suffix", "key-beta-x"],
    ["a key of another case", "KEY-BETA"],
    ["an empty-looking key", " "],
  ])("refuses %s with 401 and the same answer", async (_, key) => {
    const answer = await post(gateway.url, key, invoicePaid());
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ status: 401, error: "event key not recognized" });
  });

  it("refuses a missing key", async () => {
    const response = await fetch(`${gateway.url}/e/`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ status: 401, error: "event key not recognized" });
  });

  it("accepts every key of the file", async () => {
    expect((await ok("key-alpha-0123456789")).status).toBe(200);
    expect((await ok("key-beta")).status).toBe(200);
  });

  it("checks a key before reading the body", async () => {
    const answer = await post(gateway.url, "nope", "x".repeat(MAX_BODY * 2), { raw: true, contentType: "text/plain" });
    expect(answer.status).toBe(401);
  });

  it("parses key files: one a line, comments and blanks skipped, unusable keys named", () => {
    expect(parseEventKeys("# producers\nkey-a\n\n  key-b  \r\n", "keys.txt")).toEqual(["key-a", "key-b"]);
    expect(() => parseEventKeys("# nothing\n\n", "keys.txt")).toThrow(/holds no event key/);
    expect(() => parseEventKeys("good\nbad key\n", "keys.txt")).toThrow(/whitespace or a slash/);
    const check = createEventKeyCheck(["a", "bb"]);
    expect([check("a"), check("bb"), check("b"), check(""), check("aa")]).toEqual([true, true, false, false, false]);
  });
});

describe("content type", () => {
  it.each([
    ["application/json", 200],
    ["application/json; charset=utf-8", 200],
    ['Application/JSON; Charset="UTF-8"', 200],
    ["application/json; charset=latin1", 415],
    ["text/plain", 415],
    ["application/x-www-form-urlencoded", 415],
    ["application/jsonp", 415],
    [null, 415],
  ])("%s -> %i", async (contentType, status) => {
    const answer = await post(gateway.url, "key-beta", JSON.stringify(invoicePaid()), { raw: true, contentType });
    expect(answer.status).toBe(status);
    if (status === 415) expect(answer.body.error).toMatch(/application\/json/);
  });
});

describe("body size", () => {
  it("refuses a declared Content-Length over the limit without reading it (413)", async () => {
    const answer = await post(gateway.url, "key-beta", `"${"x".repeat(MAX_BODY)}"`, { raw: true });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatch(/larger than 65536 bytes/);
  });

  it("cuts a chunked body off at the limit while it streams (413)", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${gateway.url}/e/key-beta`);
      const request = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json" },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on("error", reject);
      // No Content-Length: Transfer-Encoding chunked. Keep sending past the limit until answered.
      let sent = 0;
      const pump = (): void => {
        while (sent < MAX_BODY * 4) {
          sent += 4096;
          if (!request.write("[".repeat(4096))) {
            request.once("drain", pump);
            return;
          }
        }
        request.end();
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it("accepts a body just under the limit", async () => {
    const event = invoicePaid("big");
    (event.data as Record<string, unknown>).note = "n".repeat(MAX_BODY - 400);
    const answer = await post(gateway.url, "key-beta", event);
    expect(answer.status).toBe(200);
  });
});

describe("bad JSON", () => {
  it.each([
    ["an empty body", ""],
    ["truncated JSON", '{"name": "billing/invoice.paid", "data": {'],
    ["trailing garbage", `${JSON.stringify(invoicePaid())} x`],
    ["single quotes", "{'name': 'x'}"],
    ["NaN", '{"name":"billing/invoice.paid","data":{"amount":NaN}}'],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ])("answers 400 to %s, without a stack", async (_, body) => {
    const answer = await post(gateway.url, "key-beta", body, { raw: true });
    expect(answer.status).toBe(400);
    expect(answer.body.status).toBe(400);
    expect(answer.body.error).toMatch(/not valid (JSON|UTF-8)|empty/);
    expect(leaksInternals(answer.text)).toBe(false);
  });
});

describe("prototype pollution", () => {
  const whole = JSON.stringify(invoicePaid("pp"));
  const base = whole.slice(0, -1);
  it.each([
    ["__proto__ in data", whole.replace('"data":{', '"data":{"__proto__":{"polluted":true},'), "/data/__proto__"],
    ["__proto__ in the envelope", `${base},"__proto__":{"polluted":true}}`, "/__proto__"],
    ["__proto__ in an envelope extra", `${base},"user":{"a":{"__proto__":{"polluted":true}}}}`, "/user/a/__proto__"],
    [
      "an escaped __proto__",
      whole.replace('"data":{', '"data":{"\\u005f_proto__":{"polluted":true},'),
      "/data/__proto__",
    ],
    ["constructor.prototype", `${base},"user":{"constructor":{"prototype":{"polluted":true}}}}`, "/user/constructor"],
    [
      "__proto__ in the second event of a batch",
      `[${JSON.stringify(invoicePaid("ok"))},${base},"__proto__":{}}]`,
      "/__proto__",
    ],
  ])("refuses %s with 400 naming where", async (title, body, path) => {
    const before = delivered.length;
    const answer = await post(gateway.url, "key-beta", body, { raw: true });
    expect(answer.status).toBe(400);
    const issues = answer.body.issues as { rule: string; path: string; index: number }[];
    expect(issues).toContainEqual(
      expect.objectContaining({ rule: "event/unsafe-json", path, index: title.includes("second") ? 1 : 0 }),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    await runtime.idle();
    expect(delivered.length).toBe(before);
  });
});

describe("validation", () => {
  it("takes one event or a batch and answers like the Event API", async () => {
    const single = await post(gateway.url, "key-beta", invoicePaid("v-1"));
    expect(single.status).toBe(200);
    expect(single.body).toEqual({ ids: ["v-1"], status: 200 });
    const batch = await post(gateway.url, "key-beta", [invoicePaid("v-2"), invoicePaid("v-3"), invoicePaid()]);
    expect(batch.status).toBe(200);
    expect(batch.body.status).toBe(200);
    expect((batch.body.ids as string[]).slice(0, 2)).toEqual(["v-2", "v-3"]);
    expect(batch.body.ids).toHaveLength(3);
    await runtime.idle();
    expect(delivered).toEqual(expect.arrayContaining(["v-1", "v-2", "v-3"]));
  });

  it("rejects the whole batch when one event is bad, with the index of each bad one", async () => {
    const before = delivered.length;
    const answer = await post(gateway.url, "key-beta", [
      invoicePaid("b-1"),
      { ...invoicePaid("b-2"), name: "billing/invoice.payed" },
      invoicePaid("b-3"),
      invoicePaid("b-4", -5),
    ]);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      status: 400,
      error: expect.stringMatching(/whole batch of 4, nothing was accepted: 2 events are not valid \(#1 \/name: /),
    });
    const issues = answer.body.issues as { index: number; rule: string }[];
    expect([...new Set(issues.map((issue) => issue.index))].sort()).toEqual([1, 3]);
    expect(issues.find((issue) => issue.index === 1)?.rule).toBe("event/unknown-name");
    await runtime.idle();
    expect(delivered.length).toBe(before);
    // Nothing of the refused batch was marked as seen: the fixed batch goes through whole.
    const fixed = await post(gateway.url, "key-beta", [invoicePaid("b-1"), invoicePaid("b-3")]);
    expect(fixed.status).toBe(200);
    await runtime.idle();
    expect(delivered).toEqual(expect.arrayContaining(["b-1", "b-3"]));
  });

  it.each([
    ["a reserved name", { name: "inngest/function.failed", data: {} }, "event/reserved-prefix"],
    ["no data", { name: "billing/invoice.paid" }, "event/data"],
    ["ts in seconds", { ...invoicePaid("ts"), ts: 1_700_000_000 }, "event/ts"],
    ["a number", 42, "event/not-object"],
  ])("refuses %s with its rule", async (_, body, rule) => {
    const answer = await post(gateway.url, "key-beta", body);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toContainEqual(expect.objectContaining({ rule, index: 0 }));
  });

  it("delivers a duplicate id once and still answers 200 with its id", async () => {
    await runtime.idle();
    const first = await post(gateway.url, "key-beta", invoicePaid("dup-1"));
    const again = await post(gateway.url, "key-beta", invoicePaid("dup-1"));
    expect([first.body, again.body]).toEqual([
      { ids: ["dup-1"], status: 200 },
      { ids: ["dup-1"], status: 200 },
    ]);
    await runtime.idle();
    expect(delivered.filter((id) => id === "dup-1")).toHaveLength(1);
  });
});

describe("other routes", () => {
  it("answers GET /health", async () => {
    const response = await fetch(`${gateway.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 200, message: "OK" });
  });

  it("answers 405 to other methods on /e/ and 404 elsewhere, as JSON", async () => {
    const get = await fetch(`${gateway.url}/e/key-beta`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const missing = await fetch(`${gateway.url}/nope`, { method: "POST" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404 });
  });
});

describe("what deliver gets", () => {
  it("the body, its size, the key and the forwarded headers, read through the prototype", async () => {
    const requests: DeliveryRequest[] = [];
    const recording = await startGateway({
      port: 0,
      eventKeys: KEYS,
      deliver: async (request) => {
        requests.push(request);
        return { status: 200, ids: ["recorded"] };
      },
    });
    try {
      const answer = await post(recording.url, "key-beta", invoicePaid(), {
        headers: { "x-inngest-env": "staging", "x-unrelated": "no" },
      });
      expect(answer.status).toBe(200);
    } finally {
      await recording.close(1_000);
    }
    const [request] = requests;
    expect(request).toMatchObject({ body: invoicePaid(), eventKey: "key-beta" });
    expect(request?.bodyBytes).toBe(Buffer.byteLength(JSON.stringify(invoicePaid())));
    expect(request?.headers).toMatchObject({ "x-inngest-env": "staging" });
    expect(request?.headers).not.toHaveProperty("x-unrelated");
    // An accessor of the request object itself (a getter in an object literal) is a new closure per
    // request, held from old space: under load every request then outlived its scavenges.
    expect(Object.getOwnPropertyDescriptor(request, "headers")).toBeUndefined();
  });
});

describe("--store", () => {
  it.each([
    ["memory", { kind: "memory" }],
    ["sqlite:./dedup.db", { kind: "sqlite", file: "./dedup.db" }],
    ["redis:redis://127.0.0.1:6379", { kind: "redis", url: "redis://127.0.0.1:6379" }],
    ["redis://:secret@127.0.0.1:6379/1", { kind: "redis", url: "redis://:secret@127.0.0.1:6379/1" }],
  ])("parses %s", (spec, expected) => {
    expect(parseStoreSpec(spec)).toEqual(expected);
  });

  it.each(["", "mysql:x", "sqlite:", "redis:127.0.0.1"])("refuses %j with a fix", (spec) => {
    expect(() => parseStoreSpec(spec)).toThrow(/fix: pass memory, sqlite/);
  });
});
