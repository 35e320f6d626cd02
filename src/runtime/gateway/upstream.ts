/**
 * Forwarding a validated batch to an upstream Inngest Event API (`POST <url>/e/<key>`). Only a 2xx
 * counts as delivered; a refused connection, a non-2xx answer or no answer within the timeout is a
 * failure the caller turns into 502/504 (after releasing its dedup marks).
 */
import http from "node:http";
import https from "node:https";

/** Headers a client sends that the upstream needs: the SDK's seed keeps its event ids stable across retries. */
export const FORWARDED_HEADERS = ["x-inngest-event-id-seed", "x-inngest-env", "x-inngest-sdk", "user-agent"] as const;

export interface ForwardRequest {
  upstream: URL;
  eventKey: string;
  events: readonly unknown[];
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
}

export type ForwardResult = { ok: true; ids: string[] | undefined } | { ok: false; status: 502 | 504; error: string };

/** `<upstream>/e/<key>`, keeping a path prefix of the upstream URL (`http://host/inngest` -> `/inngest/e/key`). */
export function eventApiUrl(upstream: URL, eventKey: string): URL {
  const base = upstream.href.endsWith("/") ? upstream.href : `${upstream.href}/`;
  return new URL(`e/${encodeURIComponent(eventKey)}`, base);
}

function idsOf(body: unknown, count: number): string[] | undefined {
  const ids = (body as { ids?: unknown } | null)?.ids;
  return Array.isArray(ids) && ids.length === count && ids.every((id) => typeof id === "string") ? ids : undefined;
}

function upstreamError(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: unknown } | null)?.error;
    if (typeof error === "string") return `: ${error.slice(0, 200)}`;
  } catch {
    // not JSON: the status says enough
  }
  return "";
}

interface UpstreamAnswer {
  status: number;
  text: string;
}

// Node's http client with keep-alive: several times the throughput of fetch for small requests.
const agents = {
  "http:": new http.Agent({ keepAlive: true, maxSockets: 256 }),
  "https:": new https.Agent({ keepAlive: true, maxSockets: 256 }),
};
/** An upstream answer longer than this is not an Event API answer; it is cut off and read as a failure. */
const MAX_ANSWER_BYTES = 1024 * 1024;

function postJson(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: "POST",
      agent: url.protocol === "https:" ? agents["https:"] : agents["http:"],
      headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    const timer = setTimeout(() => request.destroy(new UpstreamTimeout()), timeoutMs);
    request.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.once("response", (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error("the answer is too long"));
        else chunks.push(chunk);
      });
      response.once("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
      });
      const fail = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      response.once("error", fail);
      response.once("close", () => {
        if (!response.complete) fail(new Error("the answer was cut off"));
      });
    });
    request.end(body);
  });
}

class UpstreamTimeout extends Error {}

export async function forwardEvents(request: ForwardRequest): Promise<ForwardResult> {
  let answer: UpstreamAnswer;
  try {
    answer = await postJson(
      eventApiUrl(request.upstream, request.eventKey),
      request.headers,
      JSON.stringify(request.events),
      request.timeoutMs,
    );
  } catch (error) {
    if (error instanceof UpstreamTimeout) return timedOut(request.timeoutMs);
    return {
      ok: false,
      status: 502,
      error: "the upstream Event API could not be reached or broke off; retry the send",
    };
  }
  if (answer.status < 200 || answer.status > 299) {
    return {
      ok: false,
      status: 502,
      error: `the upstream Event API answered ${answer.status}${upstreamError(answer.text)}; retry the send`,
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  return { ok: true, ids: idsOf(body, request.events.length) };
}

function timedOut(timeoutMs: number): ForwardResult {
  return {
    ok: false,
    status: 504,
    error: `the upstream Event API did not answer within ${timeoutMs} ms; retry the send`,
  };
}
