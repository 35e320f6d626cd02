import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { loadRegistry, RegistryError } from "../../src/index.ts";
import { tempDir } from "../support/temp.ts";

async function loadFailure(files: Record<string, string>): Promise<RegistryError> {
  const dir = await tempDir("load");
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  const error = await loadRegistry(path.join(dir, "index.ts")).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

const header = 'import { z } from "zod";\nimport { defineEvent, defineRegistry } from "evreg";\n';

describe("loadRegistry", () => {
  test("loads the example registry", async () => {
    const registry = await loadRegistry("schemas/index.ts");
    expect(registry.events).toHaveLength(17);
    expect(registry.get("user/profile.updated")?.versions.map((version) => version.v)).toEqual([
      "2023-11-02.1",
      "2024-01-15.1",
    ]);
  });

  test("a missing entry says how to create one", async () => {
    const error = (await loadRegistry("no/such/index.ts").catch((caught: unknown) => caught)) as RegistryError;
    expect(error.issues[0]?.message).toContain("does not exist");
    expect(error.issues[0]?.fix).toContain("evreg init");
  });

  test("an import that throws names the file and the cause", async () => {
    const error = await loadFailure({
      "index.ts": `${header}import "./broken.ts";\nexport default defineRegistry({ app: "a", events: [] });\n`,
      "broken.ts": "const config: { key?: string } = {};\nexport const key = config.key!.trim();\n",
    });
    const issue = error.issues[0];
    expect(issue?.file).toMatch(/broken\.ts$/);
    // where the transpiled code threw, cited in the source
    expect([issue?.line, issue?.column]).toEqual([2, 32]);
    expect(issue?.message).toContain("threw");
    expect(issue?.message).toMatch(/trim|undefined/);
  });

  test("a RegistryError from a schema file keeps its issues and file", async () => {
    const error = await loadFailure({
      "index.ts": `${header}export const bad = defineEvent({ name: "a/b.c", versions: [{ v: "one", data: z.object({}) }] });\nexport default defineRegistry({ app: "a", events: [bad] });\n`,
    });
    expect(error.issues[0]?.rule).toBe("registry/version-label");
    expect(error.issues[0]?.file).toMatch(/index\.ts$/);
    expect(error.issues[0]?.line).toBe(3);
  });

  test("a bad defineEvent below types and imports is cited at its own line and column", async () => {
    const lines = [
      header.trimEnd(),
      'import type { Shape } from "./shape.ts";',
      'import { PLAN, Plan } from "./shape.ts";',
      "interface Local {",
      "  plan: Plan;",
      "}",
      "const local: Local = { plan: Plan.Pro } satisfies Local;",
      "const shape = <T extends Shape>(value: T): T => value;",
      '  export const bad = defineEvent({ name: "a/b.c", versions: [{ v: "one", data: z.object({}) }] });',
      "export default defineRegistry({ app: shape({ app: PLAN }).app + local.plan, events: [bad] });",
      "",
    ];
    const error = await loadFailure({
      "index.ts": lines.join("\n"),
      "shape.ts":
        'export interface Shape { app: string }\nexport enum Plan { Pro = "pro" }\nexport const PLAN = "p";\n',
    });
    expect(error.issues[0]?.rule).toBe("registry/version-label");
    expect([error.issues[0]?.line, error.issues[0]?.column]).toEqual([10, 22]);
  });

  // [title, files, app the registry must end up with]
  const features: [string, Record<string, string>, string][] = [
    [
      "enums, satisfies, type-only imports, re-exports",
      {
        "index.ts": `${header}import type { Names } from "./names.ts";\nimport { Team, teamName } from "./names.ts";\nconst names = { app: teamName(Team.Billing) } satisfies Names;\nexport default defineRegistry({ app: names.app, events: [] });\n`,
        "names.ts": 'export type Names = { app: string };\nexport * from "./team.ts";\n',
        "team.ts":
          'export enum Team { Billing = "billing" }\nexport const teamName = (team: Team): string => `${team}-app`;\n',
      },
      "billing-app",
    ],
    [
      "import.meta and a dynamic import",
      {
        "index.ts": `${header}const { suffix } = await import("./suffix.ts");\nexport default defineRegistry({ app: import.meta.url.endsWith("index.ts") ? \`meta-\${suffix}\` : "?", events: [] });\n`,
        "suffix.ts": "export const suffix: string = 'ok';\n",
      },
      "meta-ok",
    ],
    [
      "a namespace",
      {
        "index.ts": `${header}namespace Apps {\n  export const main = "spaced";\n}\nexport default defineRegistry({ app: Apps.main, events: [] });\n`,
      },
      "spaced",
    ],
    [
      "class fields and parameter properties",
      {
        "index.ts": `${header}class App {\n  declare kind: string;\n  prefix = "cls";\n  constructor(private readonly suffix: string) {}\n  get id(): string {\n    return \`\${this.prefix}-\${this.suffix}\`;\n  }\n}\nexport default defineRegistry({ app: new App("x").id, events: [] });\n`,
      },
      "cls-x",
    ],
  ];

  test.each(features)("a schema file with %s loads", async (_title, files, app) => {
    const dir = await tempDir("load");
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    const registry = await loadRegistry(path.join(dir, "index.ts"));
    expect(registry.app).toBe(app);
  });

  test("a syntax error names the file", async () => {
    const error = await loadFailure({
      "index.ts": `${header}export default defineRegistry({ app: "a", events: [ });\n`,
    });
    expect(error.issues[0]?.message).toMatch(/index\.ts/);
  });

  test("no default registry export says what to export", async () => {
    const error = await loadFailure({ "index.ts": `${header}export const x = 1;\n` });
    expect(error.issues[0]?.message).toContain("no default export made by defineRegistry");
  });
});
