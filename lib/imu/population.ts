// A labelled population of simulated people for evaluating the exercise classifier: every person
// does every exercise in a few sessions; each session is cut into windows and featurised exactly as
// the sensor pipeline's windows step does it (cleaning, windows, features).
import { FEATURE_COUNT } from './catalogue.ts';
import { cleanReadings } from './clean.ts';
import { EXERCISES, type Exercise } from './exercises.ts';
import { createFeatureExtractor } from './features.ts';
import { generateSession, sessionColumns } from './synthetic.ts';
import { cutWindows } from './windows.ts';

export interface Population {
  /** Row-major windows × FEATURE_COUNT. */
  x: Float64Array;
  cols: number;
  labels: Exercise[];
  sessions: string[];
  persons: string[];
}

export interface PopulationOptions {
  persons: number;
  sessionsPerExercise: number;
  sessionSeconds: number;
  /** Seeds the persons' ids and the sessions. Default 1. */
  seed?: number;
}

export function simulatePopulation(o: PopulationOptions): Population {
  const extractor = createFeatureExtractor();
  const vectors: Float64Array[] = [];
  const p: Population = { x: new Float64Array(0), cols: FEATURE_COUNT, labels: [], sessions: [], persons: [] };
  const seed = o.seed ?? 1;
  let n = 0;
  for (let person = 0; person < o.persons; person++) {
    const personId = `person-${seed}-${person}`;
    for (const exercise of EXERCISES) {
      for (let s = 0; s < o.sessionsPerExercise; s++) {
        const session = generateSession({
          exercise,
          deviceId: personId,
          sessionId: `${personId}/${exercise}/${s}`,
          start: Date.UTC(2026, 2, 1, 8) + s * 3_600_000,
          durationS: o.sessionSeconds,
          seed: seed * 1_000_003 + n++,
        });
        const { columns } = cleanReadings(sessionColumns(session));
        for (const window of cutWindows(columns)) {
          const v = new Float64Array(FEATURE_COUNT);
          extractor.extract(columns, window, v, 0);
          vectors.push(v);
          p.labels.push(exercise);
          p.sessions.push(session.sessionId);
          p.persons.push(personId);
        }
      }
    }
  }
  p.x = new Float64Array(vectors.length * FEATURE_COUNT);
  vectors.forEach((v, i) => p.x.set(v, i * FEATURE_COUNT));
  return p;
}
