/**
 * The names generate gives events in code (data types, helpers, validator exports) must be valid
 * identifiers, distinct from one another and from the client's own names: two events named alike, a
 * domain named `group` or `3ds` wrote a client that would not load, or typed one event as another.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CLIENT_NAMES, dataTypeName, helperPath } from "../../src/codegen/client.ts";
import { planOutput, writeGeneratedFiles } from "../../src/codegen/generate.ts";
import { RegistryError } from "../../src/errors.ts";
import { defineEvent, defineRegistry, loadRegistry } from "../../src/index.ts";
import { systemRegistry } from "../../src/registry/system.ts";
import { repoRoot, tempDir } from "../support/temp.ts";

const event = (name: string) => defineEvent({ name, data: z.object({ id: z.string() }) });
const versioned = (name: string, ...labels: string[]) =>
  defineEvent({ name, versions: labels.map((v) => ({ v, data: z.object({ id: z.string() }) })) });

/** The names a client declares at its top level, imports included (function overloads repeat theirs). */
function topLevelNames(client: string): string[] {
  const file = ts.createSourceFile("events.ts", client, ts.ScriptTarget.Latest);
  return file.statements.flatMap((statement): string[] => {
    if (ts.isImportDeclaration(statement)) {
      const bindings = statement.importClause?.namedBindings;
      return bindings && ts.isNamedImports(bindings) ? bindings.elements.map((element) => element.name.text) : [];
    }
    if (ts.isVariableStatement(statement))
      return statement.declarationList.declarations.map((declaration) => (declaration.name as ts.Identifier).text);
    const name = (statement as { name?: ts.Identifier }).name;
    return name ? [name.text] : [];
  });
}

describe("CLIENT_NAMES", () => {
  it("lists what the client declares for itself, besides data types and domain helpers", async () => {
    const registry = await loadRegistry(path.join(repoRoot, "schemas/index.ts"));
    const events = [...registry.events, ...systemRegistry.events];
    const generated = new Set(
      events.flatMap((each) => [...each.versions.map(({ v }) => dataTypeName(each, v)), helperPath(each.name)[0]]),
    );
    const client = await readFile(path.join(repoRoot, "generated/events.ts"), "utf8");
    const own = new Set(topLevelNames(client).filter((name) => !generated.has(name)));
    expect(own).toEqual(CLIENT_NAMES);
  });
});

describe("generate refuses names that would clash in the generated code", () => {
  it.each([
    [
      "two events named alike",
      [event("shop-order/item.added"), event("shop/order-item.added")],
      [
        "shop-order/item.added and shop/order-item.added both become ShopOrderItemAdded in generated/events.ts",
        "shop-order/item.added and shop/order-item.added both become shop_order_item_added__1_0_0 in generated/validators.js",
      ],
    ],
    [
      "two versions labelled alike",
      [versioned("shop/item.added", "1.0.0-rc.1", "1.0.0-rc-1")],
      [
        "shop/item.added 1.0.0-rc.1 and shop/item.added 1.0.0-rc-1 both become ShopItemAdded_1_0_0_rc_1 in generated/events.ts",
        "shop/item.added 1.0.0-rc.1 and shop/item.added 1.0.0-rc-1 both become shop_item_added__1_0_0_rc_1 in generated/validators.js",
      ],
    ],
    [
      "two ids in .meta() alike",
      [
        defineEvent({
          name: "tree/node.added",
          data: z.object({ a: z.string().meta({ id: "node-x" }), b: z.number().meta({ id: "node_x" }) }),
        }),
      ],
      [
        "tree/node.added ($defs/node-x) and tree/node.added ($defs/node_x) both become TreeNodeAdded_NodeX in generated/events.ts",
      ],
    ],
    [
      "an event named like a type of the client",
      [event("event/data")],
      ["event/data becomes the type EventData, which generated/events.ts declares for itself"],
    ],
    [
      "a domain named like an export of the client",
      [event("send/email.sent")],
      ["the domain of send/email.sent becomes the helpers send, which generated/events.ts exports for itself"],
    ],
  ])("%s", async (_title, events, messages) => {
    const error = await planOutput(defineRegistry({ app: "names", events }), { catalog: false }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RegistryError);
    const issues = (error as RegistryError).issues;
    expect(issues.map((issue) => issue.message)).toEqual(messages);
    for (const issue of issues) expect(issue.fix).toMatch(/^(rename|change one of the ids)/);
  });
});

describe("names that wrote a client that would not load", () => {
  it("a domain starting with a digit, without ASCII letters, or named like the client's helpers loads and works", async () => {
    const registry = defineRegistry({
      app: "names",
      events: [
        event("3ds/challenge.completed"),
        event("group/member.added"),
        event("validators/rule.added"),
        event("instances/node.started"),
        event("é/item.added"),
      ],
    });
    const dir = await tempDir("names");
    await writeGeneratedFiles(dir, await planOutput(registry, { catalog: false }));
    const client = await readFile(path.join(dir, "events.ts"), "utf8");
    const parsed = ts.createSourceFile("events.ts", client, ts.ScriptTarget.Latest);
    expect((parsed as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).toEqual([]);
    const names = topLevelNames(client);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual(["send", "send"]); // overloads
    expect(names).toEqual(
      expect.arrayContaining(["_3dsChallengeCompleted", "_3ds", "group", "validators", "instances", "events"]),
    );
    const validators = (await import(pathToFileURL(path.join(dir, "validators.js")).href)) as Record<string, unknown>;
    expect(Object.keys(validators)).toContain("_3ds_challenge_completed__1_0_0");
    const check = validators.validators as Record<string, Record<string, (event: unknown) => boolean>>;
    expect(check["3ds/challenge.completed"]?.["1.0.0"]?.({ name: "3ds/challenge.completed", data: { id: "x" } })).toBe(
      true,
    );
  });
});
