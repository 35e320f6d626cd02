import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCelExpression, checkMatchPath } from "../../src/lint/cel.ts";
import { checkEventName } from "../../src/naming/event-name.ts";
import { checkIdTemplate } from "../../src/naming/id-template.ts";
import { isPastTense, toPastTense } from "../../src/naming/past-tense.ts";

const nameLike = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[a-zA-Z_*/. -]{0,40}$/),
  fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z.*]{0,12}$/)).map(([a, b]) => `${a}/${b}`),
);
const contexts = fc.constantFrom("registry" as const, "send" as const, "trigger" as const);
const celLike = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[a-z.()=!&|"' [\]0-9]{0,40}$/),
  fc.stringMatching(/^(event|async)\.data\.[a-zA-Z.]{0,20}( == (event|async)\.data\.[a-zA-Z]{0,8})?$/),
);
const schema = {
  type: "object",
  properties: {
    userId: { type: "string" },
    items: { type: "array", items: { type: "object", properties: { id: { type: "string" } } } },
  },
};

describe("rules never throw", () => {
  it("name rules return Issues with a fix for any string", () => {
    fc.assert(
      fc.property(nameLike, contexts, (name, context) => {
        for (const issue of checkEventName(name, { context })) expect(issue.fix).toBeTruthy();
        checkIdTemplate(name, "app/thing.created");
        isPastTense(name);
        toPastTense(name);
      }),
      { numRuns: 400 },
    );
  });

  it("the CEL checker returns findings for any string", () => {
    fc.assert(
      fc.property(celLike, (expression) => {
        const scope = { event: [schema], async: [schema], variables: ["event", "async"] as const };
        for (const finding of checkCelExpression(expression, scope)) {
          expect(finding.offset).toBeGreaterThanOrEqual(0);
          expect(finding.offset).toBeLessThanOrEqual(Math.max(expression.length, 1));
        }
        checkMatchPath(expression, scope);
      }),
      { numRuns: 400 },
    );
  });
});
