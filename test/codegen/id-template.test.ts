import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idFunction } from "../../src/codegen/client.ts";
import { fillIdTemplate, idTemplateFields } from "../../src/registry/define.ts";

/** Text a template's literal parts may hold: what a template literal would read as syntax among it. */
const text = fc.string({ unit: fc.constantFrom(..."ab-_ $`\\{}.\n\u2028"), maxLength: 6 });
const key = fc.oneof(
  fc.constantFrom("id", "invoiceId", "$x", "_"),
  fc.string({ unit: fc.constantFrom(..."ab -$`\\"), minLength: 1, maxLength: 4 }),
);
const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }));

/** The generated id function as JavaScript (its one annotation dropped), called on `data`. */
function generatedId(template: string, data: unknown): string {
  const code = idFunction(template, "unknown");
  expect(code.startsWith("(data: unknown) => `")).toBe(true);
  const fill = new Function(`return ${code.replace("(data: unknown)", "(data)")};`)() as (data: unknown) => string;
  return fill(data);
}

describe("the client's id functions", () => {
  it("make the id fillIdTemplate makes (the catalog's examples, the runtime's), for any template", () => {
    const templates = fc.tuple(
      fc.array(fc.tuple(text, fc.array(key, { minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 3 }),
      text,
      fc.array(leaf, { minLength: 3, maxLength: 3 }),
    );
    fc.assert(
      fc.property(templates, ([parts, tail, values]) => {
        const template = parts.map(([before, path]) => `${before}\${${path.join(".")}}`).join("") + tail;
        // data holding each path the template reads (as defineEvent requires: required fields), a value at its end
        const data: Record<string, unknown> = {};
        idTemplateFields(template).forEach((path, index) => {
          let node = data;
          for (const name of path.slice(0, -1)) {
            if (typeof node[name] !== "object" || node[name] === null) node[name] = {};
            node = node[name] as Record<string, unknown>;
          }
          node[path.at(-1) as string] = values[index];
        });
        expect(generatedId(template, data)).toBe(fillIdTemplate(template, data));
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["invoice-paid-${invoiceId}", { invoiceId: "in_1" }, "invoice-paid-in_1"],
    ["`${a}`\\${b}", { a: 1, b: "x" }, "`1`\\x"],
    ["cost-$${amount}", { amount: 5 }, "cost-$5"],
    ["${ order.id }-${unterminated", { order: { id: "o" } }, "o-${unterminated"],
  ])("%s", (template, data, id) => {
    expect(generatedId(template, data)).toBe(id);
    expect(fillIdTemplate(template, data)).toBe(id);
  });
});
