/**
 * Version-aware reading: a reader pinned to one version of an event sees every event of it as that
 * version. Routes between versions are planned once per registry with the compat engine: the same
 * version passes untouched; a version its readers can read (the pair's BACKWARD or FORWARD
 * verdict) is validated against the reader's version; an older one is upcast step by step through
 * the declared upcasters, each output validated. Anything else, downcasting included, is a
 * VersionMismatchError naming the event, both versions and what is missing.
 */
import { versionReadability } from "../compat/registry-check.ts";
import { EvregError, type Issue } from "../errors.ts";
import type { EventDefinition, Registry, Upcaster, VersionDefinition } from "../registry/define.ts";
import { copyJson, isPlainObject } from "./json-value.ts";
import { issuesFromAjvErrors } from "./payload-issues.ts";
import type { VersionMap } from "./types.ts";
import { type EnvelopeValidator, envelopeValidatorOf, type PrecompiledValidators } from "./validate.ts";

/** An event reached a reader of a version it cannot be turned into. Retrying cannot fix it. */
export class VersionMismatchError extends EvregError {}

interface Step {
  version: VersionDefinition;
  validate: EnvelopeValidator;
  upcaster: Upcaster | undefined;
}

/** How events written with one version reach readers of another; planned once per pair. */
export type Route =
  | { kind: "same" }
  | { kind: "compatible"; validate: EnvelopeValidator }
  | { kind: "upcast"; steps: readonly Step[] }
  | { kind: "mismatch"; issue: Issue };

/** What the router needs of an event: `v` missing means the latest version. */
export interface VersionedEvent {
  name: string;
  data: Record<string, unknown>;
  v?: string | undefined;
}

export interface VersionRouter {
  /** The route from version `from` to version `to` of event `name`; undefined for undeclared events. */
  route(name: string, from: string, to: string): Route | undefined;
  /**
   * `event` as readers on version `to` (default: the latest) see it: the same object when nothing
   * changes, otherwise a copy with the converted `data` and `v: to`. Unversioned and undeclared
   * events pass as they are.
   */
  read<E extends VersionedEvent>(event: E, to?: string): E;
}

function mismatchIssue(
  event: EventDefinition,
  from: string,
  to: string,
  missing?: { from: string; to: string },
): Issue {
  const base = { rule: "event/version-mismatch", severity: "error" as const, event: event.name, path: "/v" };
  if (missing) {
    return {
      ...base,
      message: `a reader of ${to} got an event written with ${from}; ${missing.to} readers cannot read ${missing.from} data and upcast["${missing.to}"] (from ${missing.from}) is not declared`,
      fix: `declare upcast: { "${missing.to}": (old) => ({ ...old /* ${missing.from} data made ${missing.to} data */ }) } on ${event.name}, or pin the handler to { event: "${event.name}", v: "${from}" }`,
    };
  }
  return {
    ...base,
    message: `a reader of ${to} got an event written with the newer ${from}, which ${to} readers cannot read; evreg does not guess a downcast`,
    fix: `pin the handler to { event: "${event.name}", v: "${from}" } or leave it unpinned to read the latest, or make ${from} readable by ${to} readers (compatibility FORWARD or FULL)`,
  };
}

/** Routes of every ordered pair of versions of one event, indexed `[from][to]`. */
function planEvent(event: EventDefinition, validators: PrecompiledValidators | undefined): Route[][] {
  const readable = versionReadability(event);
  const validatorOf = (index: number): EnvelopeValidator =>
    envelopeValidatorOf(event, event.versions[index] as VersionDefinition, validators);
  return event.versions.map((fromVersion, from) =>
    event.versions.map((toVersion, to): Route => {
      if (from === to) return { kind: "same" };
      if (readable[from]?.[to]) return { kind: "compatible", validate: validatorOf(to) };
      if (from > to) return { kind: "mismatch", issue: mismatchIssue(event, fromVersion.v, toVersion.v) };
      const steps: Step[] = [];
      for (let index = from + 1; index <= to; index += 1) {
        const version = event.versions[index] as VersionDefinition;
        const upcaster = event.upcast?.[version.v];
        if (!upcaster && !readable[index - 1]?.[index]) {
          const previous = event.versions[index - 1]?.v ?? "";
          return {
            kind: "mismatch",
            issue: mismatchIssue(event, fromVersion.v, toVersion.v, { from: previous, to: version.v }),
          };
        }
        steps.push({ version, validate: validatorOf(index), upcaster });
      }
      return { kind: "upcast", steps };
    }),
  );
}

function mismatch(name: string, from: string, to: string, issues: readonly Issue[]): VersionMismatchError {
  return new VersionMismatchError(`Cannot read ${name} ${from} as ${to}:`, issues);
}

function schemaIssues(
  validate: EnvelopeValidator,
  envelope: Record<string, unknown>,
  name: string,
  version: string,
  context: string,
): Issue[] {
  return issuesFromAjvErrors(validate.errors ?? [], envelope, { event: name, version, index: 0 }).map(
    ({ index: _index, ...issue }) => ({
      ...issue,
      rule: "event/version-mismatch",
      message: `${context}: ${issue.message}`,
    }),
  );
}

/** Runs the steps of an upcast route on a copy of `data`, validating each upcaster's output. */
function upcastData(
  event: EventDefinition,
  from: string,
  data: Record<string, unknown>,
  steps: readonly Step[],
): Record<string, unknown> {
  let current: Record<string, unknown> = copyJson(data);
  let previous = from;
  let validated = true;
  for (const step of steps) {
    const label = step.version.v;
    if (step.upcaster) {
      let next: unknown;
      try {
        next = step.upcaster(current);
      } catch (error) {
        throw mismatch(event.name, from, label, [
          {
            rule: "event/upcast-failed",
            severity: "error",
            event: event.name,
            message: `upcast["${label}"] threw on ${previous} data: ${(error as Error)?.message ?? String(error)}`,
            fix: `make upcast["${label}"] handle every valid ${previous} payload`,
          },
        ]);
      }
      if (!isPlainObject(next)) {
        throw mismatch(event.name, from, label, [
          {
            rule: "event/upcast-failed",
            severity: "error",
            event: event.name,
            message: `upcast["${label}"] returned ${next === null ? "null" : Array.isArray(next) ? "an array" : typeof next}, not a data object`,
            fix: `return the ${label} data object`,
          },
        ]);
      }
      current = next;
      validated = false;
    }
    const isLast = step === steps.at(-1);
    if (!validated || isLast) {
      const envelope = { name: event.name, data: current, v: label };
      if (!step.validate(envelope)) {
        const context = step.upcaster
          ? `upcast["${label}"] returned data that is not valid ${label} data`
          : `${previous} data is not valid ${label} data`;
        throw mismatch(event.name, from, label, schemaIssues(step.validate, envelope, event.name, label, context));
      }
      validated = true;
    }
    previous = label;
  }
  return current;
}

/** A router over `registry`; plans every event's routes now, so delivery only looks them up. */
export function createVersionRouter(registry: Registry, validators?: PrecompiledValidators): VersionRouter {
  // `latest` repeats `event.latest` for `read`, which runs for every handler: read from the plan,
  // and sparing the index lookup for the latest version, an unpinned read went from 61-65 to 20-30 ns
  const plans = new Map<
    string,
    { event: EventDefinition; latest: string; index: Map<string, number>; routes: Route[][] }
  >();
  for (const event of registry.events) {
    if (!event.versioned || event.versions.length < 2) continue;
    const index = new Map(event.versions.map((version, position) => [version.v, position]));
    plans.set(event.name, { event, latest: event.latest, index, routes: planEvent(event, validators) });
  }

  const route = (name: string, from: string, to: string): Route | undefined => {
    const plan = plans.get(name);
    if (!plan) {
      const event = registry.get(name);
      return event?.versions.some((version) => version.v === to) ? { kind: "same" } : undefined;
    }
    const fromIndex = plan.index.get(from);
    const toIndex = plan.index.get(to);
    return fromIndex === undefined || toIndex === undefined ? undefined : plan.routes[fromIndex]?.[toIndex];
  };

  return {
    route,
    read(event, to) {
      const plan = plans.get(event.name);
      if (!plan) return event;
      const latest = plan.latest;
      const target = to ?? latest;
      const from = event.v ?? latest;
      // the common case, on every run of every handler of the event: its own version, mostly the latest
      if (from === target && (from === latest || plan.index.has(from))) return event;
      const found = route(event.name, from, target);
      if (!found) {
        const known = plan.event.versions.map((version) => version.v).join(", ");
        throw mismatch(event.name, from, target, [
          {
            rule: "event/unknown-version",
            severity: "error",
            event: event.name,
            path: "/v",
            message: `"${plan.index.has(from) ? target : from}" is not a version of ${event.name}; known versions: ${known}`,
            fix: `use one of ${known}`,
          },
        ]);
      }
      switch (found.kind) {
        case "same":
          return event;
        case "compatible": {
          const envelope = { name: event.name, data: event.data, v: target };
          if (!found.validate(envelope)) {
            const context = `${from} data is not valid ${target} data`;
            throw mismatch(
              event.name,
              from,
              target,
              schemaIssues(found.validate, envelope, event.name, target, context),
            );
          }
          return { ...event, v: target };
        }
        case "upcast":
          return { ...event, data: upcastData(plan.event, from, event.data, found.steps), v: target };
        case "mismatch":
          throw mismatch(event.name, from, target, [found.issue]);
      }
    },
  };
}

const routers = new WeakMap<Registry, VersionRouter>();

function routerOf(registry: Registry): VersionRouter {
  let router = routers.get(registry);
  if (!router) {
    router = createVersionRouter(registry);
    routers.set(registry, router);
  }
  return router;
}

type NamesOf<R> = keyof VersionMap<R> & string;
type VersionsOf<R, N extends NamesOf<R>> = keyof VersionMap<R>[N] & string;

/** A stored or received event of `N`, at any of its versions (`v` missing: the latest). */
export interface StoredEvent<N extends string = string> {
  name: N;
  data: Record<string, unknown>;
  v?: string | undefined;
  id?: string | undefined;
  ts?: number | undefined;
}

/** The result of `upcast`: the event at version `V`, its data typed from that version's schema. */
export interface EventAtVersion<N extends string, V extends string, Data> {
  name: N;
  v: V;
  data: Data;
  id?: string | undefined;
  ts?: number | undefined;
}

/**
 * Reads a stored event (e.g. one being replayed) as version `to` of its event, with the registry's
 * upcasters, exactly as the runtime would deliver it to a handler pinned to `to`. The event is
 * first validated against its own version. Throws VersionMismatchError when there is no path.
 */
export function upcast<R extends Registry, const N extends NamesOf<R>, const V extends VersionsOf<R, N>>(
  registry: R,
  event: StoredEvent<N>,
  to: V,
): EventAtVersion<N, V, VersionMap<R>[N][V]> {
  const definition = registry.get(event.name);
  const from = event.v ?? definition?.latest ?? "";
  const own = definition?.versions.find((version) => version.v === from);
  if (!definition || !own || !definition.versions.some((version) => version.v === to)) {
    throw mismatch(event.name, from, to, [
      {
        rule: "event/unknown-version",
        severity: "error",
        event: event.name,
        path: definition ? "/v" : "/name",
        message: definition
          ? `${own ? to : from} is not a version of ${event.name}; known versions: ${definition.versions.map((version) => version.v).join(", ")}`
          : `${event.name} is not declared in the registry`,
        fix: definition ? "use a declared version label" : "declare it with defineEvent, or fix the name",
      },
    ]);
  }
  const validate = envelopeValidatorOf(definition, own);
  const envelope = { name: event.name, data: event.data, ...(definition.versioned ? { v: from } : {}) };
  if (!isPlainObject(event.data) || !validate(envelope)) {
    throw mismatch(
      event.name,
      from,
      to,
      schemaIssues(validate, envelope, event.name, from, `the event is not valid ${from} data`),
    );
  }
  const read = routerOf(registry).read(event, to);
  return (definition.versioned ? read : { ...read, v: to }) as unknown as EventAtVersion<N, V, VersionMap<R>[N][V]>;
}
