/**
 * From raw request to JSON the validator may look at: the content type must be JSON, the body is
 * counted while it streams in and cut off at the limit (before anything is parsed or buffered past
 * it), it must be UTF-8 and JSON, and no key in it may be a prototype-pollution vector.
 */
import type { IncomingMessage } from "node:http";
import type { Issue } from "../../errors.ts";
import { scanJson } from "../json-value.ts";

export type BodyResult = { ok: true; bytes: Buffer } | { ok: false; reason: "too-large" | "aborted" };

/** `application/json`, with at most a UTF-8 charset parameter; anything else is refused (415). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  if (header === "application/json") return true;
  const [type = "", ...parameters] = header.split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return parameters.every((parameter) => parameter === "" || /^charset="?utf-8"?$/.test(parameter));
}

/** Whether a declared Content-Length already exceeds the limit (so nothing needs to be read). */
export function declaredTooLarge(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false;
  const declared = Number(contentLength);
  return Number.isFinite(declared) && declared > limit;
}

/** Reads a Node request body, counting bytes as they arrive; stops at `limit` without buffering more. */
export function readNodeBody(incoming: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult): void => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onAborted);
      incoming.off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        incoming.pause();
        finish({ ok: false, reason: "too-large" });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void =>
      finish({ ok: true, bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
    const onAborted = (): void => finish({ ok: false, reason: "aborted" });
    const onClose = (): void => {
      if (!incoming.complete) onAborted();
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onAborted);
    incoming.on("close", onClose);
  });
}

/** Reads a web stream body (a gateway run outside Node's http server) with the same limit. */
export async function readWebBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<BodyResult> {
  if (!body) return { ok: true, bytes: Buffer.alloc(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return { ok: false, reason: "too-large" };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "aborted" };
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

export type ParsedBody = { ok: true; value: unknown } | { ok: false; error: string };

/** Decodes strict UTF-8 and parses JSON; the error names the problem, never echoes a stack. */
export function parseJsonBody(bytes: Uint8Array): ParsedBody {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, error: "the body is not valid UTF-8" };
  }
  if (text.trim().length === 0) return { ok: false, error: "the body is empty; send one event or an array of events" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      error: `the body is not valid JSON: ${error instanceof Error ? error.message : "parse error"}`,
    };
  }
}

/**
 * Keys that would poison an object merged from the event (`__proto__`, `constructor.prototype`)
 * and nesting too deep to serialize safely, anywhere in each event (envelope extras such as `user`
 * included: the validator looks inside `data` only). JSON.parse makes such keys own properties,
 * harmless until something merges them; they are refused before anything can.
 */
export function findUnsafeJson(body: unknown): Issue[] {
  const events = Array.isArray(body) ? body : [body];
  const issues: Issue[] = [];
  events.forEach((event, index) => {
    if (typeof event !== "object" || event === null) return;
    for (const problem of scanJson(event, "").problems) {
      issues.push({
        rule: "event/unsafe-json",
        severity: "error",
        message: problem.message,
        fix: problem.fix,
        path: problem.path || "/",
        index,
      });
    }
  });
  return issues;
}
