// Classification and regression metrics, with scikit-learn's definitions (macro averages are the
// unweighted mean over classes; a class never predicted has precision 0).

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[i][j]: samples of true class labels[i] predicted as labels[j]. */
  confusion: number[][];
  labels: string[];
}

export function classificationReport(actual: ArrayLike<string>, predicted: ArrayLike<string>, labels?: string[]): ClassificationReport {
  if (actual.length !== predicted.length) throw new Error(`${actual.length} labels but ${predicted.length} predictions`);
  if (actual.length === 0) throw new Error('no samples to score');
  const all = labels ?? [...new Set([...Array.from(actual), ...Array.from(predicted)])].sort();
  const index = new Map(all.map((l, i) => [l, i]));
  const confusion = all.map(() => all.map(() => 0));
  let correct = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = index.get(actual[i]);
    const p = index.get(predicted[i]);
    if (a === undefined || p === undefined) throw new Error(`label ${actual[i]} or ${predicted[i]} is not among ${all.join(', ')}`);
    confusion[a][p]++;
    if (a === p) correct++;
  }
  const perClass = all.map((label, k) => {
    const tp = confusion[k][k];
    const support = confusion[k].reduce((s, v) => s + v, 0);
    const predictedK = confusion.reduce((s, row) => s + row[k], 0);
    const precision = predictedK ? tp / predictedK : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const mean = (f: (m: ClassMetrics) => number) => perClass.reduce((s, m) => s + f(m), 0) / perClass.length;
  return {
    accuracy: correct / actual.length,
    macroPrecision: mean((m) => m.precision),
    macroRecall: mean((m) => m.recall),
    macroF1: mean((m) => m.f1),
    perClass,
    confusion,
    labels: all,
  };
}

export function accuracy(actual: ArrayLike<string>, predicted: ArrayLike<string>): number {
  let correct = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) correct++;
  return correct / actual.length;
}

export function meanSquaredError(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i] - predicted[i]) ** 2;
  return s / actual.length;
}

/** Coefficient of determination: 1 − SSres/SStot. */
export function r2(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < actual.length; i++) mean += actual[i];
  mean /= actual.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < actual.length; i++) {
    res += (actual[i] - predicted[i]) ** 2;
    tot += (actual[i] - mean) ** 2;
  }
  return tot === 0 ? (res === 0 ? 1 : 0) : 1 - res / tot;
}
