import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { catalogLinksFromScan, registerCatalogCommands } from "../../src/cli/catalog.ts";
import type { CommandContext, GlobalOptions } from "../../src/cli/main.ts";

/** Runs the catalog commands under a program with evreg's global options, as main.ts wires them. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let code = 0;
  let out = "";
  let err = "";
  const program = new Command("evreg")
    .option("--schemas <file>", "registry entry file", "schemas/index.ts")
    .option("--out <dir>", "output folder of evreg generate", "generated")
    .option("--debug", "stack traces", false)
    .exitOverride();
  const context: CommandContext = {
    options: () => program.opts<GlobalOptions>(),
    config: () => ({}),
    io: () => ({
      out: (text) => {
        out += `${text}\n`;
      },
      err: (text) => {
        err += `${text}\n`;
      },
      debug: false,
    }),
    exit: (value) => {
      code = value;
    },
  };
  registerCatalogCommands(program, context);
  await program.parseAsync(["node", "evreg", ...args]);
  return { code, out, err };
}

describe("evreg catalog and evreg asyncapi", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "evreg-catalog-"));

  it("catalog --out writes index.html and one page per event", async () => {
    const out = path.join(dir, "site");
    const result = await run(["catalog", "--out", out]);
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(existsSync(path.join(out, "index.html"))).toBe(true);
    expect(existsSync(path.join(out, "events/user_profile.updated.html"))).toBe(true);
  });

  it("catalog --src scans code for the fan-out graph", async () => {
    const src = path.join(dir, "src");
    mkdirSync(src, { recursive: true });
    writeFileSync(
      path.join(src, "functions.ts"),
      `import { Inngest } from "inngest";
const inngest = new Inngest({ id: "app" });
export const onboard = inngest.createFunction(
  { id: "onboard-user", triggers: [{ event: "user/signup.completed" }] },
  async ({ event, step }) => {
    await step.sendEvent("welcome", { name: "email/welcome.send", data: { userId: event.data.userId, email: event.data.email, plan: event.data.plan } });
  },
);
`,
    );
    const out = path.join(dir, "scanned");
    const result = await run(["catalog", "--out", out, "--src", src]);
    expect(result.err).toBe("");
    const page = readFileSync(path.join(out, "events/user_signup.completed.html"), "utf8");
    expect(page).toContain('data-edge="event:user/signup.completed-&gt;function:onboard-user"');
    expect(page).toContain('data-edge="function:onboard-user-&gt;event:email/welcome.send"');
  });

  it("refuses to replace a folder that is not a catalog", async () => {
    const other = path.join(dir, "precious");
    mkdirSync(other);
    writeFileSync(path.join(other, "notes.txt"), "keep me");
    const result = await run(["catalog", "--out", other]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("is not a catalog folder");
    expect(readFileSync(path.join(other, "notes.txt"), "utf8")).toBe("keep me");
  });

  it("asyncapi prints the document, or writes it with --out", async () => {
    const printed = await run(["asyncapi"]);
    expect(JSON.parse(printed.out).asyncapi).toBe("3.0.0");
    const file = path.join(dir, "api/asyncapi.json");
    const written = await run(["asyncapi", "--out", file]);
    expect(written.code).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8")).channels["user_profile.updated"].address).toBe(
      "user/profile.updated",
    );
  });

  it("a bad registry path is an Issue, not a stack trace", async () => {
    const result = await run(["--schemas", "nope/index.ts", "asyncapi"]);
    expect(result.code).toBe(2);
    expect(result.err).toContain("nope/index.ts does not exist");
  });

  it("maps scan references to links by file and scope, not line; cancels drawn as waits", () => {
    const ref = (event: string, functionId?: string) => ({
      event,
      file: "a.ts",
      line: 1,
      column: 3,
      scope: "handler",
      ...(functionId ? { functionId } : {}),
    });
    expect(
      catalogLinksFromScan({
        sends: [ref("a/b.c", "f")],
        triggers: [ref("x/y.z", "f")],
        waits: [],
        cancels: [ref("q/r.s", "f")],
      }),
    ).toEqual({
      sends: [{ event: "a/b.c", file: "a.ts", scope: "handler", functionId: "f" }],
      triggers: [{ event: "x/y.z", file: "a.ts", scope: "handler", functionId: "f" }],
      waits: [{ event: "q/r.s", file: "a.ts", scope: "handler", functionId: "f" }],
    });
  });
});
