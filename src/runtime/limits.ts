/** Inngest's documented limits on what one send may carry. */

/** Largest serialized event Inngest accepts by default (256 KiB). */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
/** The ceiling Inngest raises the per-event limit to on paid plans (3 MiB). */
export const MAX_EVENT_BYTES_CEILING = 3 * 1024 * 1024;
/** Events per send (one request to the Event API). */
export const MAX_EVENTS_PER_SEND = 5_000;
/** Characters in an event name. */
export const MAX_NAME_LENGTH = 256;
/** Names under this prefix belong to Inngest's own lifecycle events. */
export const RESERVED_PREFIX = "inngest/";
/** How long an event id keeps later events with the same id from being delivered again. */
export const DEDUP_WINDOW_MS = 24 * 60 * 60 * 1000;
