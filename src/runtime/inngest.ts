/**
 * Middleware for the `inngest` v4 client: every outgoing send (`inngest.send`, `step.sendEvent`)
 * and every incoming trigger is checked against the registry. A bad send throws an
 * EventValidationError before any request; a bad trigger fails the run as non-retriable, since
 * retrying cannot fix the event.
 */
import { Middleware, NonRetriableError } from "inngest";
import type { Registry } from "../registry/define.ts";
import { systemRegistry } from "../registry/system.ts";
import { RESERVED_PREFIX } from "./limits.ts";
import { createEventValidator, type PrecompiledValidators } from "./validate.ts";

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

  return class EvregMiddleware extends Middleware.BaseMiddleware {
    readonly id = "evreg:validate";

    override transformSendEvent(arg: Middleware.TransformSendEventArgs): Middleware.TransformSendEventArgs {
      outgoing.assert(arg.events.map((event) => envelopeOf(event as unknown as Record<string, unknown>)));
      return arg;
    }

    override transformFunctionInput(arg: Middleware.TransformFunctionInputArgs): Middleware.TransformFunctionInputArgs {
      const ctx = arg.ctx as { event: Record<string, unknown>; events?: Record<string, unknown>[] };
      const events = ctx.events && ctx.events.length > 0 ? ctx.events : [ctx.event];
      for (const event of events) {
        const system = typeof event.name === "string" && event.name.startsWith(RESERVED_PREFIX);
        try {
          (system ? incomingSystem : incomingUser).assert(envelopeOf(event));
        } catch (error) {
          throw new NonRetriableError(
            `evreg: the trigger of ${arg.fn.id()} is not valid: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
      }
      return arg;
    }
  };
}
