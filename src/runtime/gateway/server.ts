/**
 * Runs the gateway on Node's http server (@hono/node-server) and shuts it down gracefully: stop
 * accepting connections, answer what is in flight, close idle keep-alive sockets, and after the
 * grace period cut whatever is left.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EvregError } from "../../errors.ts";
import { createGatewayApp, type GatewayAppOptions, type GatewayState } from "./app.ts";
import { DEFAULT_PORT } from "./defaults.ts";

export interface StartGatewayOptions extends GatewayAppOptions {
  /** Default 8288, the Inngest dev server's port; 0 picks a free one. */
  port?: number | undefined;
  /** Default 127.0.0.1. */
  host?: string | undefined;
}

export interface RunningGateway {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  state: GatewayState;
  /** Graceful stop: in-flight requests are answered; after `graceMs` (default 10 s) sockets are cut. */
  close(graceMs?: number): Promise<void>;
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { app, state } = createGatewayApp(options);
  // loaded here: an app importing evreg/runtime for its validators or middleware never starts a server
  const { serve } = await import("@hono/node-server");
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host }) as Server;
    // A slow client may not hold a socket for ever; keep-alive outlives a load balancer's idle timeout.
    server.requestTimeout = 30_000;
    server.keepAliveTimeout = 65_000;
    const failed = (error: NodeJS.ErrnoException): void => reject(listenError(error, host, options.port));
    server.once("error", failed);
    server.once("listening", () => {
      server.off("error", failed);
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
        port,
        state,
        close(graceMs = 10_000) {
          closing ??= (async () => {
            const closed = new Promise<void>((settle) => server.close(() => settle()));
            server.closeIdleConnections();
            let grace: NodeJS.Timeout | undefined;
            const graceOver = new Promise<void>((settle) => {
              grace = setTimeout(settle, graceMs);
            });
            // Answers given while draining carry `Connection: close`, so their sockets end with them.
            await Promise.race([state.drain(), graceOver]);
            server.closeIdleConnections();
            await Promise.race([closed, graceOver]);
            clearTimeout(grace);
            server.closeAllConnections();
            await closed;
          })();
          return closing;
        },
      });
    });
  });
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number | undefined): Error {
  const where = `${host}:${port ?? DEFAULT_PORT}`;
  const known: Record<string, [string, string]> = {
    EADDRINUSE: [`${where} is already in use`, "stop the other server or pass another --port"],
    EACCES: [`no permission to listen on ${where}`, "use a port above 1023"],
    EADDRNOTAVAIL: [`${host} is not an address of this machine`, "pass --host 127.0.0.1 or 0.0.0.0"],
  };
  const [message, fix] = known[error.code ?? ""] ?? [
    `cannot listen on ${where}: ${error.message}`,
    "check --host and --port",
  ];
  return new EvregError("The gateway could not start:", [{ rule: "serve/listen", severity: "error", message, fix }]);
}
