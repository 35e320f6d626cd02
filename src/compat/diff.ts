/**
 * JSON Schema diff: walks an old and a new schema side by side and reports typed changes (kinds in
 * ./kinds.ts) with JSON pointer paths, each judged for BACKWARD (new reader, old data) and FORWARD
 * (old reader, new data). Modelled on Confluent Schema Registry's JSON Schema rules, with the
 * verdict of each change computed from its context (open, closed or partially open objects and
 * tuples, anyOf/oneOf branch matching, finite `enum`/`const` sets decided by evaluation).
 * `$ref`s are followed with a guard: a pair of schemas already being compared counts as compatible.
 */
import { pointerSegment } from "../errors.ts";
import { CHECK_FORMATS, type JsonSchema, type JsonSchemaObject } from "../registry/json-schema.ts";
import { canonicalJson, jsonEqual, sameJson } from "./canonical.ts";
import {
  ANNOTATION_KEYWORDS,
  type Dialect,
  deref,
  isSchemaObject,
  type Located,
  loadSchemaDocument,
  type SchemaDocument,
} from "./document.ts";
import { arrayShape, compilePattern, valueMatches } from "./instance.ts";
import { CHANGE_KINDS, type ChangeKind, type SchemaChange } from "./kinds.ts";

export interface DiffOptions {
  /**
   * Who may put an undeclared property into data. `"anything"` (default, Confluent's reading): an
   * open object's data may carry any property. `"declared-only"`: writers emit only properties their
   * schema declares (typed producers, zod objects), so declaring a new optional property is safe.
   */
  undeclaredProperties?: "anything" | "declared-only";
  /** `format`, `contentEncoding` and `contentMediaType` are constraints (default) or annotations. */
  formatAssertion?: boolean;
  /** Dialect of a document without `$schema` (default 2020-12). */
  dialect?: Dialect;
}

type Options = Required<DiffOptions>;

/** A located schema already known to be an object (booleans are handled before). */
interface ObjectLocated {
  schema: JsonSchemaObject;
  doc: SchemaDocument;
}

const ALL_TYPES = ["null", "boolean", "object", "array", "number", "string"] as const;

/** Diffs two raw JSON Schema documents. Throws a CompatibilityError on input that is not a schema. */
export function diffSchemas(oldSchema: unknown, newSchema: unknown, options: DiffOptions = {}): SchemaChange[] {
  const settings: Options = {
    undeclaredProperties: options.undeclaredProperties ?? "anything",
    formatAssertion: options.formatAssertion ?? true,
    dialect: options.dialect ?? "2020-12",
  };
  const oldDoc = loadSchemaDocument(oldSchema, "old schema", settings.dialect);
  const newDoc = loadSchemaDocument(newSchema, "new schema", settings.dialect);
  return new SchemaDiffer(settings).compare(
    { schema: oldDoc.root, doc: oldDoc },
    { schema: newDoc.root, doc: newDoc },
    "",
  );
}

/** Keys that make equal text no proof of equal meaning: they may resolve differently in each document. */
const REFERENCE_KEYWORDS = new Set(["$ref", "$dynamicRef", "$recursiveRef"]);

const isBackward = (changes: readonly SchemaChange[]) => changes.every((change) => change.backward);
const isForward = (changes: readonly SchemaChange[]) => changes.every((change) => change.forward);

function change(kind: ChangeKind, path: string, backward: boolean, forward: boolean, detail?: string): SchemaChange {
  const about = CHANGE_KINDS[kind].about;
  return { kind, path: path || "/", backward, forward, message: detail ? `${about}: ${detail}` : about };
}

const show = (value: unknown) => (value === undefined ? "none" : JSON.stringify(value));

class SchemaDiffer {
  private readonly active = new Map<object, Set<object>>();

  constructor(private readonly options: Options) {}

  compare(oldIn: Located, newIn: Located, path: string): SchemaChange[] {
    const o = this.flatten(deref(oldIn, path));
    const n = this.flatten(deref(newIn, path));
    // the same text accepts the same instances: most of a new version is its predecessor's
    if (o.doc.dialect === n.doc.dialect && sameJson(o.schema, n.schema, REFERENCE_KEYWORDS)) return [];
    const oldEmpty = acceptsNothing(o);
    const newEmpty = acceptsNothing(n);
    if (oldEmpty || newEmpty) return this.compareFalse(oldEmpty, newEmpty, path);
    const os = asObject(o.schema);
    const ns = asObject(n.schema);
    // Recursion guard: the same pair further down a recursive schema adds nothing new.
    const seen = this.active.get(os) ?? new Set<object>();
    if (seen.has(ns)) return [];
    this.active.set(os, seen);
    seen.add(ns);
    try {
      return this.compareObjects({ schema: os, doc: o.doc }, { schema: ns, doc: n.doc }, path);
    } finally {
      seen.delete(ns);
    }
  }

  private compareFalse(oldEmpty: boolean, newEmpty: boolean, path: string): SchemaChange[] {
    if (oldEmpty && newEmpty) return [];
    if (oldEmpty) return [change("FALSE_SCHEMA_WIDENED", path, true, false)];
    return [change("SCHEMA_NARROWED_TO_FALSE", path, false, true)];
  }

  /** Merges `allOf` conjuncts into the schema where no keyword conflicts, so `allOf: [A, B]` diffs as A+B. */
  private flatten(located: Located): Located {
    const schema = located.schema;
    if (!isSchemaObject(schema) || !Array.isArray(schema.allOf)) return located;
    const merged: JsonSchemaObject = { ...schema };
    delete merged.allOf;
    const kept: JsonSchema[] = [];
    const visited = new Set<unknown>([schema]);
    let selfReference = false;
    const absorb = (conjunct: JsonSchema): boolean => {
      const resolved = deref({ schema: conjunct, doc: located.doc }, "");
      // A conjunct that leads back here without consuming data: the least fixed point is empty.
      if (resolved.schema === schema) {
        selfReference = true;
        return true;
      }
      if (visited.has(resolved.schema)) return true;
      visited.add(resolved.schema);
      if (resolved.schema === true) return true;
      if (resolved.schema === false) return false;
      const part = resolved.schema as JsonSchemaObject;
      if (Array.isArray(part.allOf)) {
        const { allOf, ...rest } = part;
        for (const inner of allOf as JsonSchema[]) if (!absorb(inner)) kept.push(inner);
        return absorb(rest);
      }
      if (!canMerge(merged, part)) return false;
      mergeInto(merged, part);
      return true;
    };
    // allOf is unordered: merging in a canonical order makes `[A, B]` and `[B, A]` diff alike (zod
    // writes chained string checks, `.startsWith(a).endsWith(b)`, as allOf parts in call order)
    const conjuncts = (schema.allOf as JsonSchema[])
      .map((conjunct) => ({ conjunct, key: canonicalJson(conjunct) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { conjunct } of conjuncts) {
      if (conjunct === false) return { schema: false, doc: located.doc };
      if (!absorb(conjunct)) kept.push(conjunct);
    }
    if (selfReference) return { schema: false, doc: located.doc };
    if (kept.length > 0) merged.allOf = kept;
    located.doc.bases.set(merged, located.doc.bases.get(schema) ?? "evreg:/schema.json");
    return { schema: merged, doc: located.doc };
  }

  private compareObjects(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const os = o.schema;
    const ns = n.schema;
    if (hasSum(os) || hasSum(ns)) return this.compareSums(o, n, path);
    if (Array.isArray(os.allOf) || Array.isArray(ns.allOf)) return this.compareProducts(o, n, path);
    const changes = annotationChanges(os, ns, path);
    const finite = this.compareFinite(o, n, path);
    if (finite) return [...changes, ...finite];
    const oldTypes = typeSet(os);
    const newTypes = typeSet(ns);
    const typeChange = compareTypeSets(oldTypes, newTypes, path);
    if (typeChange) changes.push(typeChange);
    const both = (...types: string[]) => types.some((t) => overlaps(oldTypes, t) && overlaps(newTypes, t));
    if (both("string")) changes.push(...this.compareStrings(os, ns, path));
    if (both("number", "integer"))
      changes.push(...compareNumbers(os, ns, path, isIntegerOnly(oldTypes) && isIntegerOnly(newTypes)));
    if (both("object")) changes.push(...this.compareObjectKeywords(o, n, path));
    if (both("array")) changes.push(...this.compareArrays(o, n, path));
    changes.push(...this.compareNot(o, n, path));
    changes.push(...this.compareConditional(o, n, path));
    return dedupe(changes);
  }

  // --- finite sets: enum, const, and what they are compared with ---------------------------------

  private compareFinite(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] | undefined {
    const oldExplicit = explicitValues(o.schema);
    const newExplicit = explicitValues(n.schema);
    const oldValues = finiteValues(o);
    const newValues = finiteValues(n);
    if (!oldExplicit && !newExplicit && !(oldValues && newValues)) return undefined;
    const backward = oldValues ? oldValues.every((value) => valueMatches(n, value)) : false;
    const forward = newValues ? newValues.every((value) => valueMatches(o, value)) : false;
    if (backward && forward && oldExplicit && newExplicit && oldValues?.length === newValues?.length) return [];
    const detail = `${show(oldValues ?? "any value")} -> ${show(newValues ?? "any value")}`;
    const isConst = "const" in o.schema || "const" in n.schema;
    let kind: ChangeKind;
    if (oldExplicit && newExplicit) {
      kind = isConst
        ? "CONST_CHANGED"
        : backward
          ? "ENUM_ARRAY_EXTENDED"
          : forward
            ? "ENUM_ARRAY_NARROWED"
            : "ENUM_ARRAY_CHANGED";
      if (isConst && backward) kind = "ENUM_ARRAY_EXTENDED";
      if (isConst && forward && !backward) kind = "ENUM_ARRAY_NARROWED";
    } else if (newExplicit) kind = "const" in n.schema ? "CONST_ADDED" : "ENUM_ARRAY_ADDED";
    else if (oldExplicit) kind = "const" in o.schema ? "CONST_REMOVED" : "ENUM_ARRAY_REMOVED";
    else kind = backward ? "TYPE_EXTENDED" : forward ? "TYPE_NARROWED" : "TYPE_CHANGED";
    if (backward && forward) return [];
    return [change(kind, path, backward, forward, detail)];
  }

  // --- strings -----------------------------------------------------------------------------------

  private compareStrings(os: JsonSchemaObject, ns: JsonSchemaObject, path: string): SchemaChange[] {
    const changes = [
      ...compareBound(os.maxLength, ns.maxLength, "upper", "MAX_LENGTH", `${path}/maxLength`),
      ...compareBound(os.minLength, ns.minLength, "lower", "MIN_LENGTH", `${path}/minLength`),
    ];
    changes.push(...compareRestriction(os.pattern, ns.pattern, "PATTERN", `${path}/pattern`));
    if (this.options.formatAssertion) {
      changes.push(...compareRestriction(assertedFormat(os), assertedFormat(ns), "FORMAT", `${path}/format`));
      changes.push(
        ...compareRestriction(os.contentEncoding, ns.contentEncoding, "CONTENT_ENCODING", `${path}/contentEncoding`),
      );
      changes.push(
        ...compareRestriction(
          os.contentMediaType,
          ns.contentMediaType,
          "CONTENT_MEDIA_TYPE",
          `${path}/contentMediaType`,
        ),
      );
    }
    return changes;
  }

  // --- objects -----------------------------------------------------------------------------------

  private compareObjectKeywords(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const os = o.schema;
    const ns = n.schema;
    const changes: SchemaChange[] = [];
    const oldProperties = schemaMap(os.properties);
    const newProperties = schemaMap(ns.properties);
    const at = (schema: unknown, located: Located): Located => ({ schema: schema as JsonSchema, doc: located.doc });
    const declaredOnly = this.options.undeclaredProperties === "declared-only";
    for (const key of unionKeys(oldProperties, newProperties)) {
      const keyPath = `${path}/properties/${pointerSegment(key)}`;
      const oldProperty = oldProperties[key];
      const newProperty = newProperties[key];
      if (oldProperty !== undefined && newProperty !== undefined) {
        changes.push(...this.compare(at(oldProperty, o), at(newProperty, n), keyPath));
      } else if (newProperty !== undefined) {
        const { model, schema } = undeclaredSchema(os, key);
        const sub = this.compare(at(schema, o), at(newProperty, n), keyPath);
        const trivial = isTrivial(deref(at(newProperty, n), keyPath));
        const kind: ChangeKind =
          model === "open"
            ? trivial
              ? "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
              : "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
            : model === "closed"
              ? "PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL"
              : "PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL";
        const writersDeclare = (declaredOnly && isSchemaObject(os.properties)) || !this.nameAllowed(o, key);
        changes.push(change(kind, keyPath, writersDeclare || isBackward(sub), isForward(sub), `property "${key}"`));
      } else {
        const { model, schema } = undeclaredSchema(ns, key);
        const sub = this.compare(at(oldProperty, o), at(schema, n), keyPath);
        const forbidden = deref(at(oldProperty, o), keyPath).schema === false;
        const kind: ChangeKind =
          model === "open"
            ? "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"
            : model === "closed"
              ? forbidden
                ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
                : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"
              : "PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL";
        const writersDeclare = (declaredOnly && isSchemaObject(ns.properties)) || !this.nameAllowed(n, key);
        changes.push(change(kind, keyPath, isBackward(sub), writersDeclare || isForward(sub), `property "${key}"`));
      }
    }
    changes.push(...this.compareRequired(os, ns, newProperties, n, path));
    changes.push(...this.comparePatternProperties(o, n, path));
    for (const keyword of ["additionalProperties", "unevaluatedProperties"] as const) {
      changes.push(...this.compareExtraProperties(o, n, keyword, path));
    }
    if (os.propertyNames !== undefined || ns.propertyNames !== undefined) {
      changes.push(...this.compareOptionalSchema(o, n, "propertyNames", "PROPERTY_NAMES", path));
    }
    changes.push(
      ...compareBound(maxPropertiesOf(os), maxPropertiesOf(ns), "upper", "MAX_PROPERTIES", `${path}/maxProperties`),
    );
    changes.push(
      ...compareBound(os.minProperties, ns.minProperties, "lower", "MIN_PROPERTIES", `${path}/minProperties`),
    );
    changes.push(...this.compareDependencies(o, n, path));
    return changes;
  }

  /** Whether `propertyNames` lets `key` appear at all. */
  private nameAllowed(located: ObjectLocated, key: string): boolean {
    const names = located.schema.propertyNames;
    return names === undefined || valueMatches({ schema: names as JsonSchema, doc: located.doc }, key);
  }

  private compareRequired(
    os: JsonSchemaObject,
    ns: JsonSchemaObject,
    newProperties: Record<string, unknown>,
    n: Located,
    path: string,
  ): SchemaChange[] {
    const oldRequired = new Set(stringList(os.required));
    const newRequired = new Set(stringList(ns.required));
    const changes: SchemaChange[] = [];
    for (const key of newRequired) {
      if (oldRequired.has(key)) continue;
      const property = newProperties[key];
      const withDefault =
        property !== undefined &&
        isSchemaObject(deref({ schema: property as JsonSchema, doc: n.doc }, "").schema) &&
        "default" in (deref({ schema: property as JsonSchema, doc: n.doc }, "").schema as JsonSchemaObject);
      changes.push(
        withDefault
          ? change(
              "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED",
              `${path}/required/${pointerSegment(key)}`,
              true,
              true,
              `"${key}"`,
            )
          : change("REQUIRED_PROPERTY_ADDED", `${path}/required/${pointerSegment(key)}`, false, true, `"${key}"`),
      );
    }
    for (const key of oldRequired) {
      if (!newRequired.has(key))
        changes.push(
          change("REQUIRED_PROPERTY_REMOVED", `${path}/required/${pointerSegment(key)}`, true, false, `"${key}"`),
        );
    }
    return changes;
  }

  private comparePatternProperties(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const oldPatterns = schemaMap(o.schema.patternProperties);
    const newPatterns = schemaMap(n.schema.patternProperties);
    const changes: SchemaChange[] = [];
    const at = (schema: unknown, located: Located): Located => ({ schema: schema as JsonSchema, doc: located.doc });
    for (const pattern of unionKeys(oldPatterns, newPatterns)) {
      const patternPath = `${path}/patternProperties/${pointerSegment(pattern)}`;
      const oldSchema = oldPatterns[pattern];
      const newSchema = newPatterns[pattern];
      if (oldSchema !== undefined && newSchema !== undefined)
        changes.push(...this.compare(at(oldSchema, o), at(newSchema, n), patternPath));
      else if (newSchema !== undefined) {
        const sub = this.compare(at(extraSchema(o.schema), o), at(newSchema, n), patternPath);
        if (!isBackward(sub) || !isForward(sub))
          changes.push(change("PATTERN_PROPERTY_ADDED", patternPath, isBackward(sub), isForward(sub), pattern));
      } else {
        const sub = this.compare(at(oldSchema, o), at(extraSchema(n.schema), n), patternPath);
        if (!isBackward(sub) || !isForward(sub))
          changes.push(change("PATTERN_PROPERTY_REMOVED", patternPath, isBackward(sub), isForward(sub), pattern));
      }
    }
    return changes;
  }

  private compareExtraProperties(
    o: ObjectLocated,
    n: ObjectLocated,
    keyword: "additionalProperties" | "unevaluatedProperties",
    path: string,
  ): SchemaChange[] {
    const oldExtra = o.schema[keyword] as JsonSchema | undefined;
    const newExtra = n.schema[keyword] as JsonSchema | undefined;
    if (oldExtra === undefined && newExtra === undefined) return [];
    const prefix = keyword === "additionalProperties" ? "ADDITIONAL_PROPERTIES" : "UNEVALUATED_PROPERTIES";
    const keywordPath = `${path}/${keyword}`;
    const oldLocated = deref({ schema: oldExtra ?? true, doc: o.doc }, keywordPath);
    const newLocated = deref({ schema: newExtra ?? true, doc: n.doc }, keywordPath);
    const declaredOnly = this.options.undeclaredProperties === "declared-only";
    const oldWritersDeclare = declaredOnly && isSchemaObject(o.schema.properties);
    const newWritersDeclare = declaredOnly && isSchemaObject(n.schema.properties);
    const oldOpen = isTrivial(oldLocated);
    const newOpen = isTrivial(newLocated);
    if (oldOpen && newOpen) return [];
    if (!oldOpen && !newOpen && oldLocated.schema !== false && newLocated.schema !== false) {
      return this.compare(oldLocated, newLocated, keywordPath);
    }
    const sub = this.compare(oldLocated, newLocated, keywordPath);
    const backward = oldWritersDeclare || isBackward(sub);
    const forward = newWritersDeclare || isForward(sub);
    const kind = (
      newLocated.schema === false
        ? `${prefix}_REMOVED`
        : oldLocated.schema === false
          ? `${prefix}_ADDED`
          : newOpen
            ? `${prefix}_EXTENDED`
            : `${prefix}_NARROWED`
    ) as ChangeKind;
    return backward && forward
      ? []
      : [change(kind, keywordPath, backward, forward, `${show(oldExtra)} -> ${show(newExtra)}`)];
  }

  private compareDependencies(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const changes: SchemaChange[] = [];
    const split = (schema: JsonSchemaObject) => {
      const arrays: Record<string, string[]> = {};
      const schemas: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(schemaMap(schema.dependentRequired))) arrays[key] = stringList(value);
      for (const [key, value] of Object.entries(schemaMap(schema.dependentSchemas))) schemas[key] = value;
      for (const [key, value] of Object.entries(schemaMap(schema.dependencies))) {
        if (Array.isArray(value)) arrays[key] = stringList(value);
        else schemas[key] = value;
      }
      return { arrays, schemas };
    };
    const oldDeps = split(o.schema);
    const newDeps = split(n.schema);
    for (const key of unionKeys(oldDeps.arrays, newDeps.arrays)) {
      const keyPath = `${path}/dependentRequired/${pointerSegment(key)}`;
      const before = oldDeps.arrays[key];
      const after = newDeps.arrays[key];
      if (before === undefined) changes.push(change("DEPENDENCY_ARRAY_ADDED", keyPath, false, true, key));
      else if (after === undefined) changes.push(change("DEPENDENCY_ARRAY_REMOVED", keyPath, true, false, key));
      else {
        const extended = after.every((name) => before.includes(name)) ? undefined : true;
        const narrowed = before.every((name) => after.includes(name)) ? undefined : true;
        if (extended && narrowed) changes.push(change("DEPENDENCY_ARRAY_CHANGED", keyPath, false, false, key));
        else if (extended) changes.push(change("DEPENDENCY_ARRAY_EXTENDED", keyPath, false, true, key));
        else if (narrowed) changes.push(change("DEPENDENCY_ARRAY_NARROWED", keyPath, true, false, key));
      }
    }
    for (const key of unionKeys(oldDeps.schemas, newDeps.schemas)) {
      const keyPath = `${path}/dependentSchemas/${pointerSegment(key)}`;
      const before = oldDeps.schemas[key];
      const after = newDeps.schemas[key];
      if (before === undefined) changes.push(change("DEPENDENCY_SCHEMA_ADDED", keyPath, false, true, key));
      else if (after === undefined) changes.push(change("DEPENDENCY_SCHEMA_REMOVED", keyPath, true, false, key));
      else
        changes.push(
          ...this.compare(
            { schema: before as JsonSchema, doc: o.doc },
            { schema: after as JsonSchema, doc: n.doc },
            keyPath,
          ),
        );
    }
    return changes;
  }

  /** A keyword holding one schema that restricts when present (`propertyNames`, `contains`). */
  private compareOptionalSchema(
    o: ObjectLocated,
    n: ObjectLocated,
    keyword: string,
    prefix: "PROPERTY_NAMES" | "CONTAINS",
    path: string,
  ): SchemaChange[] {
    const before = o.schema[keyword] as JsonSchema | undefined;
    const after = n.schema[keyword] as JsonSchema | undefined;
    const keywordPath = `${path}/${keyword}`;
    if (before === undefined && after === undefined) return [];
    if (before === undefined) {
      const trivial =
        prefix === "PROPERTY_NAMES" && isTrivial(deref({ schema: after as JsonSchema, doc: n.doc }, keywordPath));
      return trivial ? [] : [change(`${prefix}_ADDED`, keywordPath, false, true)];
    }
    if (after === undefined) {
      const trivial = prefix === "PROPERTY_NAMES" && isTrivial(deref({ schema: before, doc: o.doc }, keywordPath));
      return trivial ? [] : [change(`${prefix}_REMOVED`, keywordPath, true, false)];
    }
    const sub = this.compare({ schema: before, doc: o.doc }, { schema: after, doc: n.doc }, keywordPath);
    // `contains` asks for at least one match: a wider contains schema is easier to satisfy.
    return sub;
  }

  // --- arrays ------------------------------------------------------------------------------------

  private compareArrays(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const oldShape = arrayShape(o, o.schema);
    const newShape = arrayShape(n, n.schema);
    const changes: SchemaChange[] = [];
    const at = (schema: unknown, located: Located): Located => ({
      schema: (schema ?? true) as JsonSchema,
      doc: located.doc,
    });
    const positions = Math.max(oldShape.prefix.length, newShape.prefix.length);
    const oldMax = maxItemsOf(o.schema, oldShape);
    const newMax = maxItemsOf(n.schema, newShape);
    for (let index = 0; index < positions; index += 1) {
      const inOld = index < oldShape.prefix.length;
      const inNew = index < newShape.prefix.length;
      const itemPath = `${path}/${inNew ? newShape.prefixKeyword : oldShape.prefixKeyword}/${index}`;
      // Positions past a maxItems can never hold data on that side.
      const oldItem = oldMax !== undefined && index >= oldMax ? false : inOld ? oldShape.prefix[index] : oldShape.rest;
      const newItem = newMax !== undefined && index >= newMax ? false : inNew ? newShape.prefix[index] : newShape.rest;
      const sub = this.compare(at(oldItem, o), at(newItem, n), itemPath);
      if (inOld && inNew) {
        changes.push(...sub);
        continue;
      }
      if (isBackward(sub) && isForward(sub)) continue;
      const other = deref(at(inOld ? newItem : oldItem, inOld ? n : o), itemPath);
      const model = isTrivial(other) ? "OPEN" : other.schema === false ? "CLOSED" : "PARTIALLY_OPEN";
      const kind = (
        inOld
          ? model === "CLOSED" && deref(at(oldItem, o), itemPath).schema === false
            ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"
            : `ITEM_REMOVED_FROM_${model}_CONTENT_MODEL`
          : model === "OPEN" && isTrivial(deref(at(newItem, n), itemPath))
            ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
            : `ITEM_ADDED_TO_${model}_CONTENT_MODEL`
      ) as ChangeKind;
      changes.push(change(kind, itemPath, isBackward(sub), isForward(sub), `position ${index}`));
    }
    changes.push(...this.compareRestItems(o, n, oldShape, newShape, path));
    // A closed tuple implies maxItems; report it only where a schema states one.
    if (o.schema.maxItems !== undefined || n.schema.maxItems !== undefined) {
      changes.push(...compareBound(oldMax, newMax, "upper", "MAX_ITEMS", `${path}/maxItems`));
    }
    changes.push(...compareBound(minItemsOf(o.schema), minItemsOf(n.schema), "lower", "MIN_ITEMS", `${path}/minItems`));
    if ((o.schema.uniqueItems === true) !== (n.schema.uniqueItems === true)) {
      changes.push(
        n.schema.uniqueItems === true
          ? change("UNIQUE_ITEMS_ADDED", `${path}/uniqueItems`, false, true)
          : change("UNIQUE_ITEMS_REMOVED", `${path}/uniqueItems`, true, false),
      );
    }
    changes.push(...this.compareContains(o, n, newShape, path));
    if (o.schema.contains !== undefined && n.schema.contains !== undefined) {
      changes.push(
        ...compareBound(o.schema.maxContains, n.schema.maxContains, "upper", "MAX_CONTAINS", `${path}/maxContains`),
      );
      changes.push(
        ...compareBound(
          o.schema.minContains ?? 1,
          n.schema.minContains ?? 1,
          "lower",
          "MIN_CONTAINS",
          `${path}/minContains`,
        ),
      );
    }
    return changes;
  }

  private compareContains(
    o: ObjectLocated,
    n: ObjectLocated,
    newShape: ReturnType<typeof arrayShape>,
    path: string,
  ): SchemaChange[] {
    const changes = this.compareOptionalSchema(o, n, "contains", "CONTAINS", path);
    const contains = o.schema.contains as JsonSchema | undefined;
    if (contains === undefined || n.schema.contains !== undefined || o.schema.maxContains !== undefined) return changes;
    // New data always carries enough matching items when its required tuple positions match.
    const needed = typeof o.schema.minContains === "number" ? o.schema.minContains : 1;
    const required = Math.min(minItemsOf(n.schema) ?? 0, newShape.prefix.length);
    let matching = 0;
    for (let index = 0; index < required; index += 1) {
      const sub = this.compare(
        { schema: contains, doc: o.doc },
        { schema: newShape.prefix[index] as JsonSchema, doc: n.doc },
        `${path}/contains`,
      );
      if (isForward(sub)) matching += 1;
    }
    return matching >= needed ? changes.map((found) => ({ ...found, forward: true })) : changes;
  }

  private compareRestItems(
    o: ObjectLocated,
    n: ObjectLocated,
    oldShape: ReturnType<typeof arrayShape>,
    newShape: ReturnType<typeof arrayShape>,
    path: string,
  ): SchemaChange[] {
    const oldRest = (oldShape.rest ?? o.schema.unevaluatedItems) as JsonSchema | undefined;
    const newRest = (newShape.rest ?? n.schema.unevaluatedItems) as JsonSchema | undefined;
    if (oldRest === undefined && newRest === undefined) return [];
    const restPath = `${path}/${newRest !== undefined ? newShape.restKeyword : oldShape.restKeyword}`;
    const oldLocated = deref({ schema: oldRest ?? true, doc: o.doc }, restPath);
    const newLocated = deref({ schema: newRest ?? true, doc: n.doc }, restPath);
    // Past a maxItems no extra item can appear, whatever the rest schema says.
    const start = Math.max(oldShape.prefix.length, newShape.prefix.length);
    const oldMax = maxItemsOf(o.schema, oldShape);
    const newMax = maxItemsOf(n.schema, newShape);
    const oldNone = oldMax !== undefined && oldMax <= start;
    const newNone = newMax !== undefined && newMax <= start;
    const sub = this.compare(oldLocated, newLocated, restPath).map((found) => ({
      ...found,
      backward: found.backward || oldNone,
      forward: found.forward || newNone,
    }));
    const tuple = oldShape.prefix.length > 0 || newShape.prefix.length > 0;
    if (!tuple) return sub.filter((found) => !(found.backward && found.forward) || !(oldNone || newNone));
    const backward = isBackward(sub);
    const forward = isForward(sub);
    if (backward && forward) return [];
    const oldOpen = isTrivial(oldLocated);
    const newOpen = isTrivial(newLocated);
    if (!oldOpen && !newOpen && oldLocated.schema !== false && newLocated.schema !== false) return sub;
    const kind: ChangeKind =
      newLocated.schema === false
        ? "ADDITIONAL_ITEMS_REMOVED"
        : oldLocated.schema === false
          ? "ADDITIONAL_ITEMS_ADDED"
          : newOpen
            ? "ADDITIONAL_ITEMS_EXTENDED"
            : "ADDITIONAL_ITEMS_NARROWED";
    return [change(kind, restPath, backward, forward, `${show(oldRest)} -> ${show(newRest)}`)];
  }

  // --- not, if/then/else -------------------------------------------------------------------------

  private compareNot(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const before = o.schema.not as JsonSchema | undefined;
    const after = n.schema.not as JsonSchema | undefined;
    const notPath = `${path}/not`;
    if (before === undefined && after === undefined) return [];
    if (before === undefined) {
      // Excluding values the old schema never accepted changes nothing for old data.
      const disjoint = this.disjoint(o, { schema: after as JsonSchema, doc: n.doc });
      return [change("NOT_TYPE_ADDED", notPath, disjoint, true)];
    }
    if (after === undefined) {
      const disjoint = this.disjoint(n, { schema: before, doc: o.doc });
      return [change("NOT_TYPE_REMOVED", notPath, true, disjoint)];
    }
    const sub = this.compare({ schema: before, doc: o.doc }, { schema: after, doc: n.doc }, notPath);
    const backward = isForward(sub);
    const forward = isBackward(sub);
    if (backward && forward) return [];
    const kind: ChangeKind = backward ? "NOT_TYPE_NARROWED" : forward ? "NOT_TYPE_EXTENDED" : "NOT_TYPE_CHANGED";
    return [change(kind, notPath, backward, forward)];
  }

  /** Whether no value satisfies both schemas, judged from their JSON types and finite values. */
  private disjoint(a: Located, b: Located): boolean {
    const left = deref(a, "");
    const right = deref(b, "");
    if (left.schema === false || right.schema === false) return true;
    if (left.schema === true || right.schema === true) return false;
    const leftValues = finiteValues(left);
    if (leftValues) return leftValues.every((value) => !valueMatches(right, value));
    const rightValues = finiteValues(right);
    if (rightValues) return rightValues.every((value) => !valueMatches(left, value));
    const leftTypes = typeSet(left.schema as JsonSchemaObject);
    const rightTypes = typeSet(right.schema as JsonSchemaObject);
    return ![...leftTypes].some((type) => overlaps(rightTypes, type));
  }

  private compareConditional(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const keys = ["if", "then", "else"] as const;
    if (keys.every((key) => o.schema[key] === undefined && n.schema[key] === undefined)) return [];
    const part = (located: ObjectLocated, key: string): Located => ({
      schema: (located.schema[key] ?? true) as JsonSchema,
      doc: located.doc,
    });
    const condition = this.compare(part(o, "if"), part(n, "if"), `${path}/if`);
    if (!isBackward(condition) || !isForward(condition)) {
      // A different condition routes values to other branches: only dropping the whole rule is safe.
      const removed = keys.every((key) => n.schema[key] === undefined);
      const added = keys.every((key) => o.schema[key] === undefined);
      return [change("CONDITIONAL_CHANGED", `${path}/if`, removed, added)];
    }
    // Same condition: each branch is compared together with the keywords around it.
    const branch = (located: ObjectLocated, key: "then" | "else"): Located => {
      const { if: _if, then: _then, else: _else, ...base } = located.schema;
      const resolved = deref(part(located, key), path);
      if (resolved.schema === false) return resolved;
      const extra = asObject(resolved.schema);
      const merged = canMerge(base, extra) ? mergeInto({ ...base }, extra) : { ...base, allOf: [extra] };
      located.doc.bases.set(merged, located.doc.bases.get(located.schema) ?? "evreg:/schema.json");
      return { schema: merged, doc: located.doc };
    };
    return dedupe([
      ...this.compare(branch(o, "then"), branch(n, "then"), path),
      ...this.compare(branch(o, "else"), branch(n, "else"), path),
    ]);
  }

  // --- anyOf / oneOf / allOf ---------------------------------------------------------------------

  private compareSums(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const oldBranches = sumBranches(o);
    const newBranches = sumBranches(n);
    const keyword = hasSum(n.schema) ? sumKeyword(n.schema) : sumKeyword(o.schema);
    const changes: SchemaChange[] = [];
    const oldCriterion = sumKeyword(o.schema);
    const newCriterion = sumKeyword(n.schema);
    if (oldCriterion === "oneOf" && newCriterion === "anyOf" && oldBranches.length > 1) {
      changes.push(change("COMBINED_TYPE_EXTENDED", `${path}/anyOf`, true, false));
    } else if (oldCriterion === "anyOf" && newCriterion === "oneOf" && newBranches.length > 1) {
      changes.push(change("COMBINED_TYPE_CHANGED", `${path}/oneOf`, false, true));
    }
    const pairs = oldBranches.map((oldBranch) =>
      newBranches.map((newBranch, j) => this.compare(oldBranch, newBranch, `${path}/${keyword}/${j}`)),
    );
    oldBranches.forEach((_, i) => {
      const row = pairs[i] ?? [];
      const match = row.findIndex(isBackward);
      if (match >= 0) {
        changes.push(...(row[match] ?? []).map((found) => ({ ...found, forward: true })));
        return;
      }
      changes.push(
        ...(row[Math.min(i, row.length - 1)] ?? [])
          .filter((found) => !found.backward)
          .map((found) => ({ ...found, forward: true })),
      );
      changes.push(
        change(
          "SUM_TYPE_NARROWED",
          `${path}/${oldCriterion ?? keyword}/${i}`,
          false,
          true,
          `old branch ${i} is not accepted by any new branch`,
        ),
      );
    });
    newBranches.forEach((_, j) => {
      const column = pairs.map((row) => row[j] ?? []);
      const match = column.findIndex(isForward);
      if (match >= 0) {
        changes.push(...(column[match] ?? []).map((found) => ({ ...found, backward: true })));
        return;
      }
      changes.push(
        change(
          "SUM_TYPE_EXTENDED",
          `${path}/${keyword}/${j}`,
          true,
          false,
          `new branch ${j} accepts values no old branch accepted`,
        ),
      );
    });
    return dedupe(changes);
  }

  private compareProducts(o: ObjectLocated, n: ObjectLocated, path: string): SchemaChange[] {
    const oldParts = productParts(o);
    const newParts = productParts(n);
    const changes: SchemaChange[] = [];
    const pairs = oldParts.map((oldPart) =>
      newParts.map((newPart, j) => this.compare(oldPart, newPart, `${path}/allOf/${j}`)),
    );
    newParts.forEach((_, j) => {
      const column = pairs.map((row) => row[j] ?? []);
      const match = column.findIndex(isBackward);
      if (match >= 0) changes.push(...(column[match] ?? []).map((found) => ({ ...found, forward: true })));
      else
        changes.push(
          change(
            "PRODUCT_TYPE_EXTENDED",
            `${path}/allOf/${j}`,
            false,
            true,
            `new constraint ${j} is not implied by the old schema`,
          ),
        );
    });
    oldParts.forEach((_, i) => {
      const row = pairs[i] ?? [];
      const match = row.findIndex(isForward);
      if (match >= 0) changes.push(...(row[match] ?? []).map((found) => ({ ...found, backward: true })));
      else
        changes.push(
          change(
            "PRODUCT_TYPE_NARROWED",
            `${path}/allOf/${i}`,
            true,
            false,
            `old constraint ${i} is not implied by the new schema`,
          ),
        );
    });
    return dedupe(changes);
  }
}

// --- helpers on schema objects ---------------------------------------------------------------------

/** A string's format, unless it is a name zod gives its own checks, which no validator asserts. */
function assertedFormat(schema: JsonSchemaObject): unknown {
  return CHECK_FORMATS.has(schema.format as string) ? undefined : schema.format;
}

function asObject(schema: JsonSchema): JsonSchemaObject {
  return schema === true ? {} : (schema as JsonSchemaObject);
}

function hasSum(schema: JsonSchemaObject): boolean {
  return Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf);
}

function sumKeyword(schema: JsonSchemaObject): "anyOf" | "oneOf" | undefined {
  return Array.isArray(schema.anyOf) ? "anyOf" : Array.isArray(schema.oneOf) ? "oneOf" : undefined;
}

/** The alternatives of a schema: its anyOf/oneOf branches, each with the schema's other keywords merged in. */
function sumBranches(located: ObjectLocated): Located[] {
  const keyword = sumKeyword(located.schema);
  if (!keyword) return [located];
  const { [keyword]: branches, ...base } = located.schema;
  const baseKeys = Object.keys(base).filter((key) => !ANNOTATION_KEYWORDS.has(key));
  // A branch that leads straight back to this schema adds nothing (least fixed point).
  const own = (branches as JsonSchema[]).filter(
    (branch) => deref({ schema: branch, doc: located.doc }, "").schema !== located.schema,
  );
  return own.map((branch) => {
    if (baseKeys.length === 0) return { schema: branch, doc: located.doc };
    const resolved = deref({ schema: branch, doc: located.doc }, "");
    if (resolved.schema === false) return resolved;
    const part = asObject(resolved.schema);
    const merged: JsonSchemaObject = canMerge(base, part) ? mergeInto({ ...base }, part) : { ...base, allOf: [part] };
    located.doc.bases.set(merged, located.doc.bases.get(located.schema) ?? "evreg:/schema.json");
    return { schema: merged, doc: located.doc };
  });
}

function productParts(located: ObjectLocated): Located[] {
  const { allOf, ...base } = located.schema;
  const parts: Located[] = (Array.isArray(allOf) ? (allOf as JsonSchema[]) : []).map((part) => ({
    schema: part,
    doc: located.doc,
  }));
  if (Object.keys(base).some((key) => !ANNOTATION_KEYWORDS.has(key))) {
    located.doc.bases.set(base, located.doc.bases.get(located.schema) ?? "evreg:/schema.json");
    parts.unshift({ schema: base, doc: located.doc });
  }
  return parts.length > 0 ? parts : [{ schema: true, doc: located.doc }];
}

function canMerge(target: JsonSchemaObject, part: JsonSchemaObject): boolean {
  return Object.entries(part).every(([key, value]) => {
    if (!(key in target) || ANNOTATION_KEYWORDS.has(key)) return true;
    if (key === "required") return true;
    if (key === "properties") return isSchemaObject(value) && isSchemaObject(target.properties);
    if (key === "type") return true;
    return jsonEqual(target[key], value);
  });
}

function mergeInto(target: JsonSchemaObject, part: JsonSchemaObject): JsonSchemaObject {
  for (const [key, value] of Object.entries(part)) {
    if (ANNOTATION_KEYWORDS.has(key) && key in target) continue;
    if (key === "required" && Array.isArray(target.required))
      target.required = [...new Set([...stringList(target.required), ...stringList(value)])];
    else if (key === "properties" && isSchemaObject(target.properties) && isSchemaObject(value))
      target.properties = mergeProperties(target.properties, value);
    else if (key === "type" && target.type !== undefined) target.type = intersectTypes(target.type, value);
    else target[key] = value;
  }
  return target;
}

/** Both property maps; a name in both must satisfy both schemas. */
function mergeProperties(a: JsonSchemaObject, b: JsonSchemaObject): JsonSchemaObject {
  const merged: JsonSchemaObject = { ...a };
  for (const [name, schema] of Object.entries(b)) {
    merged[name] = name in a && !jsonEqual(a[name], schema) ? { allOf: [a[name], schema] } : schema;
  }
  return merged;
}

function intersectTypes(a: unknown, b: unknown): string[] {
  const left = typeSet({ type: a });
  const right = typeSet({ type: b });
  const result = new Set<string>();
  for (const type of left) {
    if (right.has(type)) result.add(type);
    else if (type === "number" && right.has("integer")) result.add("integer");
    else if (type === "integer" && right.has("number")) result.add("integer");
  }
  return [...result];
}

function typeSet(schema: JsonSchemaObject): Set<string> {
  const type = schema.type;
  if (typeof type === "string") return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === "string"));
  return new Set(ALL_TYPES);
}

/** Whether a type set admits values of `type` ("number" admits integers). */
function overlaps(types: Set<string>, type: string): boolean {
  if (types.has(type)) return true;
  return type === "integer" && types.has("number") ? true : type === "number" && types.has("integer");
}

function isIntegerOnly(types: Set<string>): boolean {
  return types.has("integer") && !types.has("number");
}

function includesType(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === "integer" && types.has("number"));
}

function compareTypeSets(before: Set<string>, after: Set<string>, path: string): SchemaChange | undefined {
  const widened = [...before].every((type) => includesType(after, type));
  const narrowed = [...after].every((type) => includesType(before, type));
  if (widened && narrowed) return undefined;
  const detail = `${[...before].join("|")} -> ${[...after].join("|")}`;
  if (widened) return change("TYPE_EXTENDED", `${path}/type`, true, false, detail);
  if (narrowed) return change("TYPE_NARROWED", `${path}/type`, false, true, detail);
  return change("TYPE_CHANGED", `${path}/type`, false, false, detail);
}

/**
 * Whether no value satisfies the schema, for the contradictions found in practice: `false`, an
 * empty enum, `not: {}`, bounds that cross, a required property that accepts nothing.
 */
function acceptsNothing(located: Located, depth = 0): boolean {
  const schema = located.schema;
  if (schema === false) return true;
  if (!isSchemaObject(schema) || depth > 8) return false;
  if (schema.not !== undefined && isTrivial(deref({ schema: schema.not as JsonSchema, doc: located.doc }, "")))
    return true;
  // emptiness needs one accepted value, not the whole set finiteValues dedupes and filters
  const candidates = finiteCandidates(schema);
  if (candidates) return !candidates.some((value) => valueMatches(located, value));
  if (hasSum(schema) || Array.isArray(schema.allOf)) return false;
  const types = [...typeSet(schema)];
  const child = (node: unknown) =>
    acceptsNothing(deref({ schema: node as JsonSchema, doc: located.doc }, ""), depth + 1);
  return types.every((type) => {
    if (type === "string")
      return (
        typeof schema.minLength === "number" &&
        typeof schema.maxLength === "number" &&
        schema.minLength > schema.maxLength
      );
    if (type === "number" || type === "integer") {
      const low = lowerBound(schema);
      const high = upperBound(schema);
      return (
        !!low && !!high && (low.value > high.value || (low.value === high.value && (low.exclusive || high.exclusive)))
      );
    }
    if (type === "object") {
      const properties = schemaMap(schema.properties);
      return stringList(schema.required).some((key) =>
        key in properties ? child(properties[key]) : undeclaredSchema(schema, key).schema === false,
      );
    }
    if (type === "array") {
      const shape = arrayShape(located, schema);
      const min = minItemsOf(schema) ?? 0;
      const max = maxItemsOf(schema, shape);
      if (max !== undefined && min > max) return true;
      for (let index = 0; index < Math.min(min, shape.prefix.length); index += 1)
        if (child(shape.prefix[index])) return true;
      return min > shape.prefix.length && shape.rest !== undefined && child(shape.rest);
    }
    return false;
  });
}

function isTrivial(located: Located): boolean {
  const schema = located.schema;
  if (schema === true) return true;
  if (!isSchemaObject(schema)) return false;
  return Object.keys(schema).every((key) => ANNOTATION_KEYWORDS.has(key));
}

function explicitValues(schema: JsonSchemaObject): unknown[] | undefined {
  if ("const" in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

/**
 * The values that can satisfy a schema, when they are a small finite set: its `enum` or `const`, or
 * what its types allow (null, the booleans, tightly bounded integers); undefined otherwise.
 */
function finiteCandidates(schema: JsonSchemaObject): unknown[] | undefined {
  const explicit = explicitValues(schema);
  if (explicit) return explicit;
  if (schema.type === undefined) return undefined;
  const candidates: unknown[] = [];
  for (const type of typeSet(schema)) {
    if (type === "null") candidates.push(null);
    else if (type === "boolean") candidates.push(true, false);
    else if (type === "integer" || type === "number") {
      const range = integerRange(schema, type === "number");
      if (!range) return undefined;
      candidates.push(...range);
    } else return undefined;
  }
  return candidates;
}

/** Every value a schema accepts, when it is a small finite set; undefined otherwise. */
function finiteValues(located: Located): unknown[] | undefined {
  const schema = located.schema;
  if (schema === false) return [];
  if (!isSchemaObject(schema)) return undefined;
  const candidates = finiteCandidates(schema);
  if (!candidates) return undefined;
  const unique = [...new Map(candidates.map((value) => [canonicalJson(value), value])).values()];
  return unique.filter((value) => valueMatches(located, value));
}

/** The numbers a numeric schema with tight bounds accepts (at most 64), for finite comparison. */
function integerRange(schema: JsonSchemaObject, anyNumber: boolean): number[] | undefined {
  const low = lowerBound(schema);
  const high = upperBound(schema);
  if (!low || !high) return undefined;
  if (anyNumber) return low.value === high.value && !low.exclusive && !high.exclusive ? [low.value] : undefined;
  const from = low.exclusive ? Math.floor(low.value) + 1 : Math.ceil(low.value);
  const to = high.exclusive ? Math.ceil(high.value) - 1 : Math.floor(high.value);
  if (to - from > 64) return undefined;
  const values: number[] = [];
  for (let value = from; value <= to; value += 1) values.push(value);
  return values;
}

function schemaMap(value: unknown): Record<string, unknown> {
  return isSchemaObject(value) ? value : {};
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])];
}

/** What a schema says about a property it does not declare: open, closed or constrained. */
function undeclaredSchema(
  schema: JsonSchemaObject,
  key: string,
): { model: "open" | "closed" | "partial"; schema: JsonSchema } {
  for (const [pattern, patternSchema] of Object.entries(schemaMap(schema.patternProperties))) {
    if (compilePattern(pattern)?.test(key)) return { model: "partial", schema: patternSchema as JsonSchema };
  }
  const extra = extraSchema(schema);
  if (extra === true || (isSchemaObject(extra) && Object.keys(extra).length === 0))
    return { model: "open", schema: true };
  if (extra === false) return { model: "closed", schema: false };
  return { model: "partial", schema: extra };
}

function extraSchema(schema: JsonSchemaObject): JsonSchema {
  return (schema.additionalProperties ?? schema.unevaluatedProperties ?? true) as JsonSchema;
}

/** maxProperties, tightened to the number of declared properties when the object is closed. */
function maxPropertiesOf(schema: JsonSchemaObject): number | undefined {
  const declared = Object.keys(schemaMap(schema.properties)).length;
  const closed = schema.additionalProperties === false && !isSchemaObject(schema.patternProperties);
  const stated = typeof schema.maxProperties === "number" ? schema.maxProperties : undefined;
  if (!closed) return stated;
  return stated === undefined ? undefined : Math.min(stated, declared);
}

function maxItemsOf(schema: JsonSchemaObject, shape: ReturnType<typeof arrayShape>): number | undefined {
  const stated = typeof schema.maxItems === "number" ? schema.maxItems : undefined;
  const closedTuple = shape.rest === false ? shape.prefix.length : undefined;
  if (stated === undefined) return closedTuple;
  return closedTuple === undefined ? stated : Math.min(stated, closedTuple);
}

function minItemsOf(schema: JsonSchemaObject): number | undefined {
  return typeof schema.minItems === "number" && schema.minItems > 0 ? schema.minItems : undefined;
}

/**
 * A numeric bound added, removed, increased or decreased. An upper bound that grows (or goes) lets
 * more values in: compatible backward, not forward; a lower bound the other way round.
 */
function compareBound(
  before: unknown,
  after: unknown,
  side: "upper" | "lower",
  prefix: string,
  path: string,
): SchemaChange[] {
  const b = typeof before === "number" ? before : undefined;
  const a = typeof after === "number" ? after : undefined;
  if (b === a) return [];
  const detail = `${show(b)} -> ${show(a)}`;
  if (b === undefined) return [change(`${prefix}_ADDED` as ChangeKind, path, false, true, detail)];
  if (a === undefined) return [change(`${prefix}_REMOVED` as ChangeKind, path, true, false, detail)];
  const wider = side === "upper" ? a > b : a < b;
  return [change(`${prefix}_${a > b ? "INCREASED" : "DECREASED"}` as ChangeKind, path, wider, !wider, detail)];
}

/** A keyword whose presence restricts and whose change is judged by value (pattern, format). */
function compareRestriction(before: unknown, after: unknown, prefix: string, path: string): SchemaChange[] {
  if (before === after) return [];
  const detail = `${show(before)} -> ${show(after)}`;
  if (before === undefined) return [change(`${prefix}_ADDED` as ChangeKind, path, false, true, detail)];
  if (after === undefined) return [change(`${prefix}_REMOVED` as ChangeKind, path, true, false, detail)];
  return [change(`${prefix}_CHANGED` as ChangeKind, path, false, false, detail)];
}

interface Bound {
  value: number;
  exclusive: boolean;
  keyword: "MINIMUM" | "EXCLUSIVE_MINIMUM" | "MAXIMUM" | "EXCLUSIVE_MAXIMUM";
}

function lowerBound(schema: JsonSchemaObject): Bound | undefined {
  const inclusive = typeof schema.minimum === "number" ? schema.minimum : undefined;
  if (schema.exclusiveMinimum === true && inclusive !== undefined)
    return { value: inclusive, exclusive: true, keyword: "EXCLUSIVE_MINIMUM" };
  const exclusive = typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : undefined;
  if (exclusive !== undefined && (inclusive === undefined || exclusive >= inclusive))
    return { value: exclusive, exclusive: true, keyword: "EXCLUSIVE_MINIMUM" };
  return inclusive === undefined ? undefined : { value: inclusive, exclusive: false, keyword: "MINIMUM" };
}

function upperBound(schema: JsonSchemaObject): Bound | undefined {
  const inclusive = typeof schema.maximum === "number" ? schema.maximum : undefined;
  if (schema.exclusiveMaximum === true && inclusive !== undefined)
    return { value: inclusive, exclusive: true, keyword: "EXCLUSIVE_MAXIMUM" };
  const exclusive = typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : undefined;
  if (exclusive !== undefined && (inclusive === undefined || exclusive <= inclusive))
    return { value: exclusive, exclusive: true, keyword: "EXCLUSIVE_MAXIMUM" };
  return inclusive === undefined ? undefined : { value: inclusive, exclusive: false, keyword: "MAXIMUM" };
}

/** For integers, `exclusiveMinimum: 4` is `minimum: 5`: compare the bounds integers really have. */
function asIntegerBound(bound: Bound | undefined, side: "lower" | "upper"): Bound | undefined {
  if (!bound) return undefined;
  const value =
    side === "lower"
      ? bound.exclusive
        ? Math.floor(bound.value) + 1
        : Math.ceil(bound.value)
      : bound.exclusive
        ? Math.ceil(bound.value) - 1
        : Math.floor(bound.value);
  return { ...bound, value, exclusive: false };
}

function compareNumbers(os: JsonSchemaObject, ns: JsonSchemaObject, path: string, integers: boolean): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const side of ["lower", "upper"] as const) {
    const read = side === "lower" ? lowerBound : upperBound;
    let before = read(os);
    let after = read(ns);
    if (integers) {
      before = asIntegerBound(before, side);
      after = asIntegerBound(after, side);
    }
    if (!before && !after) continue;
    const keyword = (after ?? before)?.keyword as Bound["keyword"];
    const keywordPath = `${path}/${keyword === "MINIMUM" ? "minimum" : keyword === "MAXIMUM" ? "maximum" : keyword === "EXCLUSIVE_MINIMUM" ? "exclusiveMinimum" : "exclusiveMaximum"}`;
    const detail = `${show(before?.value)} -> ${show(after?.value)}`;
    if (!before) changes.push(change(`${keyword}_ADDED`, keywordPath, false, true, detail));
    else if (!after) changes.push(change(`${before.keyword}_REMOVED`, keywordPath, true, false, detail));
    else {
      // At the same value an exclusive bound is the tighter one, on either side.
      if (after.value === before.value && after.exclusive === before.exclusive) continue;
      const tighter =
        after.value === before.value
          ? after.exclusive
          : side === "lower"
            ? after.value > before.value
            : after.value < before.value;
      const direction =
        after.value === before.value
          ? (side === "lower") === tighter
            ? "INCREASED"
            : "DECREASED"
          : after.value > before.value
            ? "INCREASED"
            : "DECREASED";
      changes.push(change(`${keyword}_${direction}`, keywordPath, !tighter, tighter, detail));
    }
  }
  const before = typeof os.multipleOf === "number" ? os.multipleOf : undefined;
  const after = typeof ns.multipleOf === "number" ? ns.multipleOf : undefined;
  if (before !== after) {
    const multiplePath = `${path}/multipleOf`;
    const detail = `${show(before)} -> ${show(after)}`;
    const divides = (small: number, big: number) => Math.abs(big / small - Math.round(big / small)) < 1e-9;
    if (before === undefined)
      changes.push(
        change("MULTIPLE_OF_ADDED", multiplePath, integers && after !== undefined && divides(after, 1), true, detail),
      );
    else if (after === undefined)
      changes.push(change("MULTIPLE_OF_REMOVED", multiplePath, true, integers && divides(before, 1), detail));
    else if (divides(after, before)) changes.push(change("MULTIPLE_OF_REDUCED", multiplePath, true, false, detail));
    else if (divides(before, after)) changes.push(change("MULTIPLE_OF_EXPANDED", multiplePath, false, true, detail));
    else changes.push(change("MULTIPLE_OF_CHANGED", multiplePath, false, false, detail));
  }
  return changes.filter((found) => !(found.backward && found.forward));
}

function annotationChanges(os: JsonSchemaObject, ns: JsonSchemaObject, path: string): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const pairs = [
    ["title", "TITLE_CHANGED"],
    ["description", "DESCRIPTION_CHANGED"],
    ["default", "DEFAULT_CHANGED"],
  ] as const;
  for (const [keyword, kind] of pairs) {
    if (!jsonEqual(os[keyword], ns[keyword]))
      changes.push(change(kind, `${path}/${keyword}`, true, true, `${show(os[keyword])} -> ${show(ns[keyword])}`));
  }
  return changes;
}

/** One change per (kind, path); where the same change was found twice, the stricter verdict wins. */
function dedupe(changes: SchemaChange[]): SchemaChange[] {
  const byKey = new Map<string, SchemaChange>();
  for (const found of changes) {
    const key = `${found.kind} ${found.path}`;
    const existing = byKey.get(key);
    byKey.set(
      key,
      existing
        ? { ...existing, backward: existing.backward && found.backward, forward: existing.forward && found.forward }
        : found,
    );
  }
  return [...byKey.values()];
}

export { isBackward, isForward };
