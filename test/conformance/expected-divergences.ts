/**
 * Cases of the public conformance suites where evreg's verdict differs from the source's, by id and
 * direction, with the reason. Everything not listed here must agree (test/conformance/conformance.test.ts).
 */
export type Direction = "backward" | "forward";

export const EXPECTED_DIVERGENCES: Record<string, Record<string, { directions: Direction[]; reason: string }>> = {
  apicurio: {
    // Both schemas are unsatisfiable ("type": "string" with an array-valued "const"), so each accepts
    // exactly what the other accepts; Apicurio compares the const values by syntax (SOURCE.txt).
    "apicurio-97": { directions: ["backward", "forward"], reason: "both schemas accept nothing; evreg judges by the accepted sets" },
  },
  "json-schema-diff": {
    // json-schema-diff treats "integer" as a type disjoint from "number"; in JSON Schema every integer
    // is a number, so ["number", "integer"] accepts exactly what "number" accepts.
    "json-schema-diff-8": { directions: ["forward"], reason: "integer is a subset of number, so adding it adds nothing" },
  },
  jsoncompat: {
    // 9007199254740993 and ...995 are beyond 2^53; JSON.parse rounds them to ...992 and ...996, so the
    // old enum contains the new const after parsing (SOURCE.txt notes this precision trap).
    "jsoncompat-30": { directions: ["forward"], reason: "integers beyond 2^53 collapse in JSON.parse" },
    // Keys matching both "^x" and "x$" must be strings and integers at once in the old schema; the
    // removed pattern is judged on its own, so the overlap that made old reject "x" is not seen.
    "jsoncompat-49": { directions: ["forward"], reason: "overlapping patternProperties are compared pattern by pattern" },
    // The source's own examples show {"x": "text"} accepted by old and rejected by new; strict set
    // semantics (and Confluent-style rules) say backward is false (SOURCE.txt).
    "jsoncompat-51": { directions: ["backward"], reason: "source assumes writers omit undeclared properties; strict semantics disagree" },
    // New accepts only objects whose keys match ^\cC$ with integer values; old accepts those. The
    // source answers false because it cannot analyse that regex (SOURCE.txt); evreg answers true.
    "jsoncompat-62": { directions: ["forward"], reason: "source's conservative false from an unsupported regex" },
  },
};

/**
 * How each source reads schemas: jsoncompat treats `format` as an annotation (its fixture
 * format_annotation_changed), the others as a constraint.
 */
export const SUITE_OPTIONS: Record<string, { formatAssertion?: boolean }> = {
  apicurio: {},
  "json-schema-diff": {},
  jsoncompat: { formatAssertion: false },
};
