/**
 * The catalog in real Chromium (Debian's, through playwright-core), opened from disk as a user
 * would: search, open an event, read the diff and the graph, and the same without JavaScript.
 * Screenshots stay under test-output/catalog/ as artifacts.
 */
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderCatalog } from "../../src/codegen/catalog/render.ts";
import { loadRegistry } from "../../src/registry/load.ts";
import { launchChromium } from "../support/chromium.ts";
import { EXAMPLE_LINKS } from "./fixtures.ts";
import { syntheticRegistry } from "./synthetic.ts";
import { OUTPUT, writeSite } from "./writeSite.ts";

let browser: Browser;
let site: ReturnType<typeof writeSite>;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const registry = await loadRegistry("schemas/index.ts");
  site = writeSite("example", await renderCatalog(registry, { links: EXAMPLE_LINKS }));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * One page per JavaScript setting, reused across tests (a new page costs seconds on 2 cores); each
 * call starts a fresh list of console errors, uncaught exceptions and failed requests.
 */
const pages = new Map<boolean, { page: Page; errors: string[] }>();
async function openPage(options: { javaScriptEnabled?: boolean } = {}): Promise<{ page: Page; errors: string[] }> {
  const javaScriptEnabled = options.javaScriptEnabled ?? true;
  let entry = pages.get(javaScriptEnabled);
  if (!entry) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
    entry = { page, errors };
    pages.set(javaScriptEnabled, entry);
  }
  entry.errors.length = 0;
  return entry;
}

/** The row of `field` in the field table of `version`. */
function fieldRow(page: Page, version: string, field: string) {
  return page
    .locator(`section[data-version="${version}"] table.fields tbody tr`)
    .filter({ has: page.locator("td:first-child", { hasText: new RegExp(`^${field.replaceAll(".", "\\.")}$`) }) });
}

describe("catalog in Chromium", () => {
  it("searches for an event, opens it and shows the compatible auditInfo addition of user/profile.updated", async () => {
    const { page, errors } = await openPage();
    await page.goto(site.url("index.html"));
    await page.screenshot({ path: path.join(OUTPUT, "index.png"), fullPage: true });
    const search = page.locator("#search");
    await expect.poll(() => search.isVisible()).toBe(true);
    await search.fill("profile updated");
    await expect.poll(() => page.locator("li[data-event]:visible").count()).toBe(1);
    expect(await page.locator("#search-status").textContent()).toMatch(/^1 of 22 events$/);
    await page.locator("li[data-event]:visible a").click();
    await page.waitForURL(/user_profile\.updated\.html$/);

    expect(await page.locator("#event-name").textContent()).toContain("user/profile.updated");
    const diff = page.locator('h4[data-diff="2023-11-02.1->2024-01-15.1"]');
    expect(await diff.getAttribute("data-verdict")).toBe("compatible");
    const changes = page.locator("table.diff tbody tr");
    expect(await changes.count()).toBe(1);
    expect(await changes.first().getAttribute("data-change")).toBe("added");
    expect(await changes.first().getAttribute("data-path")).toBe("auditInfo");
    expect(await changes.first().getAttribute("data-verdict")).toBe("compatible");
    expect(await fieldRow(page, "2024-01-15.1", "auditInfo.reason").textContent()).toContain('"user_requested"');
    expect(await fieldRow(page, "2023-11-02.1", "auditInfo.reason").count()).toBe(0);
    const example = JSON.parse((await page.locator('pre[data-example="2024-01-15.1"]').textContent()) ?? "");
    expect(example).toMatchObject({ name: "user/profile.updated", v: "2024-01-15.1" });
    await page.screenshot({ path: path.join(OUTPUT, "profile-updated.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("draws the fan-out graph as static SVG with the expected nodes and edges", async () => {
    const { page, errors } = await openPage();
    await page.goto(site.url("events/user_signup.completed.html"));
    const nodes = await page
      .locator("svg.fanout [data-node]")
      .evaluateAll((elements) => elements.map((element) => element.getAttribute("data-node")));
    expect(nodes.sort()).toEqual([
      "event:crm/contact.add",
      "event:email/welcome.send",
      "event:subscription/trial.create",
      "event:user/signup.completed",
      "file:src/api/signup.ts",
      "function:onboard-user",
    ]);
    const edges = await page
      .locator("svg.fanout [data-edge]")
      .evaluateAll((elements) => elements.map((element) => element.getAttribute("data-edge")));
    expect(edges.sort()).toEqual([
      "event:user/signup.completed->function:onboard-user",
      "file:src/api/signup.ts->event:user/signup.completed",
      "function:onboard-user->event:crm/contact.add",
      "function:onboard-user->event:email/welcome.send",
      "function:onboard-user->event:subscription/trial.create",
    ]);
    // elk laid it out left to right: producer, event, handler, the events it sends.
    const x = (id: string) =>
      page.locator(`[data-node="${id}"] rect`).evaluate((rect) => rect.getBoundingClientRect().x);
    expect(await x("file:src/api/signup.ts")).toBeLessThan(await x("event:user/signup.completed"));
    expect(await x("event:user/signup.completed")).toBeLessThan(await x("function:onboard-user"));
    expect(await x("function:onboard-user")).toBeLessThan(await x("event:crm/contact.add"));

    await page.goto(site.url("graph.html"));
    expect(await page.locator("svg.fanout [data-edge]").count()).toBe(8);
    expect(
      await page.locator('[data-edge="event:email/welcome.sent->function:onboard-user"]').getAttribute("data-kind"),
    ).toBe("waits");
    await page.screenshot({ path: path.join(OUTPUT, "graph.png"), fullPage: true });
    await page.locator('[data-node="event:email/welcome.send"] a').click();
    await page.waitForURL(/email_welcome\.send\.html$/);
    expect(errors).toEqual([]);
  });

  it("works without JavaScript: the full list, and a usable detail page", async () => {
    const { page, errors } = await openPage({ javaScriptEnabled: false });
    await page.goto(site.url("index.html"));
    expect(await page.locator("#search-box").isVisible()).toBe(false);
    expect(await page.locator("li[data-event]:visible").count()).toBe(22);
    await page.locator('li[data-event="billing/invoice.paid"] a').click();
    await page.waitForURL(/billing_invoice\.paid\.html$/);
    expect(await page.locator("#id-template").textContent()).toBe("invoice-paid-${invoiceId}");
    expect(await fieldRow(page, "1.0.0", "metadata.accountId").isVisible()).toBe(true);
    expect(await page.locator("pre.example").isVisible()).toBe(true);
    await page.screenshot({ path: path.join(OUTPUT, "no-js-invoice-paid.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("a 1,000-event catalog stays under 5 MB and loads (load time reported, not asserted)", async () => {
    const { registry, links } = syntheticRegistry(1000, 42);
    const started = performance.now();
    const files = await renderCatalog(registry, { links });
    const renderMs = performance.now() - started;
    const big = writeSite("synthetic-1000", files);
    expect(big.bytes).toBeLessThan(5 * 1024 * 1024);

    const { page, errors } = await openPage();
    const loadStarted = performance.now();
    await page.goto(big.url("index.html"), { waitUntil: "load" });
    const loadMs = performance.now() - loadStarted;
    const navigation = await page.evaluate(() => {
      // Runs in the page; typed loosely because the project compiles without the DOM library.
      const entry = performance.getEntriesByType("navigation" as never)[0] as unknown as {
        domContentLoadedEventEnd: number;
        loadEventEnd: number;
      };
      return { domContentLoaded: Math.round(entry.domContentLoadedEventEnd), load: Math.round(entry.loadEventEnd) };
    });
    expect(await page.locator("li[data-event]").count()).toBe(1005);
    await page.locator("#search").fill(registry.events[500]?.name ?? "");
    await expect.poll(() => page.locator("li[data-event]:visible").count()).toBe(1);
    const eventStarted = performance.now();
    await page.goto(big.url(`events/${registry.events[0]?.name.replace(/[^A-Za-z0-9.-]/g, "_")}.html`), {
      waitUntil: "load",
    });
    const eventMs = performance.now() - eventStarted;
    expect(await page.locator("svg.fanout [data-edge]").count()).toBeGreaterThan(0);
    console.info(
      `[catalog] 1,000 events: ${files.size} files, ${(big.bytes / 1024 / 1024).toFixed(2)} MB, rendered in ${Math.round(renderMs)} ms; ` +
        `index.html load ${Math.round(loadMs)} ms (navigation timing: DOMContentLoaded ${navigation.domContentLoaded} ms, load ${navigation.load} ms); event page ${Math.round(eventMs)} ms`,
    );
    expect(errors).toEqual([]);
  });
});
