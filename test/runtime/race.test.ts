/**
 * Two OS processes, each with its own runtime over one shared store, send the same event ids at the
 * same moment: every id must be delivered by exactly one of them.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useRedis } from "../support/redis.ts";
import { tempDir } from "../support/temp.ts";

const contender = fileURLToPath(new URL("./fixtures/deliver-race.mjs", import.meta.url));
const COUNT = 2_000;

interface Child {
  ready: Promise<void>;
  delivered: Promise<string[]>;
  go(): void;
}

function startContender(kind: "redis" | "sqlite", target: string, direction: "up" | "down"): Child {
  const child = spawn(process.execPath, [contender, kind, target, String(COUNT), direction], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const delivered = new Promise<string[]>((resolve, reject) => {
    child.once("exit", (code) => {
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("[")) resolve(JSON.parse(last) as string[]);
      else reject(new Error(`contender exited with ${code}\n${stdout}\n${stderr}`));
    });
  });
  delivered.catch(() => markReady());
  return { ready, delivered, go: () => child.stdin.end("go\n") };
}

async function race(kind: "redis" | "sqlite", target: string): Promise<[string[], string[]]> {
  const contenders = [startContender(kind, target, "up"), startContender(kind, target, "down")];
  await Promise.all(contenders.map((each) => each.ready));
  for (const each of contenders) each.go();
  const [first = [], second = []] = await Promise.all(contenders.map((each) => each.delivered));
  return [first, second];
}

function expectExactlyOnce([first, second]: [string[], string[]]): void {
  // Opposite orders: each wins its own end, so both really contended (a broken store shows overlap).
  expect(first.length).toBeGreaterThan(0);
  expect(second.length).toBeGreaterThan(0);
  const all = [...first, ...second];
  expect(new Set(all).size).toBe(all.length);
  expect(all.sort()).toEqual(Array.from({ length: COUNT }, (_, index) => `race-${index}`).sort());
}

describe("two processes racing on the same ids deliver each exactly once", () => {
  const redis = useRedis();

  it("with the Redis store", async () => {
    expectExactlyOnce(await race("redis", redis().url));
  });

  it("with the SQLite store", async () => {
    const dir = await tempDir("race");
    expectExactlyOnce(await race("sqlite", path.join(dir, "dedup.sqlite")));
  });
});
