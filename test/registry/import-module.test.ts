import { describe, expect, test } from "vitest";
import { sucraseTransform } from "../../src/registry/import-module.ts";

const schema = `import { z } from "zod";
import { defineEvent, defineRegistry } from "evreg";
import type { Team } from "./team.ts";
/** Owned by billing. @see https://example.com/docs */
const owner: Team = "billing";
export const paid = defineEvent({ name: "billing/invoice.paid", owner, data: z.object({ id: z.string() }) });
export default defineRegistry({ app: "a", events: [paid] }) satisfies object;
`;

const options = { filename: "/app/schemas/index.ts", ts: true, async: true };

// [title, source, whether sucrase transforms it (else jiti's Babel does)]
const sources: [string, string, boolean][] = [
  ["a schema file with types, JSDoc and imports", schema, true],
  ["an enum", "export enum Plan { Pro = 'pro' }\n", true],
  ["import.meta", "export const here = import.meta.url;\n", false],
  ["a dynamic import", "export const later = () => import('./later.ts');\n", false],
  ["an import type written as import()", "export type Later = typeof import('./later.ts');\n", false],
  ["require", "const fs = require('node:fs');\n", false],
  ["import x = require", "import fs = require('node:fs');\n", false],
  ["export =", "export = {};\n", false],
  ["a decorator", "@sealed\nclass A {}\n", false],
  ["a parameter decorator", "class A { constructor(@inject() a: string) {} }\n", false],
  ["a namespace", "namespace N { export const a = 1; }\n", false],
  ["a syntax error", "export const = ;\n", false],
  ["an import below code (ES modules hoist it)", 'export const a = b();\nimport { b } from "./b.ts";\n', false],
  [
    "a multi-line import, a type export and comments above the code",
    'import {\n  a,\n  b,\n} from "./ab.ts";\n// note\nexport type T = string;\nexport const c = a + b;\n',
    true,
  ],
];

describe("sucraseTransform", () => {
  test.each(sources)("%s", (_title, source, fast) => {
    const code = sucraseTransform({ ...options, source });
    expect(code !== undefined).toBe(fast);
  });

  test("keeps every line where it was and loads imports with jitiImport", () => {
    const code = sucraseTransform({ ...options, source: schema }) ?? "";
    const lines = code.split("\n");
    expect(lines).toHaveLength(schema.split("\n").length);
    expect(lines[5]).toContain("defineEvent");
    expect(code).toContain("await jitiImport('zod')");
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toContain("./team.ts");
  });

  test("leaves JSX, plain JavaScript and non-default interop to Babel", () => {
    const base = { ...options, source: schema };
    expect(sucraseTransform({ ...base, jsx: true })).toBeUndefined();
    expect(sucraseTransform({ ...base, filename: "/app/schemas/index.tsx" })).toBeUndefined();
    expect(sucraseTransform({ ...base, ts: false })).toBeUndefined();
    expect(sucraseTransform({ ...base, interopDefault: false })).toBeUndefined();
  });
});
