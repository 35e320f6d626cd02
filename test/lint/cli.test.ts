import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const fixtures = "test/lint/fixtures";

async function evreg(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", ["bin/evreg.js", ...args], {
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const scratch = mkdtempSync(path.join(os.tmpdir(), "evreg-lint-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("evreg lint", () => {
  it("exits 1 with the json contract when there are errors", async () => {
    const { code, stdout } = await evreg(
      "lint",
      `${fixtures}/bad-app`,
      "--schemas",
      `${fixtures}/registry.ts`,
      "--format",
      "json",
    );
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(["issues", "summary"]);
    expect(Object.keys(report.summary)).toEqual(["errors", "warnings"]);
    expect(report.summary.errors).toBeGreaterThan(0);
    expect(report.issues.map((issue: { rule: string }) => issue.rule)).toContain("code/unknown-event");
  });

  it("exits 0 on the example app with its config (only past-tense warnings)", async () => {
    const { code, stdout } = await evreg("--config", "example/app/evreg.config.json", "lint", "--format", "json");
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.summary).toEqual({ errors: 0, warnings: 4 });
    const fixes = Object.fromEntries(
      report.issues.map((issue: { event: string; fix: string }) => [issue.event, issue.fix] as const),
    );
    expect(Object.keys(fixes).sort()).toEqual([
      "crm/contact.add",
      "email/welcome.send",
      "subscription/trial.create",
      "trial/reminder.send",
    ]);
    // three of the four past-tense names are already the registry's events recording the command
    expect(fixes["crm/contact.add"]).toMatch(/^"crm\/contact.added" is another event/);
    expect(fixes["email/welcome.send"]).toMatch(/^"email\/welcome.sent" is another event/);
    expect(fixes["subscription/trial.create"]).toMatch(/^"subscription\/trial.created" is another event/);
    expect(fixes["trial/reminder.send"]).toBe('rename to "trial/reminder.sent"');
  });

  it("takes severities from --rule and prints github annotations", async () => {
    const { code, stdout } = await evreg(
      "lint",
      "example/app",
      "--rule",
      "name/object-action=warning",
      "--rule",
      "name/past-tense=off",
      "--format",
      "github",
    );
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(stdout).toMatch(/^::warning file=[^,]+,line=\d+,col=\d+,title=name\/object-action::"placed" does not say/);
  });

  it.each([
    ["a missing path", ["lint", "no/such/dir"], "no/such/dir does not exist"],
    ["an unknown rule", ["lint", "example/app", "--rule", "name/nope=error"], 'unknown rule "name/nope"'],
    ["an unknown format", ["lint", "example/app", "--format", "xml"], "Allowed choices are pretty, json, github"],
    [
      "a broken registry",
      ["lint", "example/app", "--schemas", `${fixtures}/broken-registry.ts`],
      "the event has no name",
    ],
  ])("exits 2 on %s, without a stack trace", async (_, args, message) => {
    const { code, stderr } = await evreg(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on an unreadable config and on an unparsable file", async () => {
    const config = path.join(scratch, "lint.json");
    writeFileSync(config, "{ not json");
    const badConfig = await evreg("--config", config, "lint", "example/app");
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain("Cannot read the config file");

    const broken = path.join(scratch, "broken.ts");
    writeFileSync(broken, "export const x = {{;\n");
    const badFile = await evreg("lint", broken);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toContain("lint/parse");
  });
});
