/**
 * The gateway's defaults, in a module of their own: `evreg serve --help` shows them, and the CLI
 * must not load hono, ajv or the stores to print its help or run another command.
 */

/** Inngest's per-request ceiling for the Event API: a batch of events may not exceed 3 MiB of JSON. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The port of Inngest's dev server, so producers pointed at it need no change. */
export const DEFAULT_PORT = 8288;

/** How long the upstream may take to answer a forward before the client gets 504. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
