/**
 * `evreg serve`: the Inngest Event API compatible gateway. Producers point their event base URL at
 * it; it checks the key, validates every event against the registry, dedups by id and delivers to
 * the local runtime (handlers from --handlers) or forwards to --upstream (Inngest's Event API).
 * SIGTERM or SIGINT stop it gracefully: requests in flight are answered before it exits.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { EvregError, type Issue } from "../errors.ts";
import type { DedupStore } from "../runtime/dedup/store.ts";
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PORT, DEFAULT_UPSTREAM_TIMEOUT_MS } from "../runtime/gateway/defaults.ts";
import type { Deliver } from "../runtime/gateway/deliver.ts";
import { type CommandIO, runCommand } from "./io.ts";
import type { CommandContext } from "./main.ts";

interface ServeFlags {
  port: string;
  host: string;
  store: string;
  upstream?: string;
  upstreamTimeout: string;
  eventKeyFile?: string;
  handlers?: string;
  maxBodyBytes: string;
  maxEventBytes?: string;
  requireVersion: boolean;
  shutdownGrace: string;
}

function usage(flag: string, message: string, fix: string): EvregError {
  const issue: Issue = { rule: "serve/options", severity: "error", path: flag, message, fix };
  return new EvregError("evreg serve cannot start:", [issue]);
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw usage(flag, `${flag} ${value} is not a whole number from ${min} to ${max}`, `pass e.g. ${flag} ${max}`);
  }
  return number;
}

function upstreamUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usage("--upstream", `${value} is not a URL`, "pass the Event API base, e.g. https://inn.gs");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usage("--upstream", `${value} is not an http(s) URL`, "pass the Event API base, e.g. https://inn.gs");
  }
  return url;
}

function readEventKeys(file: string, parseEventKeys: (text: string, file: string) => string[]): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw usage("--event-key-file", `cannot read ${file} (${code})`, "pass a file with one event key per line");
  }
  return parseEventKeys(text, file);
}

const isLoopback = (host: string): boolean => host === "localhost" || host === "::1" || host.startsWith("127.");

function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve(signal);
    };
    const onTerm = (): void => stop("SIGTERM");
    const onInt = (): void => stop("SIGINT");
    process.once("SIGTERM", onTerm);
    process.once("SIGINT", onInt);
  });
}

const within = (ms: number, work: Promise<unknown>): Promise<unknown> =>
  Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())]);

async function serve(io: CommandIO, schemas: string, flags: ServeFlags): Promise<number> {
  // Loaded here, not at the top: other commands never load hono, ajv or the stores.
  const [
    { loadRegistry },
    { createRuntime },
    { deliverLocally, deliverUpstream },
    { parseEventKeys },
    { registerHandlersModule },
    { startGateway },
    { describeStore, openStore, parseStoreSpec },
    { createEventValidator },
  ] = await Promise.all([
    import("../registry/load.ts"),
    import("../runtime/bus.ts"),
    import("../runtime/gateway/deliver.ts"),
    import("../runtime/gateway/event-keys.ts"),
    import("../runtime/gateway/handlers-module.ts"),
    import("../runtime/gateway/server.ts"),
    import("../runtime/gateway/store-spec.ts"),
    import("../runtime/validate.ts"),
  ]);
  const port = wholeNumber("--port", flags.port, 0, 65_535);
  const graceMs = wholeNumber("--shutdown-grace", flags.shutdownGrace, 0, 600_000);
  const maxBodyBytes = wholeNumber("--max-body-bytes", flags.maxBodyBytes, 1, 64 * 1024 * 1024);
  const maxEventBytes =
    flags.maxEventBytes === undefined
      ? undefined
      : wholeNumber("--max-event-bytes", flags.maxEventBytes, 1, 3 * 1024 * 1024);
  const upstream = flags.upstream === undefined ? undefined : upstreamUrl(flags.upstream);
  if (upstream && flags.handlers) {
    throw usage("--handlers", "--handlers runs events locally, --upstream forwards them", "pass one of the two");
  }
  const eventKeys = flags.eventKeyFile === undefined ? undefined : readEventKeys(flags.eventKeyFile, parseEventKeys);
  if (!eventKeys && !isLoopback(flags.host)) {
    throw usage(
      "--event-key-file",
      `--host ${flags.host} takes connections from other machines, and no event key is required`,
      "pass --event-key-file with the keys producers send, or listen on 127.0.0.1",
    );
  }
  const storeSpec = parseStoreSpec(flags.store);
  const registry = await loadRegistry(schemas);
  const onError = (error: Error): void => io.err(`evreg serve: ${error.message}`);

  const store: DedupStore = openStore(storeSpec);
  let runtime: ReturnType<typeof createRuntime> | undefined;
  let deliver: Deliver;
  const validation = {
    requireVersion: flags.requireVersion,
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
  };
  try {
    if (upstream) {
      const upstreamTimeoutMs = wholeNumber("--upstream-timeout", flags.upstreamTimeout, 1, 600_000);
      deliver = deliverUpstream({
        validator: createEventValidator({ registry, ...validation }),
        store,
        upstream,
        timeoutMs: upstreamTimeoutMs,
        now: Date.now,
        onError,
        maxEventBytes,
      });
    } else {
      runtime = createRuntime({ registry, store, ...validation, onError });
      if (flags.handlers) await registerHandlersModule(flags.handlers, runtime);
      deliver = deliverLocally(runtime);
    }
  } catch (error) {
    await runtime?.close();
    await store.close();
    throw error;
  }

  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({ deliver, eventKeys, maxBodyBytes, port, host: flags.host, onError });
  } catch (error) {
    await runtime?.close();
    await store.close();
    throw error;
  }
  const target = upstream
    ? `forwarding to ${upstream.href}`
    : `delivering to the local runtime${flags.handlers ? ` (${flags.handlers})` : ""}`;
  io.out(
    `evreg serve: listening on ${gateway.url}, ${registry.events.length} events, store ${describeStore(storeSpec)}, ${target}${eventKeys ? `, ${eventKeys.length} event key(s)` : ", any event key"}`,
  );

  const signal = await waitForStopSignal();
  io.err(`evreg serve: ${signal}, finishing ${gateway.state.inFlight} request(s) in flight`);
  await gateway.close(graceMs);
  if (runtime) {
    // Handlers already started may finish their current step; waiting runs end with the process.
    await within(graceMs, runtime.idle());
    await runtime.close();
  }
  await store.close();
  io.err("evreg serve: stopped");
  return 0;
}

export function registerServeCommand(program: Command, context: CommandContext): void {
  program
    .command("serve")
    .description("run an Inngest Event API compatible gateway: check keys, validate, dedup, deliver or forward")
    .option("--port <port>", "port to listen on (0 picks a free one)", String(DEFAULT_PORT))
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--store <store>", "dedup store: memory, sqlite:FILE or redis:URL", "memory")
    .option("--upstream <url>", "forward valid events to this Event API base URL (e.g. https://inn.gs)")
    .option("--upstream-timeout <ms>", "answer 504 when the upstream takes longer", String(DEFAULT_UPSTREAM_TIMEOUT_MS))
    .option("--event-key-file <file>", "accepted event keys, one per line (required unless --host is loopback)")
    .option("--handlers <module>", "module whose default export registers handlers on the local runtime")
    .option("--max-body-bytes <bytes>", "largest request body", String(DEFAULT_MAX_BODY_BYTES))
    .option("--max-event-bytes <bytes>", "largest event (Inngest: 256 KiB default, up to 3 MiB)")
    .option("--require-version", "refuse versioned events sent without v", false)
    .option("--shutdown-grace <ms>", "on SIGTERM, how long in-flight requests may take", "10000")
    .addHelpText(
      "after",
      [
        "",
        "port, host, upstream and eventKeyFile default to the config's serve key; store to runtime.store.",
        "",
        "Examples:",
        "  evreg serve --handlers ./src/handlers.ts                     # local runtime on 127.0.0.1:8288",
        "  evreg serve --host 0.0.0.0 --event-key-file keys.txt --store redis:redis://cache:6379 --upstream https://inn.gs",
      ].join("\n"),
    )
    .action(async (flags: ServeFlags, command: Command) => {
      const io = context.io();
      const { serve: settings = {}, runtime = {} } = context.config();
      // A flag given on the command line wins; a commander default yields to the config file.
      const unset = (name: string) => command.getOptionValueSource(name) !== "cli";
      const merged: ServeFlags = {
        ...flags,
        ...(unset("port") && settings.port !== undefined ? { port: String(settings.port) } : {}),
        ...(unset("host") && settings.host !== undefined ? { host: settings.host } : {}),
        ...(unset("store") && runtime.store !== undefined ? { store: runtime.store } : {}),
        ...(unset("upstream") && settings.upstream !== undefined ? { upstream: settings.upstream } : {}),
        ...(unset("eventKeyFile") && settings.eventKeyFile !== undefined
          ? { eventKeyFile: settings.eventKeyFile }
          : {}),
      };
      context.exit(await runCommand(io, () => serve(io, context.options().schemas, merged)));
    });
}
