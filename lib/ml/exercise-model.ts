// Training the exercise classifier on labelled windows, scored on people it never saw: whole persons
// (a device is worn by one person) are held out, since windows of one person share their style and a
// split by window or by session would leak it into the test set. With fewer than three persons the
// holdout falls back to whole sessions, stratified by exercise. The forest is fitted on the rest.
// Pure: the activity reads the windows and records the outcome.
import { RandomForestClassifier, argmax, classificationReport, stratifiedSplit, type ClassificationReport, type ForestOptions } from '../forest/index.ts';
import { seededRandom, shuffled } from '../random.ts';

export interface LabelledWindows {
  /** Row-major windows × features. */
  x: Float64Array;
  cols: number;
  labels: string[];
  sessions: string[];
  /** Who produced each window (the device id: one wearer per device). */
  persons: string[];
}

export interface TrainingOptions extends ForestOptions {
  /** Fraction of the persons (or, with fewer than three, of each exercise's sessions) held out for scoring. */
  holdout: number;
  threads?: number;
}

export interface TrainingOutcome {
  forest: RandomForestClassifier;
  report: ClassificationReport;
  classCounts: Record<string, number>;
  split: {
    /** What was held out: whole persons, or (with fewer than three persons) whole sessions. */
    heldOut: 'persons' | 'sessions';
    trainSessions: number;
    testSessions: number;
    trainWindows: number;
    testWindows: number;
    trainPersons: number;
    testPersons: string[];
  };
  testRows: number[];
}

export class NotEnoughDataError extends Error {
  override name = 'NotEnoughDataError';
}

export function rowsOf(d: Pick<LabelledWindows, 'x' | 'cols'>, rows: number[]) {
  const data = new Float64Array(rows.length * d.cols);
  rows.forEach((r, i) => data.set(d.x.subarray(r * d.cols, (r + 1) * d.cols), i * d.cols));
  return { data, rows: rows.length, cols: d.cols };
}

/** Persons held out: round(fraction × persons), at least one, chosen by a seeded shuffle. */
export function holdOutPersons(persons: readonly string[], fraction: number, seed: number): Set<string> {
  const all = shuffled([...new Set(persons)].sort(), seededRandom(seed));
  return new Set(all.slice(0, Math.min(all.length - 1, Math.max(1, Math.round(all.length * fraction)))));
}

function holdOutSessions(d: LabelledWindows, fraction: number, seed: number): Set<string> {
  const sessionLabel = new Map<string, string>();
  d.sessions.forEach((s, i) => sessionLabel.set(s, d.labels[i]));
  const sessionIds = [...sessionLabel.keys()].sort();
  const { test } = stratifiedSplit(
    sessionIds.map((s) => sessionLabel.get(s)!),
    fraction,
    seed,
  );
  return new Set(test.map((i) => sessionIds[i]));
}

export async function trainExerciseClassifier(d: LabelledWindows, o: TrainingOptions): Promise<TrainingOutcome> {
  const classes = new Set(d.labels);
  if (classes.size < 2) throw new NotEnoughDataError(`need labelled sessions of at least 2 exercises, found ${classes.size}`);
  const byPerson = new Set(d.persons).size >= 3;
  const held = byPerson ? holdOutPersons(d.persons, o.holdout, o.seed ?? 0) : holdOutSessions(d, o.holdout, o.seed ?? 0);
  const isTest = (row: number) => held.has(byPerson ? d.persons[row] : d.sessions[row]);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let row = 0; row < d.labels.length; row++) (isTest(row) ? testRows : trainRows).push(row);
  if (!testRows.length) throw new NotEnoughDataError('need at least 2 labelled sessions of some exercise to hold one out');
  if (new Set(trainRows.map((r) => d.labels[r])).size < 2) throw new NotEnoughDataError('the training part holds fewer than 2 exercises');

  const { threads, holdout: _holdout, ...forestOptions } = o;
  const forest = await new RandomForestClassifier(forestOptions).fit(
    rowsOf(d, trainRows),
    trainRows.map((r) => d.labels[r]),
    { threads },
  );
  const predicted = forest.predict(rowsOf(d, testRows));
  // Scored over the exercises the held-out persons did or were predicted to do (scikit-learn's
  // default): an exercise nobody in the test part did has no recall to average.
  const report = classificationReport(
    testRows.map((r) => d.labels[r]),
    predicted,
  );
  const classCounts: Record<string, number> = {};
  for (const l of d.labels) classCounts[l] = (classCounts[l] ?? 0) + 1;
  const distinct = (rows: number[], of: string[]) => new Set(rows.map((r) => of[r])).size;
  return {
    forest,
    report,
    classCounts,
    split: {
      heldOut: byPerson ? 'persons' : 'sessions',
      trainSessions: distinct(trainRows, d.sessions),
      testSessions: distinct(testRows, d.sessions),
      trainWindows: trainRows.length,
      testWindows: testRows.length,
      trainPersons: distinct(trainRows, d.persons),
      testPersons: [...new Set(testRows.map((r) => d.persons[r]))].sort(),
    },
    testRows,
  };
}

export interface WindowClass {
  predicted: string;
  probability: number;
  /** Every class's probability, rounded to 6 decimals (as gold and live predictions store them). */
  probabilities: Record<string, number>;
}

/** Row `row` of predictProba's output as the class predicted and its probabilities (the batch and live paths share this). */
export function windowClass(p: Float64Array, row: number, classes: readonly string[]): WindowClass {
  const k = classes.length;
  const best = argmax(p, row * k, k);
  const probabilities: Record<string, number> = {};
  classes.forEach((c, j) => (probabilities[c] = Math.round(p[row * k + j] * 1e6) / 1e6));
  return { predicted: classes[best], probability: p[row * k + best], probabilities };
}
