// Random-forest regressor: squared-error splits, leaf means averaged over trees, out-of-bag R².
import type { Matrix } from './binning.ts';
import { binMatrix } from './binning.ts';
import type { FitOptions } from './classifier.ts';
import { asMatrix, checkFit, type ForestOptions, type Grown, growTrees, meanImportance, type Resolved, resolveOptions, sumLeaves } from './forest.ts';
import { r2 } from './metrics.ts';
import { growInThreads } from './parallel.ts';
import { deserialiseTree, type SerialisedTree, serialiseTree } from './serialise.ts';
import type { Tree } from './tree.ts';

export interface SerialisedRegressor {
  format: 'refinery-forest/1';
  kind: 'regressor';
  options: Resolved;
  features: number;
  importance: number[];
  oobScore: number | null;
  trees: SerialisedTree[];
}

export class RandomForestRegressor {
  readonly options: Resolved;
  features = 0;
  trees: Tree[] = [];
  featureImportance: Float64Array = new Float64Array(0);
  /** R² of the out-of-bag predictions (null when not computed). */
  oobScore: number | null = null;

  constructor(options: ForestOptions = {}) {
    // scikit-learn's regressor default considers every feature at each split.
    this.options = resolveOptions(options, 'all');
  }

  async fit(x: Matrix | ArrayLike<ArrayLike<number>>, target: ArrayLike<number>, fit: FitOptions = {}): Promise<this> {
    const m = asMatrix(x);
    checkFit(m, target.length);
    const y = Float64Array.from(target);
    y.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new Error(`y[${i}] is ${v}; regression targets must be finite`);
    });
    const data = binMatrix(m);
    const t = { kind: 'regression' as const, y };
    const grown: Grown[] =
      (fit.threads ?? 1) > 1 ? await growInThreads(data, t, this.options, fit.threads!) : growTrees(data, t, this.options, 0, this.options.nEstimators);
    this.features = m.cols;
    this.trees = grown.map((g) => g.tree);
    this.featureImportance = meanImportance(grown, m.cols);
    this.oobScore = this.options.bootstrap && this.options.oobScore ? oobR2(grown, m, y) : null;
    return this;
  }

  predict(x: Matrix | ArrayLike<ArrayLike<number>>): Float64Array {
    if (!this.trees.length) throw new Error('the forest is not fitted');
    const m = asMatrix(x);
    if (m.rows && m.cols !== this.features) throw new Error(`expected ${this.features} features per row, got ${m.cols}`);
    const { sum } = sumLeaves(this.trees, m, 1);
    for (let i = 0; i < sum.length; i++) sum[i] /= this.trees.length;
    return sum;
  }

  toJSON(): SerialisedRegressor {
    return {
      format: 'refinery-forest/1',
      kind: 'regressor',
      options: { ...this.options, maxDepth: Number.isFinite(this.options.maxDepth) ? this.options.maxDepth : -1 },
      features: this.features,
      importance: Array.from(this.featureImportance),
      oobScore: this.oobScore,
      trees: this.trees.map(serialiseTree),
    };
  }

  static fromJSON(s: SerialisedRegressor): RandomForestRegressor {
    if (s?.format !== 'refinery-forest/1' || s.kind !== 'regressor') throw new Error('not a refinery-forest/1 regressor artifact');
    const f = new RandomForestRegressor({ ...s.options, maxDepth: s.options.maxDepth < 0 ? Infinity : s.options.maxDepth });
    f.features = s.features;
    f.featureImportance = Float64Array.from(s.importance);
    f.oobScore = s.oobScore;
    f.trees = s.trees.map(deserialiseTree);
    return f;
  }
}

function oobR2(grown: Grown[], x: Matrix, y: Float64Array): number | null {
  const { sum, votes } = sumLeaves(
    grown.map((g) => g.tree),
    x,
    1,
    (t, row) => grown[t].inBag[row] === 0,
  );
  const actual: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < x.rows; i++) {
    if (!votes[i]) continue;
    actual.push(y[i]);
    predicted.push(sum[i] / votes[i]);
  }
  return actual.length > 1 ? r2(actual, predicted) : null;
}
