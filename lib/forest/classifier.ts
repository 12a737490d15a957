// Random-forest classifier: bootstrap samples, a random subset of features per split, Gini
// impurity, probabilities averaged over trees (scikit-learn's definition), out-of-bag accuracy and
// impurity-based feature importance.
import { binMatrix, type Matrix } from './binning.ts';
import { asMatrix, checkFit, type ForestOptions, type Grown, growTrees, meanImportance, type Resolved, resolveOptions, sumLeaves } from './forest.ts';
import { growInThreads } from './parallel.ts';
import { deserialiseTree, type SerialisedTree, serialiseTree } from './serialise.ts';
import type { Tree } from './tree.ts';

export interface FitOptions {
  /** Worker threads to grow trees on (the result is identical for any count). Default 1. */
  threads?: number;
}

export interface SerialisedClassifier {
  format: 'refinery-forest/1';
  kind: 'classifier';
  options: Resolved;
  classes: string[];
  features: number;
  importance: number[];
  oobScore: number | null;
  trees: SerialisedTree[];
}

export class RandomForestClassifier {
  readonly options: Resolved;
  classes: string[] = [];
  features = 0;
  trees: Tree[] = [];
  /** Mean decrease in impurity per feature, summing to 1. */
  featureImportance: Float64Array = new Float64Array(0);
  /** Accuracy of each sample's out-of-bag vote (null when not computed). */
  oobScore: number | null = null;

  constructor(options: ForestOptions = {}) {
    this.options = resolveOptions(options, 'sqrt');
  }

  async fit(x: Matrix | ArrayLike<ArrayLike<number>>, labels: ArrayLike<string | number>, fit: FitOptions = {}): Promise<this> {
    const m = asMatrix(x);
    checkFit(m, labels.length);
    this.classes = [...new Set(Array.from(labels, String))].sort();
    const index = new Map(this.classes.map((c, i) => [c, i]));
    const y = Int32Array.from(Array.from(labels, (l) => index.get(String(l))!));
    const data = binMatrix(m);
    const target = { kind: 'classification' as const, y, classes: this.classes.length };
    const grown: Grown[] =
      (fit.threads ?? 1) > 1
        ? await growInThreads(data, target, this.options, fit.threads!)
        : growTrees(data, target, this.options, 0, this.options.nEstimators);
    this.features = m.cols;
    this.trees = grown.map((g) => g.tree);
    this.featureImportance = meanImportance(grown, m.cols);
    this.oobScore = this.options.bootstrap && this.options.oobScore ? oobAccuracy(grown, m, y, this.classes.length) : null;
    return this;
  }

  /** Class probabilities, row-major rows × classes (columns in `classes` order). */
  predictProba(x: Matrix | ArrayLike<ArrayLike<number>>): Float64Array {
    const m = this.checkPredict(x);
    const { sum } = sumLeaves(this.trees, m, this.classes.length);
    const k = 1 / this.trees.length;
    for (let i = 0; i < sum.length; i++) sum[i] *= k;
    return sum;
  }

  predict(x: Matrix | ArrayLike<ArrayLike<number>>): string[] {
    const p = this.predictProba(x);
    const c = this.classes.length;
    const out: string[] = [];
    for (let i = 0; i < p.length / c; i++) out.push(this.classes[argmax(p, i * c, c)]);
    return out;
  }

  toJSON(): SerialisedClassifier {
    return {
      format: 'refinery-forest/1',
      kind: 'classifier',
      options: { ...this.options, maxDepth: Number.isFinite(this.options.maxDepth) ? this.options.maxDepth : -1 },
      classes: this.classes,
      features: this.features,
      importance: Array.from(this.featureImportance),
      oobScore: this.oobScore,
      trees: this.trees.map(serialiseTree),
    };
  }

  static fromJSON(s: SerialisedClassifier): RandomForestClassifier {
    if (s?.format !== 'refinery-forest/1' || s.kind !== 'classifier') throw new Error('not a refinery-forest/1 classifier artifact');
    const f = new RandomForestClassifier({ ...s.options, maxDepth: s.options.maxDepth < 0 ? Infinity : s.options.maxDepth });
    f.classes = s.classes;
    f.features = s.features;
    f.featureImportance = Float64Array.from(s.importance);
    f.oobScore = s.oobScore;
    f.trees = s.trees.map(deserialiseTree);
    return f;
  }

  private checkPredict(x: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
    if (!this.trees.length) throw new Error('the forest is not fitted');
    const m = asMatrix(x);
    if (m.rows && m.cols !== this.features) throw new Error(`expected ${this.features} features per row, got ${m.cols}`);
    return m;
  }
}

export function argmax(a: ArrayLike<number>, offset: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (a[offset + c] > a[offset + best]) best = c;
  return best;
}

function oobAccuracy(grown: Grown[], x: Matrix, y: Int32Array, classes: number): number | null {
  const { sum, votes } = sumLeaves(
    grown.map((g) => g.tree),
    x,
    classes,
    (t, row) => grown[t].inBag[row] === 0,
  );
  let scored = 0;
  let correct = 0;
  for (let i = 0; i < x.rows; i++) {
    if (!votes[i]) continue;
    scored++;
    if (argmax(sum, i * classes, classes) === y[i]) correct++;
  }
  return scored ? correct / scored : null;
}
