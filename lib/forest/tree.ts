// One decision tree grown on binned features: depth-first, in place over an index array (the
// bootstrap sample, duplicates included, so counts are the bootstrap weights). Classification
// minimises Gini impurity; regression minimises squared error. Split search per feature is one
// pass that fills a histogram of the node's samples, then a scan over the occupied bins.
import type { Random } from '../random.ts';
import { type Binned, MISSING_BIN } from './binning.ts';

export interface TreeParams {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features drawn per split (more are drawn when every drawn one is constant in the node). */
  maxFeatures: number;
}

/** Flat arrays; a leaf has feature -1 and `left` holds its index into `values`. */
export interface Tree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Per leaf: class fractions (classification, `width` = classes) or the mean (regression, width 1). */
  values: Float64Array;
  width: number;
}

export type Target = { kind: 'classification'; y: Int32Array; classes: number } | { kind: 'regression'; y: Float64Array };

/** Scratch space reused across trees of one forest (one per thread). */
export class Scratch {
  readonly count = new Int32Array(256);
  readonly touched = new Int32Array(256);
  readonly classHist: Float64Array;
  readonly sumHist = new Float64Array(256);
  readonly leftClass: Float64Array;
  readonly totalClass: Float64Array;
  constructor(classes: number) {
    this.classHist = new Float64Array(256 * Math.max(classes, 1));
    this.leftClass = new Float64Array(Math.max(classes, 1));
    this.totalClass = new Float64Array(Math.max(classes, 1));
  }
}

interface Split {
  feature: number;
  bin: number;
  score: number;
}

export function growTree(
  data: Binned,
  target: Target,
  sample: Int32Array,
  params: TreeParams,
  rng: Random,
  scratch: Scratch,
  /** Impurity decrease per feature, added to (weighted by samples). */
  importance: Float64Array,
): Tree {
  const { cols } = data;
  const width = target.kind === 'classification' ? target.classes : 1;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const values: number[] = [];
  const order = new Int32Array(cols);
  for (let f = 0; f < cols; f++) order[f] = f;

  const newNode = () => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    return feature.length - 1;
  };
  // Explicit stack: [node, start, end, depth].
  const stack: number[] = [newNode(), 0, sample.length, 0];
  while (stack.length) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    const n = end - start;
    const parent = nodeStats(target, sample, start, end, scratch);
    let split: Split | null = null;
    if (depth < params.maxDepth && n >= params.minSamplesSplit && n >= 2 * params.minSamplesLeaf && parent.impurity > 1e-12) {
      split = bestSplit(data, target, sample, start, end, parent.base, params, rng, scratch, order);
    }
    if (!split) {
      feature[node] = -1;
      left[node] = values.length / width;
      if (target.kind === 'classification') for (let c = 0; c < width; c++) values.push(scratch.totalClass[c] / n);
      else values.push(parent.mean);
      continue;
    }
    importance[split.feature] += split.score - parent.base;
    const mid = partition(data, sample, start, end, split);
    feature[node] = split.feature;
    threshold[node] = data.edges[split.feature][split.bin];
    const l = newNode();
    const r = newNode();
    left[node] = l;
    right[node] = r;
    stack.push(r, mid, end, depth + 1, l, start, mid, depth + 1);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    values: Float64Array.from(values),
    width,
  };
}

/** Totals of a node; `base` is the split score of not splitting (Σc²/n or sum²/n). */
function nodeStats(target: Target, sample: Int32Array, start: number, end: number, s: Scratch) {
  const n = end - start;
  if (target.kind === 'classification') {
    const t = s.totalClass;
    t.fill(0);
    for (let i = start; i < end; i++) t[target.y[sample[i]]]++;
    let sq = 0;
    for (let c = 0; c < target.classes; c++) sq += t[c] * t[c];
    return { base: sq / n, impurity: 1 - sq / (n * n), mean: 0 };
  }
  let sum = 0;
  let sumSq = 0;
  for (let i = start; i < end; i++) {
    const v = target.y[sample[i]];
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  return { base: (sum * sum) / n, impurity: sumSq / n - mean * mean, mean };
}

function bestSplit(
  data: Binned,
  target: Target,
  sample: Int32Array,
  start: number,
  end: number,
  base: number,
  params: TreeParams,
  rng: Random,
  s: Scratch,
  order: Int32Array,
): Split | null {
  const { bins, rows, cols } = data;
  const n = end - start;
  const minLeaf = params.minSamplesLeaf;
  const { count, touched, classHist, sumHist, leftClass, totalClass } = s;
  const classes = target.kind === 'classification' ? target.classes : 0;
  let best: Split | null = null;
  let nonConstant = 0;
  for (let k = 0; k < cols; k++) {
    if (k >= params.maxFeatures && nonConstant > 0) break;
    const pick = k + Math.floor(rng.next() * (cols - k));
    const f = order[pick];
    order[pick] = order[k];
    order[k] = f;
    const offset = f * rows;
    let occupied = 0;
    if (classes) {
      const y = (target as { y: Int32Array }).y;
      for (let i = start; i < end; i++) {
        const row = sample[i];
        const b = bins[offset + row];
        if (count[b]++ === 0) touched[occupied++] = b;
        classHist[b * classes + y[row]]++;
      }
    } else {
      const y = (target as { y: Float64Array }).y;
      for (let i = start; i < end; i++) {
        const row = sample[i];
        const b = bins[offset + row];
        if (count[b]++ === 0) touched[occupied++] = b;
        sumHist[b] += y[row];
      }
    }
    if (occupied > 1) {
      nonConstant++;
      // Occupied bins in order: sorting a few is cheaper than scanning all 256; for many, scan
      // (which rewrites `touched` with the same bins, sorted, so the clean-up below still holds).
      let list: Int32Array;
      if (occupied <= 48) list = touched.subarray(0, occupied).sort();
      else {
        let m = 0;
        for (let b = 0; b < 256; b++) if (count[b] > 0) touched[m++] = b;
        list = touched.subarray(0, m);
      }
      let nLeft = 0;
      if (classes) {
        leftClass.fill(0);
        for (let j = 0; j < occupied - 1; j++) {
          const b = list[j];
          nLeft += count[b];
          for (let c = 0; c < classes; c++) leftClass[c] += classHist[b * classes + c];
          const nRight = n - nLeft;
          if (nLeft < minLeaf) continue;
          if (nRight < minLeaf) break;
          let sl = 0;
          let sr = 0;
          for (let c = 0; c < classes; c++) {
            const l = leftClass[c];
            const r = totalClass[c] - l;
            sl += l * l;
            sr += r * r;
          }
          const score = sl / nLeft + sr / nRight;
          if (score > base + 1e-12 && (!best || score > best.score)) best = { feature: f, bin: b, score };
        }
      } else {
        let total = 0;
        for (let j = 0; j < occupied; j++) total += sumHist[list[j]];
        let sumLeft = 0;
        for (let j = 0; j < occupied - 1; j++) {
          const b = list[j];
          nLeft += count[b];
          sumLeft += sumHist[b];
          const nRight = n - nLeft;
          if (nLeft < minLeaf) continue;
          if (nRight < minLeaf) break;
          const sumRight = total - sumLeft;
          const score = (sumLeft * sumLeft) / nLeft + (sumRight * sumRight) / nRight;
          if (score > base + 1e-9 * Math.abs(base) && (!best || score > best.score)) best = { feature: f, bin: b, score };
        }
      }
    }
    for (let j = 0; j < occupied; j++) {
      const b = touched[j];
      count[b] = 0;
      if (classes) for (let c = 0; c < classes; c++) classHist[b * classes + c] = 0;
      else sumHist[b] = 0;
    }
  }
  return best && best.bin !== MISSING_BIN ? best : null;
}

/** Moves samples with bin <= split.bin to the front; returns the first index of the right side. */
function partition(data: Binned, sample: Int32Array, start: number, end: number, split: Split): number {
  const offset = split.feature * data.rows;
  const bins = data.bins;
  let i = start;
  let j = end - 1;
  while (i <= j) {
    if (bins[offset + sample[i]] <= split.bin) i++;
    else {
      const t = sample[i];
      sample[i] = sample[j];
      sample[j] = t;
      j--;
    }
  }
  return i;
}

/** Index into `tree.values` (times width) of the leaf a row lands in. */
export function leafOf(tree: Tree, x: Float64Array, offset: number): number {
  const { feature, threshold, left, right } = tree;
  let node = 0;
  while (feature[node] >= 0) node = x[offset + feature[node]] <= threshold[node] ? left[node] : right[node];
  return left[node];
}
