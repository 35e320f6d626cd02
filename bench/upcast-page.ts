/**
 * The page side of bench/current-v8.ts, bundled by esbuild into a Chromium page: the versions rows'
 * subjects, timed with the bench's own harness on the page's V8.
 */
import { opsPerSecond } from "./harness.ts";
import { upcastSubjects } from "./upcast-subjects.ts";

const { validate, written, router, byHand } = upcastSubjects();
const subjects = { router: () => router.read(written, "2.0.0"), byHand: () => byHand(written) };

/** Alternating rounds of validating the event and of one subject: the ops/s of each round. */
function measureUpcast(subject: keyof typeof subjects, rounds: number, roundMs: number) {
  const measure = { warmupMs: roundMs, roundMs, rounds: 1 };
  const runs = { validate: [] as number[], subject: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    runs.validate.push(opsPerSecond(() => validate(written), measure));
    runs.subject.push(opsPerSecond(subjects[subject], measure));
  }
  return runs;
}

/** How bench/current-v8.ts calls it in the page. */
export type MeasureUpcast = typeof measureUpcast;

Object.assign(globalThis, { measureUpcast });
