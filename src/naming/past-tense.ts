/**
 * Is a word a past-tense verb (or a past participle)? Irregular forms come from compromise's own
 * conjugation tables (its `toPast`/`toParticiple` exceptions and its conjugator), regular ones from
 * conjugating the word's infinitive back and getting the word again, so no irregular form is guessed.
 * compromise (its one-file CommonJS build) loads on the first question, not when evreg is imported.
 */
import { createRequire } from "node:module";
import type Compromise from "compromise";

interface VerbTransforms {
  toInfinitive(word: string, model: object, tense: string): string;
  conjugate(infinitive: string, model: object): Record<string, string | undefined>;
}
interface CompromiseModel {
  one: { lexicon: Record<string, string | string[] | undefined> };
  two: { models: Record<"toPast" | "toParticiple", { ex: Record<string, string> }> };
}

interface Tables {
  nlp: typeof Compromise;
  model: CompromiseModel;
  verbs: VerbTransforms;
  /** Infinitives whose past forms are irregular (`send` -> `sent`), from compromise's exceptions. */
  irregularInfinitives: ReadonlySet<string>;
  /** Every irregular past and participle form (`sent`, `built`, `drawn`, `run`, `set`), to its infinitive. */
  irregularForms: ReadonlyMap<string, string>;
}

function buildTables(): Tables {
  const nlp = createRequire(import.meta.url)("compromise") as typeof Compromise;
  const model = nlp.model() as CompromiseModel;
  const verbs = (nlp.methods() as { two: { transform: { verb: VerbTransforms } } }).two.transform.verb;
  const pastOf = model.two.models.toPast.ex;
  const irregularInfinitives = new Set(Object.keys(pastOf));
  const irregularForms = new Map<string, string>();
  for (const [infinitive, past] of Object.entries(pastOf)) {
    // The table has quirks such as `fee` -> `feed`; a form that is itself a present verb is not past.
    const ownPast = pastOf[past];
    if (ownPast === undefined || ownPast === past) irregularForms.set(past, infinitive);
  }
  for (const [infinitive, participle] of Object.entries(model.two.models.toParticiple.ex))
    irregularForms.set(participle, infinitive);
  for (const infinitive of irregularInfinitives) {
    const participle = verbs.conjugate(infinitive, model).Participle;
    if (participle) irregularForms.set(participle, infinitive);
  }
  return { nlp, model, verbs, irregularInfinitives, irregularForms };
}

let loaded: Tables | undefined;

function tables(): Tables {
  loaded ??= buildTables();
  return loaded;
}

/** Prefixes that keep a verb's irregular form: `rebuilt`, `reset`, `undone`, `overrun`. */
const VERB_PREFIXES = ["re", "un", "pre", "over", "under", "out", "mis", "up", "with", "fore", "co"];

const PRESENT_TAGS = new Set(["Infinitive", "PresentTense", "Imperative"]);

function lexiconSaysPresent(word: string): boolean {
  const tags = tables().model.one.lexicon[word];
  return (Array.isArray(tags) ? tags : [tags]).some((tag) => tag !== undefined && PRESENT_TAGS.has(tag));
}

function isIrregularPast(word: string): boolean {
  const { irregularForms } = tables();
  if (irregularForms.has(word)) return true;
  return VERB_PREFIXES.some(
    (prefix) =>
      word.startsWith(prefix) && word.length > prefix.length + 2 && irregularForms.has(word.slice(prefix.length)),
  );
}

/** `feed` -> `fed`: the word is itself an infinitive whose past is another word, so it is present. */
function hasIrregularPast(word: string): boolean {
  const { verbs, model } = tables();
  const past = verbs.conjugate(word, model).PastTense;
  return past !== undefined && past !== word && !past.startsWith(word);
}

/** `created`, `built`, `thought`, `swum`: conjugating the word's infinitive gives the word back. */
function conjugatesBackTo(word: string): boolean {
  const { verbs, model } = tables();
  return ["PastTense", "Participle"].some((tense) => {
    const infinitive = verbs.toInfinitive(word, model, tense);
    if (infinitive === word) return false;
    const forms = verbs.conjugate(infinitive, model);
    return forms.PastTense === word || forms.Participle === word;
  });
}

/** True for `created`, `shipped`, `paid`, `sent`, `built`, `drawn`, `run`, `held`, `won`; false for `send`, `create`, `sync`. */
export function isPastTense(word: string): boolean {
  const lower = word.toLowerCase();
  if (!/^[a-z]+$/.test(lower)) return false;
  if (isIrregularPast(lower)) return true;
  if (tables().irregularInfinitives.has(lower) || lexiconSaysPresent(lower) || hasIrregularPast(lower)) return false;
  return conjugatesBackTo(lower);
}

/** The past tense of a present, gerund or infinitive form (`send` -> `sent`), or undefined when unsure. */
export function toPastTense(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (!/^[a-z]+$/.test(lower)) return undefined;
  if (isPastTense(lower)) return lower;
  const { nlp, model, verbs, irregularInfinitives } = tables();
  const tense = lower.endsWith("ing") ? "Gerund" : "PresentTense";
  const infinitive = verbs.toInfinitive(lower, model, tense);
  const past = verbs.conjugate(infinitive, model).PastTense;
  const known = irregularInfinitives.has(infinitive) || lexiconSaysPresent(infinitive) || nlp(lower).has("#Verb");
  return known && past && past !== lower && isPastTense(past) ? past : undefined;
}
