/**
 * The change kinds the diff reports, named after Confluent Schema Registry's JSON Schema
 * `Difference.Type` where one exists. Each change carries its own backward/forward verdict because
 * several kinds depend on the content model around them; `usual` is the verdict in the plain case.
 * backward: a reader on the new schema reads data written with the old. forward: the reverse.
 */
export const CHANGE_KINDS = {
  // annotations
  ID_CHANGED: { usual: [true, true], about: "$id changed" },
  TITLE_CHANGED: { usual: [true, true], about: "title changed" },
  DESCRIPTION_CHANGED: { usual: [true, true], about: "description changed" },
  DEFAULT_CHANGED: { usual: [true, true], about: "default changed" },
  // whole schema
  FALSE_SCHEMA_WIDENED: { usual: [true, false], about: "a schema that accepted nothing now accepts values" },
  SCHEMA_NARROWED_TO_FALSE: { usual: [false, true], about: "a schema now accepts nothing" },
  TYPE_EXTENDED: { usual: [true, false], about: "more JSON types accepted" },
  TYPE_NARROWED: { usual: [false, true], about: "fewer JSON types accepted" },
  TYPE_CHANGED: { usual: [false, false], about: "different JSON types accepted" },
  ENUM_ARRAY_EXTENDED: { usual: [true, false], about: "enum gained values" },
  ENUM_ARRAY_NARROWED: { usual: [false, true], about: "enum lost values" },
  ENUM_ARRAY_CHANGED: { usual: [false, false], about: "enum gained and lost values" },
  ENUM_ARRAY_ADDED: { usual: [false, true], about: "values restricted to an enum" },
  ENUM_ARRAY_REMOVED: { usual: [true, false], about: "enum restriction removed" },
  CONST_ADDED: { usual: [false, true], about: "value fixed by const" },
  CONST_REMOVED: { usual: [true, false], about: "const restriction removed" },
  CONST_CHANGED: { usual: [false, false], about: "const value changed" },
  // strings
  MAX_LENGTH_ADDED: { usual: [false, true], about: "maxLength added" },
  MAX_LENGTH_REMOVED: { usual: [true, false], about: "maxLength removed" },
  MAX_LENGTH_INCREASED: { usual: [true, false], about: "maxLength increased" },
  MAX_LENGTH_DECREASED: { usual: [false, true], about: "maxLength decreased" },
  MIN_LENGTH_ADDED: { usual: [false, true], about: "minLength added" },
  MIN_LENGTH_REMOVED: { usual: [true, false], about: "minLength removed" },
  MIN_LENGTH_INCREASED: { usual: [false, true], about: "minLength increased" },
  MIN_LENGTH_DECREASED: { usual: [true, false], about: "minLength decreased" },
  PATTERN_ADDED: { usual: [false, true], about: "pattern added" },
  PATTERN_REMOVED: { usual: [true, false], about: "pattern removed" },
  PATTERN_CHANGED: { usual: [false, false], about: "pattern changed" },
  FORMAT_ADDED: { usual: [false, true], about: "format added" },
  FORMAT_REMOVED: { usual: [true, false], about: "format removed" },
  FORMAT_CHANGED: { usual: [false, false], about: "format changed" },
  CONTENT_ENCODING_ADDED: { usual: [false, true], about: "contentEncoding added" },
  CONTENT_ENCODING_REMOVED: { usual: [true, false], about: "contentEncoding removed" },
  CONTENT_ENCODING_CHANGED: { usual: [false, false], about: "contentEncoding changed" },
  CONTENT_MEDIA_TYPE_ADDED: { usual: [false, true], about: "contentMediaType added" },
  CONTENT_MEDIA_TYPE_REMOVED: { usual: [true, false], about: "contentMediaType removed" },
  CONTENT_MEDIA_TYPE_CHANGED: { usual: [false, false], about: "contentMediaType changed" },
  // numbers
  MAXIMUM_ADDED: { usual: [false, true], about: "maximum added" },
  MAXIMUM_REMOVED: { usual: [true, false], about: "maximum removed" },
  MAXIMUM_INCREASED: { usual: [true, false], about: "maximum increased" },
  MAXIMUM_DECREASED: { usual: [false, true], about: "maximum decreased" },
  MINIMUM_ADDED: { usual: [false, true], about: "minimum added" },
  MINIMUM_REMOVED: { usual: [true, false], about: "minimum removed" },
  MINIMUM_INCREASED: { usual: [false, true], about: "minimum increased" },
  MINIMUM_DECREASED: { usual: [true, false], about: "minimum decreased" },
  EXCLUSIVE_MAXIMUM_ADDED: { usual: [false, true], about: "exclusiveMaximum added" },
  EXCLUSIVE_MAXIMUM_REMOVED: { usual: [true, false], about: "exclusiveMaximum removed" },
  EXCLUSIVE_MAXIMUM_INCREASED: { usual: [true, false], about: "exclusiveMaximum increased" },
  EXCLUSIVE_MAXIMUM_DECREASED: { usual: [false, true], about: "exclusiveMaximum decreased" },
  EXCLUSIVE_MINIMUM_ADDED: { usual: [false, true], about: "exclusiveMinimum added" },
  EXCLUSIVE_MINIMUM_REMOVED: { usual: [true, false], about: "exclusiveMinimum removed" },
  EXCLUSIVE_MINIMUM_INCREASED: { usual: [false, true], about: "exclusiveMinimum increased" },
  EXCLUSIVE_MINIMUM_DECREASED: { usual: [true, false], about: "exclusiveMinimum decreased" },
  MULTIPLE_OF_ADDED: { usual: [false, true], about: "multipleOf added" },
  MULTIPLE_OF_REMOVED: { usual: [true, false], about: "multipleOf removed" },
  MULTIPLE_OF_EXPANDED: { usual: [false, true], about: "multipleOf became a multiple of the old one" },
  MULTIPLE_OF_REDUCED: { usual: [true, false], about: "multipleOf became a divisor of the old one" },
  MULTIPLE_OF_CHANGED: { usual: [false, false], about: "multipleOf changed" },
  // objects
  REQUIRED_PROPERTY_ADDED: { usual: [false, true], about: "a property became required" },
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED: { usual: [true, true], about: "a property with a default became required" },
  REQUIRED_PROPERTY_REMOVED: { usual: [true, false], about: "a property is no longer required" },
  PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL: {
    usual: [false, true],
    about: "property declared where the old schema accepted any property",
  },
  PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: {
    usual: [true, true],
    about: "property with an empty schema declared in an open object",
  },
  PROPERTY_ADDED_TO_CLOSED_CONTENT_MODEL: {
    usual: [true, false],
    about: "property declared where the old schema rejected undeclared properties",
  },
  PROPERTY_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: {
    usual: [false, false],
    about: "property declared where the old schema constrained undeclared properties",
  },
  PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL: {
    usual: [true, false],
    about: "property removed; the new schema still accepts any property",
  },
  PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    usual: [false, true],
    about: "property removed; the new schema rejects undeclared properties",
  },
  PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    usual: [true, true],
    about: "a forbidden property removed from a closed object",
  },
  PROPERTY_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: {
    usual: [false, false],
    about: "property removed; undeclared properties are constrained",
  },
  PATTERN_PROPERTY_ADDED: { usual: [false, true], about: "patternProperties entry added" },
  PATTERN_PROPERTY_REMOVED: { usual: [true, false], about: "patternProperties entry removed" },
  ADDITIONAL_PROPERTIES_ADDED: { usual: [true, false], about: "undeclared properties now allowed" },
  ADDITIONAL_PROPERTIES_REMOVED: { usual: [false, true], about: "undeclared properties now rejected" },
  ADDITIONAL_PROPERTIES_EXTENDED: { usual: [true, false], about: "undeclared properties less constrained" },
  ADDITIONAL_PROPERTIES_NARROWED: { usual: [false, true], about: "undeclared properties more constrained" },
  UNEVALUATED_PROPERTIES_ADDED: { usual: [true, false], about: "unevaluated properties now allowed" },
  UNEVALUATED_PROPERTIES_REMOVED: { usual: [false, true], about: "unevaluated properties now rejected" },
  UNEVALUATED_PROPERTIES_EXTENDED: { usual: [true, false], about: "unevaluated properties less constrained" },
  UNEVALUATED_PROPERTIES_NARROWED: { usual: [false, true], about: "unevaluated properties more constrained" },
  PROPERTY_NAMES_ADDED: { usual: [false, true], about: "propertyNames added" },
  PROPERTY_NAMES_REMOVED: { usual: [true, false], about: "propertyNames removed" },
  MAX_PROPERTIES_ADDED: { usual: [false, true], about: "maxProperties added" },
  MAX_PROPERTIES_REMOVED: { usual: [true, false], about: "maxProperties removed" },
  MAX_PROPERTIES_INCREASED: { usual: [true, false], about: "maxProperties increased" },
  MAX_PROPERTIES_DECREASED: { usual: [false, true], about: "maxProperties decreased" },
  MIN_PROPERTIES_ADDED: { usual: [false, true], about: "minProperties added" },
  MIN_PROPERTIES_REMOVED: { usual: [true, false], about: "minProperties removed" },
  MIN_PROPERTIES_INCREASED: { usual: [false, true], about: "minProperties increased" },
  MIN_PROPERTIES_DECREASED: { usual: [true, false], about: "minProperties decreased" },
  DEPENDENCY_ARRAY_ADDED: { usual: [false, true], about: "dependentRequired entry added" },
  DEPENDENCY_ARRAY_REMOVED: { usual: [true, false], about: "dependentRequired entry removed" },
  DEPENDENCY_ARRAY_EXTENDED: { usual: [false, true], about: "dependentRequired entry requires more" },
  DEPENDENCY_ARRAY_NARROWED: { usual: [true, false], about: "dependentRequired entry requires less" },
  DEPENDENCY_ARRAY_CHANGED: { usual: [false, false], about: "dependentRequired entry changed" },
  DEPENDENCY_SCHEMA_ADDED: { usual: [false, true], about: "dependentSchemas entry added" },
  DEPENDENCY_SCHEMA_REMOVED: { usual: [true, false], about: "dependentSchemas entry removed" },
  // arrays
  MAX_ITEMS_ADDED: { usual: [false, true], about: "maxItems added" },
  MAX_ITEMS_REMOVED: { usual: [true, false], about: "maxItems removed" },
  MAX_ITEMS_INCREASED: { usual: [true, false], about: "maxItems increased" },
  MAX_ITEMS_DECREASED: { usual: [false, true], about: "maxItems decreased" },
  MIN_ITEMS_ADDED: { usual: [false, true], about: "minItems added" },
  MIN_ITEMS_REMOVED: { usual: [true, false], about: "minItems removed" },
  MIN_ITEMS_INCREASED: { usual: [false, true], about: "minItems increased" },
  MIN_ITEMS_DECREASED: { usual: [true, false], about: "minItems decreased" },
  MAX_CONTAINS_ADDED: { usual: [false, true], about: "maxContains added" },
  MAX_CONTAINS_REMOVED: { usual: [true, false], about: "maxContains removed" },
  MAX_CONTAINS_INCREASED: { usual: [true, false], about: "maxContains increased" },
  MAX_CONTAINS_DECREASED: { usual: [false, true], about: "maxContains decreased" },
  MIN_CONTAINS_ADDED: { usual: [false, true], about: "minContains added" },
  MIN_CONTAINS_REMOVED: { usual: [true, false], about: "minContains removed" },
  MIN_CONTAINS_INCREASED: { usual: [false, true], about: "minContains increased" },
  MIN_CONTAINS_DECREASED: { usual: [true, false], about: "minContains decreased" },
  CONTAINS_ADDED: { usual: [false, true], about: "contains added" },
  CONTAINS_REMOVED: { usual: [true, false], about: "contains removed" },
  UNIQUE_ITEMS_ADDED: { usual: [false, true], about: "uniqueItems added" },
  UNIQUE_ITEMS_REMOVED: { usual: [true, false], about: "uniqueItems removed" },
  ADDITIONAL_ITEMS_ADDED: { usual: [true, false], about: "items after the tuple now allowed" },
  ADDITIONAL_ITEMS_REMOVED: { usual: [false, true], about: "items after the tuple now rejected" },
  ADDITIONAL_ITEMS_EXTENDED: { usual: [true, false], about: "items after the tuple less constrained" },
  ADDITIONAL_ITEMS_NARROWED: { usual: [false, true], about: "items after the tuple more constrained" },
  ITEM_ADDED_TO_OPEN_CONTENT_MODEL: {
    usual: [false, true],
    about: "tuple position declared where any item was accepted",
  },
  ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL: {
    usual: [true, true],
    about: "tuple position with an empty schema added",
  },
  ITEM_ADDED_TO_CLOSED_CONTENT_MODEL: {
    usual: [true, false],
    about: "tuple position added where extra items were rejected",
  },
  ITEM_ADDED_TO_PARTIALLY_OPEN_CONTENT_MODEL: {
    usual: [false, false],
    about: "tuple position added where extra items were constrained",
  },
  ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL: {
    usual: [true, false],
    about: "tuple position removed; any item accepted there",
  },
  ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    usual: [false, true],
    about: "tuple position removed; extra items rejected",
  },
  ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL: {
    usual: [true, true],
    about: "a forbidden tuple position removed",
  },
  ITEM_REMOVED_FROM_PARTIALLY_OPEN_CONTENT_MODEL: {
    usual: [false, false],
    about: "tuple position removed; extra items constrained",
  },
  // combinations
  COMBINED_TYPE_EXTENDED: { usual: [true, false], about: "oneOf/allOf became anyOf" },
  COMBINED_TYPE_CHANGED: { usual: [false, true], about: "anyOf became oneOf" },
  SUM_TYPE_EXTENDED: { usual: [true, false], about: "anyOf/oneOf gained a branch the old schema did not accept" },
  SUM_TYPE_NARROWED: { usual: [false, true], about: "anyOf/oneOf lost a branch the new schema does not accept" },
  PRODUCT_TYPE_EXTENDED: { usual: [false, true], about: "allOf gained a constraint the old schema did not imply" },
  PRODUCT_TYPE_NARROWED: { usual: [true, false], about: "allOf lost a constraint the new schema does not imply" },
  NOT_TYPE_EXTENDED: { usual: [false, true], about: "not excludes more values" },
  NOT_TYPE_NARROWED: { usual: [true, false], about: "not excludes fewer values" },
  NOT_TYPE_CHANGED: { usual: [false, false], about: "not excludes different values" },
  NOT_TYPE_ADDED: { usual: [false, true], about: "not added" },
  NOT_TYPE_REMOVED: { usual: [true, false], about: "not removed" },
  CONDITIONAL_CHANGED: { usual: [false, false], about: "if/then/else changed" },
} as const satisfies Record<string, { usual: readonly [boolean, boolean]; about: string }>;

export type ChangeKind = keyof typeof CHANGE_KINDS;

export interface SchemaChange {
  kind: ChangeKind;
  /** JSON pointer into the schema, following the new schema's keywords (`/properties/amount`). */
  path: string;
  /** A reader on the new schema accepts every value the old one accepted, as far as this change goes. */
  backward: boolean;
  /** A reader on the old schema accepts every value the new one accepts, as far as this change goes. */
  forward: boolean;
  message: string;
}
