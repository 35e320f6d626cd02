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
