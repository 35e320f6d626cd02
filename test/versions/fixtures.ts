/** Inline registries for version-aware delivery: a three-version chain with and without upcasters. */
import { z } from "zod";
import { type CompatibilityMode, defineEvent, defineRegistry } from "../../src/registry/define.ts";

/** 1.0.0 -> 1.1.0 adds an optional field (readable both ways); 1.1.0 -> 2.0.0 renames `name`. */
export const v1 = z.object({ userId: z.string().min(1), name: z.string() });
export const v11 = z.object({ userId: z.string().min(1), name: z.string(), locale: z.string().min(2).optional() });
export const v2 = z.object({ userId: z.string().min(1), fullName: z.string(), locale: z.string().min(2).optional() });

export const versions = [
  { v: "1.0.0", data: v1 },
  { v: "1.1.0", data: v11 },
  { v: "2.0.0", data: v2 },
] as const;

export function renamedEvent(compatibility: CompatibilityMode = "BACKWARD_TRANSITIVE") {
  return defineEvent({
    name: "account/user.renamed",
    compatibility,
    versions,
    upcast: {
      "2.0.0": (old) => ({
        userId: old.userId,
        fullName: old.name,
        ...(old.locale !== undefined ? { locale: old.locale } : {}),
      }),
    },
  });
}

/** The same chain with no upcaster: 1.x events cannot reach 2.0.0 readers. */
export function renamedWithoutUpcaster(compatibility: CompatibilityMode = "NONE") {
  return defineEvent({ name: "account/user.renamed", compatibility, versions });
}

export const chainRegistry = defineRegistry({ app: "versions", events: [renamedEvent()] });
export const brokenRegistry = defineRegistry({ app: "versions", events: [renamedWithoutUpcaster()] });
