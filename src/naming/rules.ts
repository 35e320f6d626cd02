/** The event-name rules, by id: the lint configuration reads them without loading the NLP tables. */
export const NAME_RULES = [
  "name/reserved-prefix",
  "name/missing-domain",
  "name/object-action",
  "name/separator",
  "name/case",
  "name/past-tense",
  "name/too-long",
  "name/wildcard",
] as const;
export type NameRule = (typeof NAME_RULES)[number];
