// Training a random forest on a table (an uploaded dataset's columns): numeric feature columns, a
// target column (text or numbers for classification, numbers for regression), a seeded holdout
// split (stratified by class for classification), and the held-out scores. Pure: the step reads
// the table from storage and records the outcome.
import {
  classificationReport,
  meanSquaredError,
  r2,
  RandomForestClassifier,
  RandomForestRegressor,
  stratifiedSplit,
  type ClassificationReport,
  type ForestOptions,
} from '../forest/index.ts';
import { isNullCell, numericValue, type Cell } from '../datasets/profile.ts';
import { seededRandom } from '../random.ts';

export class TableTrainingError extends Error {
  override name = 'TableTrainingError';
}

export interface TableTrainingRequest {
  task: 'classification' | 'regression';
  target: string;
  features: string[];
  testFraction: number;
  seed: number;
  forest: ForestOptions;
}

export interface TableTrainingOutcome {
  forest: RandomForestClassifier | RandomForestRegressor;
  /** Held-out scores: accuracy and macro scores, or r2, rmse and mae. */
  scores: Record<string, number>;
  report: ClassificationReport | null;
  rowsUsed: number;
  rowsDropped: number;
  split: { trainRows: number; testRows: number };
}

export async function trainOnTable(columns: Map<string, Cell[]>, r: TableTrainingRequest): Promise<TableTrainingOutcome> {
  const target = columns.get(r.target)!;
  const n = target.length;
  const x: number[][] = [];
  const y: Cell[] = [];
  let dropped = 0;
  // A row with a missing target or feature cannot be used; a non-numeric feature is a request error.
  for (let i = 0; i < n; i++) {
    if (isNullCell(target[i])) {
      dropped++;
      continue;
    }
    const row: number[] = [];
    let missing = false;
    for (const f of r.features) {
      const cell = columns.get(f)![i];
      if (isNullCell(cell)) {
        missing = true;
        break;
      }
      const v = numericValue(cell);
      if (v === undefined)
        throw new TableTrainingError(`feature "${f}" is not numeric (row ${i + 1} has ${JSON.stringify(String(cell))}); choose numeric features`);
      row.push(v);
    }
    if (missing) {
      dropped++;
      continue;
    }
    x.push(row);
    y.push(target[i]);
  }
  if (x.length < 10) throw new TableTrainingError(`only ${x.length} rows have a target and every feature; at least 10 are needed`);

  if (r.task === 'classification') {
    const labels = y.map((v) => String(v));
    const classes = [...new Set(labels)].sort();
    if (classes.length < 2) throw new TableTrainingError(`the target "${r.target}" has ${classes.length} class; classification needs at least 2`);
    const { train, test } = stratifiedSplit(labels, r.testFraction, r.seed);
    if (!test.length) throw new TableTrainingError('the split leaves no test rows; use a larger testFraction or more data');
    const forest = await new RandomForestClassifier({ ...r.forest, seed: r.seed }).fit(
      train.map((i) => x[i]),
      train.map((i) => labels[i]),
    );
    const report = classificationReport(
      test.map((i) => labels[i]),
      forest.predict(test.map((i) => x[i])),
      classes,
    );
    return {
      forest,
      report,
      scores: { accuracy: report.accuracy, macro_precision: report.macroPrecision, macro_recall: report.macroRecall, macro_f1: report.macroF1 },
      rowsUsed: x.length,
      rowsDropped: dropped,
      split: { trainRows: train.length, testRows: test.length },
    };
  }

  const values = y.map((v) => numericValue(v));
  const bad = values.findIndex((v) => v === undefined);
  if (bad >= 0) throw new TableTrainingError(`the target "${r.target}" is not numeric (it has ${JSON.stringify(String(y[bad]))}); regression needs numbers`);
  // A seeded shuffle, then the first testFraction of rows held out.
  const order = Array.from(x.keys());
  const rng = seededRandom(r.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const k = Math.max(1, Math.round(order.length * r.testFraction));
  const test = order.slice(0, k).sort((a, b) => a - b);
  const train = order.slice(k).sort((a, b) => a - b);
  const forest = await new RandomForestRegressor({ ...r.forest, seed: r.seed }).fit(
    train.map((i) => x[i]),
    train.map((i) => values[i]!),
  );
  const actual = test.map((i) => values[i]!);
  const predicted = forest.predict(test.map((i) => x[i]));
  const mae = actual.reduce((s, a, i) => s + Math.abs(a - predicted[i]), 0) / actual.length;
  return {
    forest,
    report: null,
    scores: { r2: r2(actual, predicted), rmse: Math.sqrt(meanSquaredError(actual, predicted)), mae },
    rowsUsed: x.length,
    rowsDropped: dropped,
    split: { trainRows: train.length, testRows: test.length },
  };
}
