import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { renderCatalog } from "../../src/codegen/catalog/render.ts";
import { defineEvent, defineRegistry, type Registry } from "../../src/registry/define.ts";
import { loadRegistry } from "../../src/registry/load.ts";
import { EXAMPLE_LINKS } from "./fixtures.ts";

let registry: Registry;
let files: Map<string, string>;
beforeAll(async () => {
  registry = await loadRegistry("schemas/index.ts");
  files = await renderCatalog(registry, { links: EXAMPLE_LINKS });
});

describe("renderCatalog", () => {
  it("writes an index, a graph page, the assets and one page per event including the system events", () => {
    expect([...files.keys()].filter((file) => !file.startsWith("events/"))).toEqual([
      "catalog.css",
      "catalog.js",
      "index.html",
      "graph.html",
    ]);
    expect([...files.keys()].filter((file) => file.startsWith("events/")).length).toBe(registry.events.length + 5);
    expect(files.has("events/user_profile.updated.html")).toBe(true);
    expect(files.has("events/inngest_function.failed.html")).toBe(true);
  });

  it("is deterministic: same registry and links, same bytes", async () => {
    const again = await renderCatalog(registry, { links: EXAMPLE_LINKS });
    expect([...again]).toEqual([...files]);
  });

  it("every relative link and asset points at a page of the catalog, and nothing reaches the network", () => {
    for (const [file, content] of files) {
      if (!file.endsWith(".html")) continue;
      for (const [, target] of content.matchAll(/(?:href|src)="([^"]+)"/g)) {
        expect(target, `${file} links ${target}`).not.toMatch(/^(https?:)?\/\//);
        const [relative] = (target as string).split("#");
        if (!relative) continue;
        expect(
          files.has(path.posix.normalize(path.posix.join(path.posix.dirname(file), relative))),
          `${file} -> ${target}`,
        ).toBe(true);
      }
    }
  });

  it("leaks no machine-specific path into the output", () => {
    for (const content of files.values()) expect(content).not.toContain(process.cwd());
  });

  it("shows deprecation with a link to the replacement, and unknown events from code as such", async () => {
    const old = defineEvent({
      name: "shop/cart.emptied",
      deprecated: { since: "2025-01-01", reason: "Carts now expire.", replacedBy: "shop/cart.expired" },
      data: z.object({ cartId: z.string() }),
    });
    const replacement = defineEvent({ name: "shop/cart.expired", data: z.object({ cartId: z.string() }) });
    const site = await renderCatalog(defineRegistry({ app: "shop", events: [old, replacement] }), {
      links: { sends: [{ event: "shop/cart.lost", file: "a.ts" }], triggers: [] },
      system: false,
    });
    const page = site.get("events/shop_cart.emptied.html") ?? "";
    expect(page).toContain("Deprecated since 2025-01-01: Carts now expire.");
    expect(page).toContain('<a href="../events/shop_cart.expired.html">shop/cart.expired</a>');
    expect(site.get("graph.html")).toContain('class="node node-event node-unknown" data-node="event:shop/cart.lost"');
    expect([...site.keys()].some((file) => file.includes("inngest"))).toBe(false);
  });
});
