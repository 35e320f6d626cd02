/**
 * What the catalog needs to know about code: where each event is sent, which functions it
 * triggers and which wait for it. The code scan (src/lint/) produces the facts; the caller adapts
 * them to this small shape, so the catalog does not depend on the scanner's internals.
 *
 * A place is its file and its scope (the function or variable it sits in), never its line: the
 * catalog is committed, and an edit above a send would otherwise make `generate --check` fail.
 */

/** Where in a file: the named function, method or variable a reference sits in. */
export interface CatalogPlace {
  /** Path as it should be shown, relative to the project root. */
  file: string;
  /** `sendInvoice`, `Billing.charge`, `onboarding`; absent at a module's top level. */
  scope?: string;
}

/** A place as the catalog shows it: `src/billing.ts · sendInvoice`. */
export const placeLabel = (place: CatalogPlace): string =>
  place.scope === undefined ? place.file : `${place.file} · ${place.scope}`;

/** A place in code that sends an event (`inngest.send`, `step.sendEvent`, a typed `send`). */
export interface CatalogSend extends CatalogPlace {
  event: string;
  /** Set when the send sits inside a function handler: the graph then draws function -> event. */
  functionId?: string;
}

/** A function triggered by an event (`createFunction({ triggers: [{ event }] })`). */
export interface CatalogTrigger extends CatalogPlace {
  event: string;
  /** The function's id; without it the function is named by its place. */
  functionId?: string;
  /** Events the handler sends with `step.sendEvent`: the fan-out edges. */
  sendsFromHandler?: string[];
}

/** A function that waits for an event (`step.waitForEvent`) or is cancelled by it (`cancelOn`). */
export interface CatalogWait extends CatalogPlace {
  event: string;
  functionId?: string;
}

export interface CatalogLinks {
  sends: CatalogSend[];
  triggers: CatalogTrigger[];
  waits?: CatalogWait[];
}
