// Random forests (classification and regression) on histogram-binned features. Each tree's
// randomness comes only from (seed, tree index), so a forest is the same whether its trees are
// grown on one thread or several, and the same on every machine.
import { hashSeed, seededRandom } from '../random.ts';
import { type Binned, type Matrix, toMatrix } from './binning.ts';
import { growTree, leafOf, Scratch, type Target, type Tree, type TreeParams } from './tree.ts';

export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

export interface ForestOptions {
  nEstimators?: number;
  maxDepth?: number;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  /** Features drawn per split: 'sqrt' (classifier default), 'all' (regressor default), 'log2', a count, or a fraction < 1. */
  maxFeatures?: MaxFeatures;
  bootstrap?: boolean;
  /** Score every sample on the trees that did not see it (needs bootstrap). */
  oobScore?: boolean;
  seed?: number;
}

export type Resolved = Required<ForestOptions>;

export function resolveOptions(o: ForestOptions, defaultMaxFeatures: MaxFeatures): Resolved {
  const r: Resolved = {
    nEstimators: o.nEstimators ?? 100,
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesSplit: o.minSamplesSplit ?? 2,
    minSamplesLeaf: o.minSamplesLeaf ?? 1,
    maxFeatures: o.maxFeatures ?? defaultMaxFeatures,
    bootstrap: o.bootstrap ?? true,
    oobScore: o.oobScore ?? true,
    seed: o.seed ?? 0,
  };
  const positiveInt = (name: keyof Resolved, min: number) => {
    const v = r[name] as number;
    if (!(v === Infinity || (Number.isInteger(v) && v >= min))) throw new Error(`${name} must be an integer >= ${min}, got ${v}`);
  };
  positiveInt('nEstimators', 1);
  positiveInt('maxDepth', 1);
  positiveInt('minSamplesSplit', 2);
  positiveInt('minSamplesLeaf', 1);
  if (typeof r.maxFeatures === 'number' && !(r.maxFeatures > 0)) throw new Error(`maxFeatures must be positive, got ${r.maxFeatures}`);
  return r;
}

export function featuresPerSplit(m: MaxFeatures, cols: number): number {
  const k = m === 'sqrt' ? Math.sqrt(cols) : m === 'log2' ? Math.log2(cols) : m === 'all' ? cols : m < 1 ? m * cols : m;
  return Math.max(1, Math.min(cols, Math.floor(k)));
}

export function treeRandom(seed: number, tree: number) {
  return seededRandom(hashSeed(`${seed}/${tree}`));
}

export interface Grown {
  tree: Tree;
  /** 1 where the row was drawn into the tree's bootstrap sample. */
  inBag: Uint8Array;
  importance: Float64Array;
}

/** Grows trees [from, to) of a forest: the unit of work for one thread. */
export function growTrees(data: Binned, target: Target, o: Resolved, from: number, to: number): Grown[] {
  const n = data.rows;
  const params: TreeParams = {
    maxDepth: o.maxDepth,
    minSamplesSplit: o.minSamplesSplit,
    minSamplesLeaf: o.minSamplesLeaf,
    maxFeatures: featuresPerSplit(o.maxFeatures, data.cols),
  };
  const scratch = new Scratch(target.kind === 'classification' ? target.classes : 0);
  const grown: Grown[] = [];
  for (let t = from; t < to; t++) {
    const rng = treeRandom(o.seed, t);
    const sample = new Int32Array(n);
    const inBag = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const row = o.bootstrap ? Math.floor(rng.next() * n) : i;
      sample[i] = row;
      inBag[row] = 1;
    }
    const importance = new Float64Array(data.cols);
    const tree = growTree(data, target, sample, params, rng, scratch, importance);
    grown.push({ tree, inBag, importance });
  }
  return grown;
}

/** Mean of the per-tree importances, each normalised to sum 1 (as scikit-learn does). */
export function meanImportance(grown: Grown[], cols: number): Float64Array {
  const out = new Float64Array(cols);
  let trees = 0;
  for (const g of grown) {
    let total = 0;
    for (const v of g.importance) total += v;
    if (total <= 0) continue;
    trees++;
    for (let f = 0; f < cols; f++) out[f] += g.importance[f] / total;
  }
  if (trees) for (let f = 0; f < cols; f++) out[f] /= trees;
  return out;
}

export function asMatrix(x: Matrix | ArrayLike<ArrayLike<number>>): Matrix {
  return 'data' in x && x.data instanceof Float64Array ? (x as Matrix) : toMatrix(x as ArrayLike<ArrayLike<number>>);
}

export function checkFit(x: Matrix, yLength: number) {
  if (x.rows === 0) throw new Error('cannot fit a forest on 0 samples');
  if (x.rows !== yLength) throw new Error(`x has ${x.rows} rows but y has ${yLength} labels`);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    if (v === Infinity || v === -Infinity) {
      throw new Error(`x[${Math.floor(i / x.cols)}][${i % x.cols}] is infinite (NaN is allowed and treated as missing)`);
    }
  }
}

/** Sum of every tree's leaf values for each row: class-probability sums, or prediction sums. */
export function sumLeaves(
  trees: Tree[],
  x: Matrix,
  width: number,
  rows?: (tree: number, row: number) => boolean,
): {
  sum: Float64Array;
  votes: Int32Array;
} {
  const sum = new Float64Array(x.rows * width);
  const votes = new Int32Array(x.rows);
  for (let t = 0; t < trees.length; t++) {
    const tree = trees[t];
    const values = tree.values;
    for (let i = 0; i < x.rows; i++) {
      if (rows && !rows(t, i)) continue;
      const leaf = leafOf(tree, x.data, i * x.cols) * width;
      for (let c = 0; c < width; c++) sum[i * width + c] += values[leaf + c];
      votes[i]++;
    }
  }
  return { sum, votes };
}
