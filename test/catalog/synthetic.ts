/** A large registry for size and load checks, built from a fixed seed with defineEvent + zod. */
import { z } from "zod";
import { seededRandom as seeded } from "../../bench/synthetic.ts";
import type { CatalogLinks } from "../../src/codegen/catalog/links.ts";
import { defineEvent, defineRegistry, type Registry } from "../../src/registry/define.ts";

const NOUNS = ["account", "invoice", "order", "shipment", "ticket", "report", "widget", "session", "payout", "review"];
const VERBS = [
  "created",
  "updated",
  "deleted",
  "approved",
  "rejected",
  "archived",
  "shipped",
  "opened",
  "closed",
  "synced",
];

export function syntheticRegistry(count: number, seed = 42): { registry: Registry; links: CatalogLinks } {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const field = (): z.ZodType =>
    pick([
      () => z.string().min(1),
      () => z.email(),
      () => z.number().int().nonnegative(),
      () => z.enum(["low", "medium", "high"]),
      () => z.iso.datetime(),
      () => z.array(z.string().min(1)).min(1),
      () => z.object({ id: z.string().startsWith("obj_"), label: z.string().optional() }),
      () => z.boolean(),
    ])();
  const events = Array.from({ length: count }, (_, index) => {
    const domain = `domain${String(index % 40).padStart(2, "0")}`;
    const name = `${domain}/${pick(NOUNS)}${index}.${pick(VERBS)}`;
    const shape: Record<string, z.ZodType> = { entityId: z.string().min(1) };
    for (let n = 0; n < 3 + Math.floor(random() * 5); n++) shape[`field${n}`] = field();
    const first = z.object(shape);
    const versions = [{ v: "1.0.0", data: first }];
    if (random() < 0.4) versions.push({ v: "1.1.0", data: first.extend({ note: z.string().optional() }) });
    if (random() < 0.1) versions.push({ v: "2.0.0", data: first.extend({ tenantId: z.string().min(1) }) });
    return defineEvent({
      name,
      description: `Synthetic event ${index}: a ${name.split("/")[1]} happened in ${domain}.`,
      owner: `team-${index % 12}`,
      id: `${name.replace(/\W+/g, "-")}-\${entityId}`,
      versions,
    });
  });
  const names = events.map((event) => event.name);
  const links: CatalogLinks = { sends: [], triggers: [], waits: [] };
  for (let index = 0; index < count; index += 10) {
    const event = names[index] as string;
    links.sends.push({ event, file: `src/api/route${index}.ts`, scope: "POST" });
    links.triggers.push({
      event,
      file: `src/functions/handler${index}.ts`,
      scope: `handle${index}`,
      functionId: `handle-${index}`,
      sendsFromHandler: [names[(index + 1) % count] as string, names[(index + 2) % count] as string],
    });
  }
  return { registry: defineRegistry({ app: "synthetic", events }), links };
}
