import { Parser } from "@asyncapi/parser";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { compiledSchemaOf, createValidatorAjv } from "../../src/codegen/ajv.ts";
import { JSON_SCHEMA_DRAFT_07, renderAsyncApi } from "../../src/codegen/asyncapi.ts";
import { defineEvent, defineRegistry, type Registry } from "../../src/registry/define.ts";
import { loadRegistry } from "../../src/registry/load.ts";

type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: {
    messages: Record<string, { payload: { schemaFormat: string; schema: object }; examples: { payload: unknown }[] }>;
  };
};

let registry: Registry;
beforeAll(async () => {
  registry = await loadRegistry("schemas/index.ts");
});

async function parse(document: object) {
  const parser = new Parser();
  const { document: parsed, diagnostics } = await parser.parse(JSON.stringify(document));
  // Severity 0 is an error, 1 a warning; 2 and 3 are hints (e.g. "3.1.0 exists").
  return { parsed, problems: diagnostics.filter((diagnostic) => diagnostic.severity <= 1) };
}

describe("renderAsyncApi", () => {
  it("exports the example registry as an AsyncAPI 3.0 document the official parser accepts without errors or warnings", async () => {
    const document = renderAsyncApi(registry);
    const { parsed, problems } = await parse(document);
    expect(problems.map((problem) => `${problem.code}: ${problem.message} at ${problem.path.join("/")}`)).toEqual([]);
    expect(parsed?.version()).toBe("3.0.0");
    expect(parsed?.channels().length).toBe(registry.events.length);
    const profile = parsed
      ?.channels()
      .all()
      .find((channel) => channel.address() === "user/profile.updated");
    expect(
      profile
        ?.messages()
        .all()
        .map((message) => message.title()),
    ).toEqual(["user/profile.updated 2023-11-02.1", "user/profile.updated 2024-01-15.1"]);
    expect(profile?.messages().all()[0]?.traits().length).toBe(1);
    expect(
      parsed
        ?.operations()
        .all()
        .every((operation) => operation.action() === "send"),
    ).toBe(true);
  });

  it("gives each version's envelope as a draft-07 payload that agrees with the 2020-12 envelope on examples and mutations", () => {
    const document = renderAsyncApi(registry) as unknown as Doc;
    const draft07 = new Ajv({ strict: false, logger: false });
    const ajv2020 = createValidatorAjv();
    for (const event of registry.events) {
      for (const version of event.versions) {
        const key = `${event.name.replace(/[^A-Za-z0-9.-]/g, "_")}.${version.v}`;
        const message = document.components.messages[key];
        expect(message?.payload.schemaFormat).toBe(JSON_SCHEMA_DRAFT_07);
        const validate07 = draft07.compile(message?.payload.schema as object);
        const validate2020 = ajv2020.compile(compiledSchemaOf(version.envelopeSchema));
        const example = message?.examples[0]?.payload as Record<string, unknown>;
        const candidates = [
          example,
          { ...example, data: {} },
          { ...example, name: "other/event.sent" },
          { ...example, ts: 1.5 },
        ];
        for (const candidate of candidates) {
          expect(validate07(candidate), `${key} ${JSON.stringify(candidate)}`).toBe(validate2020(candidate));
        }
        expect(validate07(example)).toBe(true);
      }
    }
  });

  it("keeps recursive schemas resolvable: $refs point inside the document", async () => {
    type Node = { name: string; children?: Node[] | undefined };
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node).optional() }));
    const tree = defineEvent({
      name: "docs/tree.published",
      data: z.object({ root: node, pair: z.tuple([z.string(), z.number()]) }),
    });
    const document = renderAsyncApi(defineRegistry({ app: "tree", events: [tree] }));
    const { problems } = await parse(document);
    expect(problems).toEqual([]);
    const text = JSON.stringify(document);
    expect(text).not.toContain('"#/$defs');
    expect(text).toContain('"$ref":"#/components/messages/docs_tree.published.1.0.0/payload/schema/');
  });

  it("is deterministic", () => {
    expect(JSON.stringify(renderAsyncApi(registry))).toBe(JSON.stringify(renderAsyncApi(registry)));
  });
});
