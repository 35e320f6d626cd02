/**
 * Sharing property checks before ajv compiles them. The versions of one event repeat most of their
 * fields, and events repeat fields of one another (`id`, `ts`, `orderId`…), so the same subschema
 * at the same instance path occurs thousands of times in a large registry. ajv would compile each
 * occurrence (its cost is per subschema, whatever the subschema holds), and shared-blocks.ts would
 * then fold the identical code back into one `checkN` function: about half of a 1,000-event
 * registry's compile time went into code that was thrown away.
 *
 * Here each property subschema reached from the envelope through `properties` alone (its instance
 * path is a list of property names) is keyed by that path and its JSON. A key occurring at least
 * twice (counting every nesting level, as shared-blocks.ts counts blocks) is compiled once for its
 * JSON, inside a wrapper schema that leads to it through objects, at depth 1:
 *
 *   {type: "object", properties: {plan: <subschema>}}
 *
 * so ajv writes for it the very block it writes inside an envelope (same module-level names, the
 * instance and schema paths `movedBody` then moves to each path it is at; where it cannot, the key
 * is compiled at its own path, in a wrapper of single-property objects). `sharedBodies` turns each
 * block into the body of one shared function, or refuses (a block reading the function around it,
 * see shared-blocks.ts); refused keys stay inline and their own properties are looked at in turn.
 * Outermost keys win: a shared subschema's inner properties are in its body.
 *
 * The first compiles go in batches, one wrapper with a property per subschema (`firstCompiles`):
 * ajv's cost per compile beside the subschemas is about that of a small subschema again. What a
 * batch refuses is compiled alone again, so batches change no body: only ajv's numbering of
 * module-level names differs. At 1,000 events 1,031 compiles became 49 (13 of them refusals
 * compiled again), about a tenth of the compile's time.
 *
 * ajv's `properties` keyword is then replaced, on the code-generating ajv only, by one that calls
 * the shared function where a planned property's block would be:
 *
 *   if(!check4(data1.plan,validate7,instancePath))return false;
 *
 * in ajv's own order, so the first failure reported is ajv's; every other object is left to ajv's
 * own `properties` code. Only the envelopes' own property objects are planned (looked up by
 * identity), never one inside `anyOf`, `items` and the like, so a call always stands in the
 * validate function itself, with `return false` meaning what it means there.
 */
import type { Ajv2020 } from "ajv/dist/2020.js";
import { safeStringify } from "ajv/dist/compile/codegen/code.js";
import { _, getProperty, Name } from "ajv/dist/compile/codegen/index.js";
import { alwaysValidSchema } from "ajv/dist/compile/util.js";
import type { KeywordCxt } from "ajv/dist/compile/validate/index.js";
import type { CodeKeywordDefinition } from "ajv/dist/types/index.js";
import { allSchemaProperties, propertyInData } from "ajv/dist/vocabularies/code.js";
import type { JsonSchemaObject } from "../registry/json-schema.ts";
import { INSTANCE_PATH } from "./ajv-error-sites.ts";

type SchemaNode = Record<string, unknown>;

/** A property name ajv writes as `data.name`, the only form shared-blocks.ts reads. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** Subschemas naming other schemas (`$ref` into the envelope's `$defs`…) never leave their envelope. */
const REFERENCES = /"\$(?:ref|dynamicRef|recursiveRef|id|anchor|dynamicAnchor|defs)"|"definitions"/;

function isNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The property subschemas of `node` worth a key: objects, under identifier names. */
function propertiesOf(node: SchemaNode): [name: string, subschema: SchemaNode][] {
  const properties = node.properties;
  if (!isNode(properties)) return [];
  return Object.entries(properties).filter(
    (entry): entry is [string, SchemaNode] => IDENTIFIER.test(entry[0]) && isNode(entry[1]),
  );
}

/** The schema leading to `subschema` at `path` through single-property objects. */
function wrapperOf(path: readonly string[], subschema: SchemaNode): JsonSchemaObject {
  return path.reduceRight<SchemaNode>((inner, name) => ({ type: "object", properties: { [name]: inner } }), subschema);
}

/**
 * A subschema that is a string constant alone (an envelope's `name`, a `z.literal`). ajv's code for
 * one differs from another's only in the string, which it writes as a literal (in the test and in
 * the error's `allowedValue`): all of them at one path share one compile, of PLACEHOLDER, and each
 * body is that one with its own literal in place of PLACEHOLDER's. At 1,000 events that is one
 * compile instead of 669, one per event with versions.
 */
const CONST_STRING = /^\{"const":("(?:[^"\\]|\\.)*")\}$/;
const PLACEHOLDER = "evreg\u0000const";
const PLACEHOLDER_JSON = JSON.stringify({ const: PLACEHOLDER });

/** What stands before an instance path literal that starts a path (see `movedBody`). */
const INSTANCE_PATH_STARTS = ["instancePath+", "instancePath,", "instancePath,["];

/** ajv's instance path and schema path of the value at `path` (property names from the root). */
function pathsOf(path: readonly string[]): [instancePath: string, schemaPath: string] {
  return [`/${path.join("/")}`, `#/properties/${path.join("/properties/")}`];
}

/**
 * The body compiled for a subschema (as JSON) at `from`, as ajv writes it at `to`: the only text
 * depending on where a block is are its error sites' instance paths and schema paths, string
 * literals starting with the value's own (`"/data/plan`, `"#/properties/data/properties/plan`).
 * An instance path literal is the start of a path only right after `instancePath` (`instancePath+"…`,
 * failAt's `instancePath,"…` and `instancePath,["…`); one after an array index (`i0+"/plan"`,
 * `[…,$2,"/plan"]`) continues a path and stays. Undefined, so the caller compiles, when other text
 * could look the same: a body naming its wrapper's schema literal (`schema12.properties…`, a long
 * enum), or a subschema holding such a string itself.
 */
export function movedBody(
  body: string,
  from: readonly string[],
  to: readonly string[],
  json: string,
): string | undefined {
  const [fromInstance, fromSchema] = pathsOf(from);
  const [toInstance, toSchema] = pathsOf(to);
  if (/\bschema\d/.test(body) || [fromInstance, toInstance, "#/"].some((text) => json.includes(text))) return undefined;
  let moved = body;
  for (const end of ['"', "/"]) {
    moved = moved.replaceAll(`"${fromSchema}${end}`, `"${toSchema}${end}`);
    for (const start of INSTANCE_PATH_STARTS)
      moved = moved.replaceAll(`${start}"${fromInstance}${end}`, `${start}"${toInstance}${end}`);
  }
  return moved;
}

/** Subschemas ajv counts errors for (see error-sites.ts `withoutErrorCounting`): never batched. */
const COUNTS_ERRORS = /"(?:anyOf|oneOf|not|allOf|if|contains|propertyNames|dependentSchemas|\$ref)":/;
/** At most this many subschemas per batch (measured at 1,000 events: 8 and 128 were no faster). */
const BATCH = 32;

/**
 * The subschemas the plan compiles first, in batches (see above): in the order the plan meets
 * them, each batch's names distinct. Subschemas of string constants, with references, or counting
 * errors are left to the plan, which compiles them one at a time.
 */
function firstCompiles(
  envelopes: readonly JsonSchemaObject[],
  sites: ReadonlyMap<SchemaNode, { json: string; key: string }>,
  counts: ReadonlyMap<string, number>,
): [json: string, name: string][][] {
  const queued = new Set<string>();
  const batches: [string, string][][] = [];
  /** The batches of each layer, where the Nth subschema first seen at a name goes to layer N. */
  const layers: [string, string][][][] = [];
  const seenAt = new Map<string, number>();
  const collect = (node: SchemaNode) => {
    for (const [name, subschema] of propertiesOf(node)) {
      const { json, key } = sites.get(subschema) as { json: string; key: string };
      // as the plan goes: into what is not shared, never into what is (outermost wins)
      if ((counts.get(key) as number) < 2 || CONST_STRING.test(json)) collect(subschema);
      else if (!queued.has(json) && !REFERENCES.test(json) && !COUNTS_ERRORS.test(json)) {
        queued.add(json);
        const layer = seenAt.get(name) ?? 0;
        seenAt.set(name, layer + 1);
        const open = layers[layer] ?? [];
        layers[layer] = open;
        let batch = open[open.length - 1];
        if (batch === undefined || batch.length === BATCH) {
          batch = [];
          open.push(batch);
          batches.push(batch);
        }
        batch.push([json, name]);
      }
    }
  };
  for (const envelope of envelopes) collect(envelope);
  return batches;
}

/**
 * Plans the shared property checks of `envelopes` (the very objects ajv is then given, to compile),
 * replaces in them each planned property's subschema by `true`, and installs the `properties`
 * keyword calling the checks on `ajv`. `sharedBodies` compiles a wrapper (see above) and
 * returns the shared function body of the block at each of `paths`, or undefined. Returns the bodies, in
 * order: the function called `checkN` has the Nth.
 */
export function sharePropertyChecks(
  ajv: Ajv2020,
  envelopes: readonly JsonSchemaObject[],
  sharedBodies: (wrapper: JsonSchemaObject, paths: readonly (readonly string[])[]) => (string | undefined)[],
): string[] {
  /** Each property subschema's JSON and key (its path, then its JSON): objects are never shared (below). */
  const sites = new Map<SchemaNode, { json: string; key: string }>();
  const counts = new Map<string, number>();
  const seen = new WeakSet<object>();
  const count = (node: SchemaNode, path: readonly string[]) => {
    // the plan goes by object (the object holding `properties`): one reached at two paths would get the calls of both
    if (seen.has(node)) throw new Error("evreg: envelopes given to sharePropertyChecks share objects; pass copies");
    seen.add(node);
    for (const [name, subschema] of propertiesOf(node)) {
      const inner = [...path, name];
      const json = JSON.stringify(subschema);
      const key = `${inner.join("/")} ${json}`;
      sites.set(subschema, { json, key });
      counts.set(key, (counts.get(key) ?? 0) + 1);
      count(subschema, inner);
    }
  };
  for (const envelope of envelopes) count(envelope, []);

  const bodies: string[] = [];
  const functionOfBody = new Map<string, Name>();
  /** The first body compiled for each subschema, by JSON, and where. */
  const compiled = new Map<string, { path: readonly string[]; body: string | undefined }>();
  // a copy: the wrapper shares no object with an envelope, so no plan below applies inside it
  const compile = (json: string, path: readonly string[]) =>
    sharedBodies(wrapperOf(path, JSON.parse(json) as SchemaNode), [path])[0];
  for (const batch of firstCompiles(envelopes, sites, counts)) {
    const wrapper = {
      type: "object",
      properties: Object.fromEntries(batch.map(([json, name]) => [name, JSON.parse(json)])),
    };
    const found =
      batch.length > 1
        ? sharedBodies(
            wrapper,
            batch.map(([, name]) => [name]),
          )
        : [];
    batch.forEach(([json, name], index) => {
      // refused in a batch, perhaps for another's sake (its function still counts errors): alone, as ever
      compiled.set(json, { path: [name], body: found[index] ?? compile(json, [name]) });
    });
  }
  const bodyOf = (json: string, path: readonly string[]): string | undefined => {
    if (REFERENCES.test(json)) return undefined;
    const constant = CONST_STRING.exec(json);
    const value = constant && json !== PLACEHOLDER_JSON ? (JSON.parse(constant[1] as string) as string) : undefined;
    if (value !== undefined && !value.includes(PLACEHOLDER)) {
      // a body not writing the string as a literal cannot be given another: such a constant stays inline
      const template = bodyOf(PLACEHOLDER_JSON, path);
      const literal = safeStringify(PLACEHOLDER);
      return template?.includes(literal) ? template.replaceAll(literal, safeStringify(value)) : undefined;
    }
    let first = compiled.get(json);
    if (first === undefined) {
      // first compiled at depth 1, the shortest wrapper (each level above costs ajv a subschema), then moved
      const shortest = path.slice(-1);
      first = { path: shortest, body: compile(json, shortest) };
      compiled.set(json, first);
    }
    // whether a block can be shared does not depend on where it is
    if (first.body === undefined) return undefined;
    return movedBody(first.body, first.path, path, json) ?? compile(json, path);
  };
  const functionOfKey = new Map<string, Name | undefined>();
  const sharedFunction = (subschema: SchemaNode, path: readonly string[]): Name | undefined => {
    const { json, key } = sites.get(subschema) as { json: string; key: string };
    if ((counts.get(key) as number) < 2) return undefined;
    if (functionOfKey.has(key)) return functionOfKey.get(key);
    const body = bodyOf(json, path);
    let name = body === undefined ? undefined : functionOfBody.get(body);
    if (body !== undefined && name === undefined) {
      name = new Name(`check${bodies.push(body) - 1}`);
      functionOfBody.set(body, name);
    }
    functionOfKey.set(key, name);
    return name;
  };
  const planned = new WeakMap<object, Map<string, Name>>();
  /** `keep`: the planned subschemas stay in the envelope ajv compiles (see below). */
  const plan = (node: SchemaNode, path: readonly string[], keep: boolean) => {
    const calls = new Map<string, Name>();
    for (const [name, subschema] of propertiesOf(node)) {
      const inner = [...path, name];
      const shared = sharedFunction(subschema, inner);
      if (shared === undefined) plan(subschema, inner, keep);
      else calls.set(name, shared);
    }
    if (calls.size === 0) return;
    planned.set(node, calls);
    if (keep) return;
    // ajv never reads a planned property's subschema (the call stands for its block), so it need
    // not walk it either: it resolves and stringifies each envelope it compiles, all of it
    const properties = node.properties as SchemaNode;
    for (const name of calls.keys()) properties[name] = true;
  };
  for (const envelope of envelopes) {
    // zod refers to `$defs` and to the data's root (`#/properties/data`, registry/json-schema.ts),
    // never into a subschema it shares; any `$ref` into the properties keeps them all, to be safe
    const texts = propertiesOf(envelope).map(([, subschema]) => sites.get(subschema)?.json ?? "");
    if (envelope.$defs !== undefined) texts.push(JSON.stringify(envelope.$defs));
    plan(
      envelope,
      [],
      texts.some((text) => text.includes('"$ref":"#/properties/')),
    );
  }

  const builtin = ajv.getKeyword("properties") as CodeKeywordDefinition;
  ajv.removeKeyword("properties");
  ajv.addKeyword({
    ...builtin,
    type: "object",
    schemaType: "object",
    // back in its place among the object keywords, so checks keep ajv's order
    before: "patternProperties",
    code(cxt: KeywordCxt) {
      const calls = planned.get(cxt.parentSchema as object);
      const { gen, schema, data, it } = cxt;
      const { opts } = it;
      if (calls === undefined) return builtin.code(cxt);
      // a planned object is an envelope's own, reached through `properties` alone, and ajv's
      // options are createValidatorAjv's: its subschemas are gone (above), so ajv's code cannot stand in
      if (it.compositeRule || opts.allErrors || opts.useDefaults || opts.removeAdditional || opts.unevaluated)
        throw new Error("evreg: shared property checks need createValidatorAjv's options, outside anyOf and the like");
      // ajv's own `properties` code (ajv/dist/vocabularies/applicator/properties.js) for the options
      // of createValidatorAjv, with a call in place of each planned property's block
      const valid = gen.name("valid");
      for (const name of allSchemaProperties(schema)) {
        it.definedProperties.add(name);
        const shared = calls.get(name);
        if (shared !== undefined) {
          // one statement, as shared-blocks.ts writes its calls (ajv's `gen.if` would add braces)
          gen.code(_`if(!${shared}(${data}${getProperty(name)},${it.validateName},${INSTANCE_PATH}))return false`);
        } else if (!alwaysValidSchema(it, schema[name])) {
          gen.if(propertyInData(gen, data, name, it.opts.ownProperties));
          cxt.subschema({ keyword: "properties", schemaProp: name, dataProp: name }, valid);
          gen.else().var(valid, true);
          gen.endIf();
          cxt.ok(valid);
        }
      }
    },
  });
  return bodies;
}
