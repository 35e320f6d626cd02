/**
 * What the gateway tests share: a recording upstream Event API (answers, fails or hangs on demand),
 * raw requests, an in-process gateway on a real socket, and `evreg serve` as a child process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadRegistry } from "../../src/registry/load.ts";
import { repoRoot } from "../support/temp.ts";

export type UpstreamMode = "ok" | "fail" | "hang";

export interface RecordedRequest {
  key: string;
  events: Record<string, unknown>[];
  headers: IncomingHttpHeaders;
}

export interface RecordingUpstream {
  url: string;
  mode: UpstreamMode;
  /** Requests answered 2xx: the events the upstream accepted. */
  accepted: RecordedRequest[];
  /** Every request received, whatever the answer. */
  received: RecordedRequest[];
  /** Resolves at the next request received. */
  nextRequest(): Promise<RecordedRequest>;
  /** Answers the requests held by "hang" (with 200) and returns to "ok". */
  releaseHung(): void;
  acceptedIds(): string[];
  close(): Promise<void>;
}

/** A stand-in for Inngest's Event API on 127.0.0.1: `{ ids, status: 200 }` with ids `up-<n>`. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  let counter = 0;
  const hung: (() => void)[] = [];
  const waiting: ((request: RecordedRequest) => void)[] = [];
  const upstream: RecordingUpstream = {
    url: "",
    mode: "ok",
    accepted: [],
    received: [],
    nextRequest: () => new Promise((resolve) => waiting.push(resolve)),
    releaseHung() {
      upstream.mode = "ok";
      for (const answer of hung.splice(0)) answer();
    },
    acceptedIds: () => upstream.accepted.flatMap((request) => request.events.map((event) => String(event.id))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const events = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>[];
      const recorded: RecordedRequest = {
        key: decodeURIComponent((request.url ?? "").replace(/^\/e\//, "")),
        events,
        headers: request.headers,
      };
      upstream.received.push(recorded);
      for (const resolve of waiting.splice(0)) resolve(recorded);
      const accept = (): void => {
        upstream.accepted.push(recorded);
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ ids: events.map(() => `up-${++counter}`), status: 200 }));
      };
      if (upstream.mode === "fail") {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ status: 500, error: "upstream is having a bad day" }));
      } else if (upstream.mode === "hang") {
        hung.push(accept);
      } else {
        accept();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

// node:http with keep-alive: the test process is also the load generator, and fetch costs several
// times more CPU per request, which would make the gateway look slower than it is.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export function post(
  gateway: string,
  key: string,
  body: unknown,
  options: { raw?: boolean; contentType?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = options.raw ? (body as string | Uint8Array) : JSON.stringify(body);
  const headers: Record<string, string | number> = { ...options.headers, "content-length": Buffer.byteLength(payload) };
  if (options.contentType !== null) headers["content-type"] = options.contentType ?? "application/json";
  const url = new URL(`${gateway}/e/${encodeURIComponent(key)}`);
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.once("error", reject);
      response.once("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // the assertions on `text` say what went wrong
        }
        resolve({ status: response.statusCode ?? 0, body: parsed, text });
      });
    });
    request.once("error", reject);
    request.end(payload);
  });
}

/** A valid `billing/invoice.paid` of the example registry. */
export function invoicePaid(id?: string, amount = 100): Record<string, unknown> {
  return {
    name: "billing/invoice.paid",
    ...(id === undefined ? {} : { id }),
    data: {
      customerId: "cus_1",
      invoiceId: `in_${id ?? "x"}`,
      userId: "user_1",
      amount,
      metadata: { accountId: "acc_1", accountName: "Acme" },
    },
  };
}

let registry: ReturnType<typeof loadRegistry> | undefined;
/** The example registry (schemas/index.ts), loaded once per test file. */
export function exampleRegistry(): ReturnType<typeof loadRegistry> {
  registry ??= loadRegistry(path.join(repoRoot, "schemas/index.ts"));
  return registry;
}

/** Whether an answer looks like it leaks internals: a stack frame or a file path. */
export function leaksInternals(text: string): boolean {
  return /\n\s+at |\bat .*:\d+:\d+|node_modules|\/src\/|\.ts:\d+/.test(text);
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** The command that runs `evreg serve`: bin/evreg.js once main.ts wires it, the fixture entry until then. */
function serveEntry(): string {
  const main = readFileSync(path.join(repoRoot, "src/cli/main.ts"), "utf8");
  return main.includes("registerServeCommand")
    ? path.join(repoRoot, "bin/evreg.js")
    : path.join(repoRoot, "test/gateway/fixtures/evreg-serve.mjs");
}

/** Spawns `evreg serve <args>` on a free port and waits for its "listening on" line. */
export function spawnServe(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [serveEntry(), "serve", "--port", "0", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`evreg serve did not start in 90 s\nstdout: ${out}\nstderr: ${err}`));
    }, 90_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/[^\s,]+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stdout: () => out,
          stderr: () => err,
          exited,
          stop: () => {
            if (child.exitCode === null) child.kill("SIGTERM");
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`evreg serve exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}

/** Runs `evreg serve <args>` expecting it to exit by itself (a start-up error). */
export function runServeToExit(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [serveEntry(), "serve", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
