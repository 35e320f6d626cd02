/**
 * A real redis-server for the tests, on a free 127.0.0.1 port with persistence off. When the binary
 * is missing it is installed from apt if we are root; otherwise the tests fail with the command to
 * run. Never skipped: a missing Redis must not look like a passing suite.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll } from "vitest";

const INSTALL = "apt-get update && apt-get -o DPkg::Lock::Timeout=600 install -y redis-server";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function findRedisServer(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** The redis-server binary, installed from apt when missing and we are root; throws with the command otherwise. */
export function ensureRedisServer(): string {
  const existing = findRedisServer();
  if (existing) return existing;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"]).status === 0;
  if (process.getuid?.() === 0 && hasApt) {
    execFileSync("sh", ["-c", INSTALL], { stdio: "pipe", timeout: 300_000 });
    const installed = findRedisServer();
    if (installed) return installed;
  }
  throw new Error(`redis-server is not on PATH and cannot be installed from here. Run:\n  sudo sh -c "${INSTALL}"`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`redis-server did not start in 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
}

/** Starts a private redis-server; `stop` ends it (idempotent). */
export async function startRedis(): Promise<RedisServer> {
  const binary = ensureRedisServer();
  const port = await freePort();
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitUntilReady(child);
  child.stdout?.resume();
  child.stderr?.resume();
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
      return stopped;
    },
  };
}

/** One redis-server for the calling test file: started before its tests, stopped after. */
export function useRedis(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("redis-server is not running; call useRedis() at the top of the test file");
    return server;
  };
}
