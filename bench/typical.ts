/**
 * One typical event (uuid, ISO date-time, enum, nested array of objects, optional field) and the
 * same envelope check written five ways: evreg's precompiled validator, zod, default ajv, TypeBox
 * and a hand-written function. Every alternative checks the whole envelope `{ name, data, id?,
 * ts?, v? }`, so they do the same work.
 */
import { Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { z } from "zod";
import { defineEvent, defineRegistry, type Registry } from "../src/index.ts";
import { TS_MAX, TS_MIN } from "../src/registry/json-schema.ts";

export const TYPICAL_NAME = "shop/order.placed";
export const TYPICAL_VERSION = "1.0.0";

const STATUSES = ["pending", "paid", "shipped", "cancelled"] as const;

export const typicalData = z.object({
  orderId: z.uuid(),
  customerId: z.uuid(),
  placedAt: z.iso.datetime(),
  status: z.enum(STATUSES),
  items: z
    .array(z.object({ sku: z.string().min(1), quantity: z.number().int().min(1), price: z.number().min(0) }))
    .min(1),
  note: z.string().optional(),
});

export function typicalRegistry(): Registry {
  return defineRegistry({
    app: "bench-typical",
    events: [defineEvent({ name: TYPICAL_NAME, versions: [{ v: TYPICAL_VERSION, data: typicalData }] })],
  });
}

/** The same envelope as zod: what `safeParse` is measured on. */
export const typicalEnvelope = z.object({
  name: z.literal(TYPICAL_NAME),
  data: typicalData,
  id: z.string().min(1).optional(),
  ts: z.number().int().min(TS_MIN).max(TS_MAX).optional(),
  v: z.literal(TYPICAL_VERSION).optional(),
});

export const validEvent = {
  name: TYPICAL_NAME,
  v: TYPICAL_VERSION,
  id: "order-placed-3f2504e0",
  ts: Date.UTC(2024, 1, 15),
  data: {
    orderId: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
    customerId: "9b2f6c1e-2d7a-4c55-8e1b-7a6f0c2d9e44",
    placedAt: "2024-02-15T12:00:00Z",
    status: "paid",
    items: [
      { sku: "SKU-1", quantity: 2, price: 19.99 },
      { sku: "SKU-2", quantity: 1, price: 5 },
      { sku: "SKU-3", quantity: 3, price: 0.5 },
    ],
    note: "leave at the door",
  },
};

/** One mistake half way through: the second item's quantity sent as a string. */
export const invalidEvent = {
  ...validEvent,
  data: {
    ...validEvent.data,
    items: [validEvent.data.items[0], { sku: "SKU-2", quantity: "1", price: 5 }, validEvent.data.items[2]],
  },
};

/** zod's JSON Schema compiled by ajv with default options plus ajv-formats: the naive set-up. */
export function defaultAjvCheck(): (event: unknown) => boolean {
  const ajv = new Ajv2020();
  addFormats.default(ajv);
  return ajv.compile(z.toJSONSchema(typicalEnvelope, { target: "draft-2020-12", io: "input" }));
}

const patternOf = (schema: z.ZodType) => (schema._zod.def as unknown as { pattern: RegExp }).pattern;
const UUID = patternOf(z.uuid());
const DATETIME = patternOf(z.iso.datetime());

export function typeboxCheck(): (event: unknown) => boolean {
  const schema = Type.Object({
    name: Type.Literal(TYPICAL_NAME),
    data: Type.Object({
      orderId: Type.String({ pattern: UUID.source }),
      customerId: Type.String({ pattern: UUID.source }),
      placedAt: Type.String({ pattern: DATETIME.source }),
      status: Type.Union(STATUSES.map((status) => Type.Literal(status))),
      items: Type.Array(
        Type.Object({
          sku: Type.String({ minLength: 1 }),
          quantity: Type.Integer({ minimum: 1 }),
          price: Type.Number({ minimum: 0 }),
        }),
        {
          minItems: 1,
        },
      ),
      note: Type.Optional(Type.String()),
    }),
    id: Type.Optional(Type.String({ minLength: 1 })),
    ts: Type.Optional(Type.Integer({ minimum: TS_MIN, maximum: TS_MAX })),
    v: Type.Optional(Type.Literal(TYPICAL_VERSION)),
  });
  const compiled = TypeCompiler.Compile(schema);
  return (event) => compiled.Check(event);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const STATUS_SET = new Set<unknown>(STATUSES);

/** What a careful developer would write by hand, with zod's own regexes. */
export function handWrittenCheck(event: unknown): boolean {
  if (!isObject(event) || event.name !== TYPICAL_NAME) return false;
  if (event.id !== undefined && (typeof event.id !== "string" || event.id.length < 1)) return false;
  if (
    event.ts !== undefined &&
    (!Number.isInteger(event.ts) || (event.ts as number) < TS_MIN || (event.ts as number) > TS_MAX)
  )
    return false;
  if (event.v !== undefined && event.v !== TYPICAL_VERSION) return false;
  const data = event.data;
  if (!isObject(data)) return false;
  if (typeof data.orderId !== "string" || !UUID.test(data.orderId)) return false;
  if (typeof data.customerId !== "string" || !UUID.test(data.customerId)) return false;
  if (typeof data.placedAt !== "string" || !DATETIME.test(data.placedAt)) return false;
  if (!STATUS_SET.has(data.status)) return false;
  if (data.note !== undefined && typeof data.note !== "string") return false;
  const items = data.items;
  if (!Array.isArray(items) || items.length < 1) return false;
  for (const item of items) {
    if (!isObject(item) || typeof item.sku !== "string" || item.sku.length < 1) return false;
    if (!Number.isInteger(item.quantity) || (item.quantity as number) < 1) return false;
    if (typeof item.price !== "number" || !Number.isFinite(item.price) || item.price < 0) return false;
  }
  return true;
}
