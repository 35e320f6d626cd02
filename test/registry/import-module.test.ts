import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { fastTransform, importModule, transpileAhead } from "../../src/registry/import-module.ts";
import { loadRegistry } from "../../src/registry/load.ts";
import { setSourceMap, sourcePosition } from "../../src/registry/source-maps.ts";
import { tempDir } from "../support/temp.ts";

const schema = `import { z } from "zod";
import { defineEvent, defineRegistry } from "evreg";
import type { Team } from "./team.ts";
/** Owned by billing. @see https://example.com/docs */
const owner: Team = "billing";
export const paid = defineEvent({ name: "billing/invoice.paid", owner, data: z.object({ id: z.string() }) });
export default defineRegistry({ app: "a", events: [paid] }) satisfies object;
`;

const options = { filename: "/app/schemas/index.ts", ts: true, async: true };

// [title, source, whether esbuild transforms it (else jiti's Babel does)]
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
  [
    "an import below code (esbuild hoists it, as ES modules do)",
    'export const a = b();\nimport { b } from "./b.ts";\n',
    true,
  ],
  [
    "a multi-line import, a type export and comments above the code",
    'import {\n  a,\n  b,\n} from "./ab.ts";\n// note\nexport type T = string;\nexport const c = a + b;\n',
    true,
  ],
];

describe("fastTransform", () => {
  test.each(sources)("%s", (_title, source, fast) => {
    expect(fastTransform({ ...options, source }) !== undefined).toBe(fast);
  });

  test("loads imports with jitiImport, drops type-only ones, and maps its code back to the source", () => {
    const { code, map } = fastTransform({ ...options, source: schema }) ?? { code: "", map: "" };
    expect(code).toContain('await jitiImport("zod")');
    expect(code).not.toMatch(/\brequire\(/);
    expect(code).not.toContain("./team.ts");
    const lines = code.split("\n");
    const line = lines.findIndex((text) => text.includes("defineEvent)({ name"));
    const column = (lines[line] as string).indexOf("defineEvent");
    expect(line + 1).not.toBe(6);
    setSourceMap(options.filename, map);
    expect(sourcePosition(options.filename, { line: line + 1, column: column + 1 })).toEqual({ line: 6, column: 21 });
    setSourceMap(options.filename, undefined);
    expect(sourcePosition(options.filename, { line: line + 1, column: column + 1 })).toBeUndefined();
  });

  test("leaves JSX, plain JavaScript and non-default interop to Babel", () => {
    const base = { ...options, source: schema };
    expect(fastTransform({ ...base, jsx: true })).toBeUndefined();
    expect(fastTransform({ ...base, filename: "/app/schemas/index.tsx" })).toBeUndefined();
    expect(fastTransform({ ...base, ts: false })).toBeUndefined();
    expect(fastTransform({ ...base, interopDefault: false })).toBeUndefined();
  });

  test("takes the code transpileAhead made only from the very same source", () => {
    const ahead = { source: schema, code: 'const zod = require("zod");\n', map: "{}" };
    expect(fastTransform({ ...options, source: schema }, ahead)?.code).toBe('const zod = await jitiImport("zod");\n');
    const edited = fastTransform({ ...options, source: `${schema}\n` }, ahead);
    expect(edited?.code).toContain("defineEvent");
    // the checks that send a file to Babel come first
    expect(fastTransform({ ...options, source: "export = {};\n" }, { ...ahead, source: "export = {};\n" })).toBe(
      undefined,
    );
  });
});

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

const header = 'import { z } from "zod";\nimport { defineEvent, defineRegistry } from "evreg";\n';

describe("transpileAhead", () => {
  test("transforms the entry and the TypeScript files it imports", async () => {
    const dir = await tempDir("ahead");
    await writeFiles(dir, {
      "index.ts": `${header}import { paid } from "./events.js";\nimport { suffix } from "./more";\nimport { prefix } from "./nested";\nimport type { Unused } from "./types.ts";\nconst app: Unused = \`\${prefix}-\${suffix}\`;\nexport default defineRegistry({ app, events: [paid] });\n`,
      "events.ts": `${header}export const paid = defineEvent({ name: "billing/invoice.paid", data: z.object({ id: z.uuid() }) });\n`,
      "more.ts": "export const suffix: string = 'more';\n",
      "nested/index.ts": 'export { prefix } from "../prefix.ts";\n',
      "prefix.ts": "export const prefix: string = 'nested';\n",
      "types.ts": "export type Unused = string;\n",
    });
    const entry = path.join(dir, "index.ts");
    const files = await transpileAhead(entry);
    expect(files?.map((file) => path.relative(dir, file)).sort()).toEqual([
      "events.ts",
      "index.ts",
      "more.ts",
      "nested/index.ts",
      "prefix.ts",
    ]);
    const registry = (await importModule(entry)) as { app: string; events: { name: string }[] };
    expect(registry.app).toBe("nested-more");
    expect(registry.events.map((event) => event.name)).toEqual(["billing/invoice.paid"]);
  });

  test("a file edited after esbuild read it loads as edited", async () => {
    const dir = await tempDir("ahead");
    const entry = path.join(dir, "index.ts");
    await writeFiles(dir, { "index.ts": `${header}export default defineRegistry({ app: "before", events: [] });\n` });
    await transpileAhead(entry);
    await writeFiles(dir, { "index.ts": `${header}export default defineRegistry({ app: "after", events: [] });\n` });
    expect(((await importModule(entry)) as { app: string }).app).toBe("after");
  });

  test("errors in files transformed ahead keep their line and column", async () => {
    const dir = await tempDir("ahead");
    await writeFiles(dir, {
      "index.ts": `${header}import type { Shape } from "./shape.ts";\nconst shape: Shape = { app: "a" };\n\n  export const bad = defineEvent({ name: "a/b.c", versions: [{ v: "one", data: z.object({}) }] });\nexport default defineRegistry({ app: shape.app, events: [bad] });\n`,
      "shape.ts": "export interface Shape { app: string }\n",
    });
    const entry = path.join(dir, "index.ts");
    expect(await transpileAhead(entry)).toHaveLength(1);
    const error = (await loadRegistry(entry).catch((caught: unknown) => caught)) as {
      issues: { rule: string; line?: number; column?: number }[];
    };
    expect(error.issues[0]?.rule).toBe("registry/version-label");
    expect([error.issues[0]?.line, error.issues[0]?.column]).toEqual([6, 22]);
  });

  test("a file edited into one Babel transforms is cited at its own lines, not esbuild's", async () => {
    const dir = await tempDir("ahead");
    const entry = path.join(dir, "index.ts");
    const bad = 'export const bad = defineEvent({ name: "a/b.c", versions: [{ v: "one", data: z.object({}) }] });';
    const lineOf = async () => {
      const error = (await loadRegistry(entry).catch((caught: unknown) => caught)) as { issues: { line?: number }[] };
      return error.issues[0]?.line;
    };
    // esbuild's code runs some 20 lines below the source: the source map covers line 40 of it
    const fields = Array.from({ length: 40 }, (_, index) => `const a${index}: string = "a";`).join("\n");
    await writeFiles(dir, {
      "index.ts": `${header}${fields}\n${bad}\nexport default defineRegistry({ app: a0, events: [bad] });\n`,
    });
    expect(await lineOf()).toBe(43);
    await writeFiles(dir, {
      "index.ts": `${header}const a = import.meta.url;${"\n".repeat(37)}${bad}\nexport default defineRegistry({ app: a, events: [bad] });\n`,
    });
    expect(await lineOf()).toBe(40);
  });

  test("a missing entry starts nothing", () => {
    expect(transpileAhead("/no/such/schemas/index.ts")).toBeUndefined();
  });
});
