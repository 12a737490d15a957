// Training the exercise classifier on labelled windows: a holdout split by session (windows of one
// session overlap and look alike, so a split by window would leak answers into the test set),
// stratified by the session's exercise; the forest is fitted on the training sessions and scored
// on the held-out ones. Pure: the activity reads the windows and records the outcome.
import { RandomForestClassifier, classificationReport, stratifiedSplit, type ClassificationReport, type ForestOptions } from '../forest/index.ts';

export interface LabelledWindows {
  /** Row-major windows × features. */
  x: Float64Array;
  cols: number;
  labels: string[];
  sessions: string[];
}

export interface TrainingOptions extends ForestOptions {
  /** Fraction of each exercise's sessions held out for scoring. */
  holdout: number;
  threads?: number;
}

export interface TrainingOutcome {
  forest: RandomForestClassifier;
  report: ClassificationReport;
  classCounts: Record<string, number>;
  split: { trainSessions: number; testSessions: number; trainWindows: number; testWindows: number };
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

export async function trainExerciseClassifier(d: LabelledWindows, o: TrainingOptions): Promise<TrainingOutcome> {
  const sessionLabel = new Map<string, string>();
  d.sessions.forEach((s, i) => sessionLabel.set(s, d.labels[i]));
  const sessionIds = [...sessionLabel.keys()].sort();
  const classes = new Set(sessionLabel.values());
  if (classes.size < 2) throw new NotEnoughDataError(`need labelled sessions of at least 2 exercises, found ${classes.size}`);
  const perClass = new Map<string, number>();
  for (const l of sessionLabel.values()) perClass.set(l, (perClass.get(l) ?? 0) + 1);
  const { train: trainSessions, test: testSessions } = stratifiedSplit(
    sessionIds.map((s) => sessionLabel.get(s)!),
    o.holdout,
    o.seed ?? 0,
  );
  if (!testSessions.length) throw new NotEnoughDataError('need at least 2 labelled sessions of some exercise to hold one out');
  const testSet = new Set(testSessions.map((i) => sessionIds[i]));
  const trainRows: number[] = [];
  const testRows: number[] = [];
  d.sessions.forEach((s, row) => (testSet.has(s) ? testRows : trainRows).push(row));

  const { threads, holdout: _holdout, ...forestOptions } = o;
  const forest = await new RandomForestClassifier(forestOptions).fit(
    rowsOf(d, trainRows),
    trainRows.map((r) => d.labels[r]),
    { threads },
  );
  const predicted = forest.predict(rowsOf(d, testRows));
  const report = classificationReport(
    testRows.map((r) => d.labels[r]),
    predicted,
    [...classes].sort(),
  );
  const classCounts: Record<string, number> = {};
  for (const l of d.labels) classCounts[l] = (classCounts[l] ?? 0) + 1;
  return {
    forest,
    report,
    classCounts,
    split: { trainSessions: trainSessions.length, testSessions: testSessions.length, trainWindows: trainRows.length, testWindows: testRows.length },
    testRows,
  };
}
