/**
 * What the catalog needs to know about code: where each event is sent, which functions it
 * triggers and which wait for it. The code scan (src/lint/) produces the facts; the caller adapts
 * them to this small shape, so the catalog does not depend on the scanner's internals.
 */

/** A place in code that sends an event (`inngest.send`, `step.sendEvent`, a typed `send`). */
export interface CatalogSend {
  event: string;
  /** Path as it should be shown, relative to the project root. */
  file: string;
  line: number;
  /** Set when the send sits inside a function handler: the graph then draws function -> event. */
  functionId?: string;
}

/** A function triggered by an event (`createFunction({ triggers: [{ event }] })`). */
export interface CatalogTrigger {
  event: string;
  file: string;
  line: number;
  /** The function's id; without it the function is named by `file:line`. */
  functionId?: string;
  /** Events the handler sends with `step.sendEvent`: the fan-out edges. */
  sendsFromHandler?: string[];
}

/** A function that waits for an event (`step.waitForEvent`) or is cancelled by it (`cancelOn`). */
export interface CatalogWait {
  event: string;
  file: string;
  line: number;
  functionId?: string;
}

export interface CatalogLinks {
  sends: CatalogSend[];
  triggers: CatalogTrigger[];
  waits?: CatalogWait[];
}
