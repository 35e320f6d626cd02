/**
 * The registry as an AsyncAPI 3.0 document: one channel per event (address = the event name), one
 * message per version, a `send` operation per channel, and a message trait for the Inngest envelope.
 *
 * Payloads are the versions' envelope schemas. AsyncAPI 3.0 names JSON Schema draft-07 as its JSON
 * Schema format, and @asyncapi/parser validates only that one, so each 2020-12 envelope is restated
 * in draft-07 (`$defs` -> `definitions`, `prefixItems` -> `items` arrays); the two say the same for
 * everything zod writes. `$ref`s are made absolute because AsyncAPI resolves them in the document.
 */
import { pointerSegment } from "../errors.ts";
import { type EventDefinition, fillIdTemplate, type Registry } from "../registry/define.ts";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { exampleEnvelope } from "./catalog/example.ts";
import { uniqueSlugs } from "./catalog/slugs.ts";

export const JSON_SCHEMA_DRAFT_07 = "application/schema+json;version=draft-07";

export interface AsyncApiOptions {
  /** `info.version` of the document (default "1.0.0"). */
  version?: string;
}

const TRAIT = "inngestEvent";
const CORRELATION = "eventId";

/** Restates a 2020-12 envelope in draft-07 with `$ref`s absolute under `base` (a JSON pointer). */
export function toDraft07(schema: JsonSchemaObject, base: string): JsonSchemaObject {
  const convert = (node: unknown, isRoot: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => convert(item, false));
    if (typeof node !== "object" || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (isRoot && (key === "$schema" || key === "$id")) continue;
      if (key === "$ref" && typeof value === "string" && value.startsWith("#")) {
        out.$ref = `${base}${value.slice(1).replace(/^\/\$defs\//, "/definitions/")}`;
      } else if (key === "$defs") {
        out.definitions = convert(value, false);
      } else if (key === "prefixItems") {
        out.items = convert(value, false);
        if ("items" in node) out.additionalItems = convert((node as Record<string, unknown>).items, false);
      } else if (key === "items" && "prefixItems" in node) {
        // written with prefixItems above
      } else {
        out[key] = convert(value, false);
      }
    }
    return out;
  };
  return { $schema: "http://json-schema.org/draft-07/schema#", ...(convert(schema, true) as JsonSchemaObject) };
}

function describe(event: EventDefinition): string | undefined {
  const parts = [
    event.description,
    event.owner ? `Owner: ${event.owner}.` : undefined,
    event.deprecated
      ? `Deprecated since ${event.deprecated.since}: ${event.deprecated.reason}${event.deprecated.replacedBy ? ` Use ${event.deprecated.replacedBy}.` : ""}`
      : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** The AsyncAPI 3.0 document of a registry, as a plain JSON object. Deterministic. */
export function renderAsyncApi(registry: Registry, options: AsyncApiOptions = {}): Record<string, unknown> {
  const slugs = uniqueSlugs(registry.events.map((event) => event.name));
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const events = [...registry.events].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const event of events) {
    const channel = slugs.get(event.name) as string;
    const description = describe(event);
    const channelMessages: Record<string, unknown> = {};
    for (const version of event.versions) {
      const key = `${channel}.${version.v}`.replace(/[^A-Za-z0-9.-]/g, "_");
      const base = `#/components/messages/${pointerSegment(key)}/payload/schema`;
      messages[key] = {
        name: event.name,
        title: `${event.name} ${version.v}`,
        ...(event.description ? { summary: event.description } : {}),
        contentType: "application/json",
        payload: { schemaFormat: JSON_SCHEMA_DRAFT_07, schema: toDraft07(version.envelopeSchema, base) },
        ...(event.idTemplate ? { correlationId: { $ref: `#/components/correlationIds/${CORRELATION}` } } : {}),
        traits: [{ $ref: `#/components/messageTraits/${TRAIT}` }],
        examples: [{ name: "example", payload: exampleEnvelope(event, version, fillIdTemplate) }],
        "x-evreg-version": version.v,
        ...(version.v === event.latest ? { "x-evreg-latest": true } : {}),
      };
      channelMessages[key] = { $ref: `#/components/messages/${key}` };
    }
    channels[channel] = {
      address: event.name,
      title: event.name,
      ...(description ? { description } : {}),
      messages: channelMessages,
      "x-evreg-compatibility": event.compatibility,
      ...(event.idTemplate ? { "x-evreg-id-template": event.idTemplate } : {}),
      ...(event.deprecated ? { "x-evreg-deprecated": event.deprecated } : {}),
      ...(event.owner ? { tags: [{ name: `owner:${event.owner}` }] } : {}),
    };
    operations[`send.${channel}`] = {
      action: "send",
      channel: { $ref: `#/channels/${channel}` },
      summary: `Send ${event.name} to Inngest`,
      messages: Object.keys(channelMessages).map((key) => ({ $ref: `#/channels/${channel}/messages/${key}` })),
    };
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: `${registry.app} events`,
      version: options.version ?? "1.0.0",
      description: `Events of ${registry.app}, exported by evreg. Each channel is one Inngest event name; each message one version of its schema.`,
    },
    defaultContentType: "application/json",
    channels,
    operations,
    components: {
      messages,
      messageTraits: {
        [TRAIT]: {
          contentType: "application/json",
          description:
            "An Inngest event envelope: `name` (the channel address), `data` (the payload of this version), optional `id` (deduplication key: Inngest delivers one event per id within 24 hours), optional `ts` (milliseconds since the epoch; in the future delays delivery), optional `v` (the schema version).",
          tags: [{ name: "inngest" }],
        },
      },
      correlationIds: {
        [CORRELATION]: {
          description: "The event id, filled from the event's id template; Inngest deduplicates on it for 24 hours.",
          location: "$message.payload#/id",
        },
      },
    },
  };
}
