/**
 * What the versions rows time: the typical event in two versions (the second adds a required
 * `currency`), a version router over it with the spread upcaster people write, one with the same
 * upcaster written with `Object.assign`, and the upcast done by hand (the same copy, upcaster and
 * validator, no router). bench/runtime.ts times them in Node; bench/current-v8.ts bundles this
 * module into a Chromium page and times the same code on a current V8.
 */
import { z } from "zod";
import { defineEvent, defineRegistry } from "../src/index.ts";
import type { VersionDefinition } from "../src/registry/define.ts";
import { copyJson } from "../src/runtime/json-value.ts";
import { createVersionRouter } from "../src/runtime/upcast.ts";
import { envelopeValidatorOf } from "../src/runtime/validate.ts";
import { TYPICAL_NAME, typicalData, validEvent } from "./typical.ts";

export function upcastSubjects() {
  const current = typicalData.extend({ currency: z.enum(["EUR", "USD", "GBP"]) });
  const versions = [
    { v: "1.0.0", data: typicalData },
    { v: "2.0.0", data: current },
  ] as const;
  const event = defineEvent({
    name: TYPICAL_NAME,
    versions,
    upcast: { "2.0.0": (old) => ({ ...old, currency: "EUR" as const }) },
  });
  const registry = defineRegistry({ app: "bench-versions", events: [event] });
  const router = createVersionRouter(registry);
  // the same upcast without a spread: on Node 20, V8 gives each `{ ...old, currency }` a hidden class of its own
  const assigned = defineEvent({
    name: TYPICAL_NAME,
    versions,
    upcast: { "2.0.0": (old) => Object.assign({}, old, { currency: "EUR" as const }) },
  });
  const assignRouter = createVersionRouter(defineRegistry({ app: "bench-versions-assign", events: [assigned] }));
  const [oldVersion, newVersion] = event.versions as [VersionDefinition, VersionDefinition];
  const validate = envelopeValidatorOf(event, oldVersion);
  const written = { name: TYPICAL_NAME, v: "1.0.0", data: validEvent.data };
  const latest = { name: TYPICAL_NAME, v: "2.0.0", data: { ...validEvent.data, currency: "USD" } };
  // the upcast without the router: the same copy, the same upcaster, the same validator
  const validateNew = envelopeValidatorOf(event, newVersion);
  const upcaster = event.upcast?.["2.0.0"] as (old: Record<string, unknown>) => Record<string, unknown>;
  const byHand = (stored: typeof written) => {
    const data = upcaster(copyJson(stored.data));
    if (!validateNew({ name: stored.name, data, v: "2.0.0" })) throw new Error("bench: the upcast is not valid");
    return { ...stored, data, v: "2.0.0" };
  };
  if (!validate(written) || !validateNew(latest)) throw new Error("bench: the versioned typical event is not valid");
  if (
    router.read(latest, "2.0.0") !== latest ||
    (router.read(written, "2.0.0").data as { currency?: string }).currency !== "EUR" ||
    (assignRouter.read(written, "2.0.0").data as { currency?: string }).currency !== "EUR" ||
    byHand(written).data.currency !== "EUR"
  )
    throw new Error("bench: the version router does not read the typical event as expected");
  return { registry, router, assignRouter, validate, written, latest, byHand };
}
