/**
 * Middleware for the `inngest` v4 client: every outgoing send (`inngest.send`, `step.sendEvent`)
 * and every incoming trigger is checked against the registry. A bad send throws an
 * EventValidationError before any request; a bad trigger fails the run as non-retriable, since
 * retrying cannot fix the event. A trigger made with a generated event type pinned to a version
 * (`user.profileUpdated.at("2023-11-02.1")`) makes the function read that version: events of other
 * versions are validated against it or upcast to it before the handler runs; other triggers read
 * the latest version.
 */
import { Middleware, NonRetriableError } from "inngest";
import type { Registry } from "../registry/define.ts";
import { systemRegistry } from "../registry/system.ts";
import { RESERVED_PREFIX } from "./limits.ts";
import { createVersionRouter } from "./upcast.ts";
import { createEventValidator, type PrecompiledValidators, type ValidatedEvent } from "./validate.ts";

export interface EvregMiddlewareOptions {
  registry: Registry;
  validators?: PrecompiledValidators;
  requireVersion?: boolean;
  maxEventBytes?: number;
}

/** The envelope fields Inngest defines; the SDK adds its own (`meta`, `validate`) which are not data. */
function envelopeOf(event: Record<string, unknown>): Record<string, unknown> {
  const envelope: Record<string, unknown> = { name: event.name, data: event.data ?? {} };
  for (const key of ["id", "ts", "v"] as const) if (event[key] !== undefined) envelope[key] = event[key];
  return envelope;
}

/**
 * The version each event a function triggers on is pinned to: Inngest event types carry `version`
 * (the generated ones: the latest, or the one given to `.at(v)`); plain `{ event }` triggers pin none.
 */
function pinnedVersions(fn: unknown): Map<string, string> {
  const pins = new Map<string, string>();
  const triggers = (fn as { opts?: { triggers?: unknown } } | null)?.opts?.triggers;
  for (const trigger of Array.isArray(triggers) ? triggers : triggers ? [triggers] : []) {
    const type = (typeof trigger?.event === "object" ? trigger.event : trigger) as {
      name?: unknown;
      version?: unknown;
    };
    if (typeof type?.name === "string" && typeof type.version === "string" && !pins.has(type.name)) {
      pins.set(type.name, type.version);
    }
  }
  return pins;
}

/** A `Middleware.Class` for `new Inngest({ middleware: [evregMiddleware({ registry })] })`. */
export function evregMiddleware(options: EvregMiddlewareOptions): Middleware.Class {
  const { registry, validators } = options;
  const outgoing = createEventValidator({
    registry,
    validators,
    requireVersion: options.requireVersion,
    maxEventBytes: options.maxEventBytes,
  });
  const incomingUser = createEventValidator({ registry, validators, maxEventBytes: options.maxEventBytes });
  const incomingSystem = createEventValidator({ registry: systemRegistry, allowReserved: true });
  const versions = createVersionRouter(registry, validators);

  return class EvregMiddleware extends Middleware.BaseMiddleware {
    readonly id = "evreg:validate";

    override transformSendEvent(arg: Middleware.TransformSendEventArgs): Middleware.TransformSendEventArgs {
      outgoing.assert(arg.events.map((event) => envelopeOf(event as unknown as Record<string, unknown>)));
      return arg;
    }

    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs): Middleware.TransformFunctionInputArgs {
      const ctx = arg.ctx as { event: Record<string, unknown>; events?: Record<string, unknown>[] };
      const events = ctx.events && ctx.events.length > 0 ? ctx.events : [ctx.event];
      const pins = pinnedVersions(arg.fn);
      const read = new Map<Record<string, unknown>, Record<string, unknown>>();
      for (const event of events) {
        const system = typeof event.name === "string" && event.name.startsWith(RESERVED_PREFIX);
        let valid: ValidatedEvent;
        try {
          [valid] = (system ? incomingSystem : incomingUser).assert(envelopeOf(event)) as [ValidatedEvent];
        } catch (error) {
          throw new NonRetriableError(
            `evreg: the trigger of ${arg.fn.id()} is not valid: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
        if (system) continue;
        try {
          const view = versions.read(valid, pins.get(valid.name));
          if (view !== valid) read.set(event, { ...event, data: view.data, v: view.v });
        } catch (error) {
          throw new NonRetriableError(`evreg: ${arg.fn.id()} cannot read its trigger: ${(error as Error).message}`, {
            cause: error,
          });
        }
      }
      if (read.size === 0) return arg;
      // The SDK passes `event` as its own copy of the first of `events`: read it the same way.
      const first = events[0];
      const readAs = (event: Record<string, unknown>): Record<string, unknown> => {
        const found =
          read.get(event) ??
          (first && event.id === first.id && event.name === first.name ? read.get(first) : undefined);
        return found ? { ...event, data: found.data, v: found.v } : event;
      };
      return {
        ...arg,
        ctx: {
          ...arg.ctx,
          event: readAs(ctx.event),
          ...(ctx.events ? { events: ctx.events.map(readAs) } : {}),
        } as Middleware.TransformFunctionInputArgs["ctx"],
      };
    }
  };
}
