// Histogram binning: every feature is mapped once to at most 255 ordered bins (one byte per value),
// so a node's best split is found by one pass over its samples per feature instead of a sort.
// Bin 255 is reserved for missing values (NaN); it sorts last, so every split sends missing
// values right, and prediction does the same because `NaN <= threshold` is false.

export const MISSING_BIN = 255;
const MAX_REAL_BINS = 255;
/** Quantile edges come from at most this many values per feature: enough for 255 bins, and fast. */
const EDGE_SAMPLE = 100_000;

/** Row-major samples × features. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export function toMatrix(rows: ArrayLike<ArrayLike<number>>): Matrix {
  const n = rows.length;
  const cols = n ? rows[0].length : 0;
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row.length !== cols) throw new Error(`row ${i} has ${row.length} features, expected ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  }
  return { data, rows: n, cols };
}

export interface Binned {
  /** Column-major bins: bins[f * rows + i]. */
  bins: Uint8Array;
  rows: number;
  cols: number;
  /** edges[f][b]: the largest value that falls in bin b (the last edge is +Infinity). */
  edges: Float64Array[];
}

export function computeEdges(x: Matrix, feature: number): Float64Array {
  const { data, rows, cols } = x;
  const stride = rows > EDGE_SAMPLE ? rows / EDGE_SAMPLE : 1;
  const values: number[] = [];
  for (let k = 0; k < rows; k += stride) {
    const v = data[Math.floor(k) * cols + feature];
    if (!Number.isNaN(v)) values.push(v);
  }
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length;
  const edges: number[] = [];
  if (m === 0) return Float64Array.of(Infinity);
  const distinct: number[] = [sorted[0]];
  for (let i = 1; i < m && distinct.length <= MAX_REAL_BINS; i++) if (sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= MAX_REAL_BINS) {
    // Few distinct values: one bin each, cut halfway between neighbours (what an exact sort finds).
    for (let i = 1; i < distinct.length; i++) edges.push((distinct[i - 1] + distinct[i]) / 2);
  } else {
    for (let q = 1; q < MAX_REAL_BINS; q++) {
      const p = Math.floor((q * m) / MAX_REAL_BINS);
      if (p <= 0 || sorted[p - 1] === sorted[p]) continue;
      const edge = (sorted[p - 1] + sorted[p]) / 2;
      if (!edges.length || edge > edges[edges.length - 1]) edges.push(edge);
    }
  }
  edges.push(Infinity);
  return Float64Array.from(edges);
}

export function binOf(edges: Float64Array, v: number): number {
  if (Number.isNaN(v)) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function binMatrix(x: Matrix): Binned {
  const { data, rows, cols } = x;
  const bins = new Uint8Array(rows * cols);
  const edges: Float64Array[] = [];
  for (let f = 0; f < cols; f++) {
    const e = computeEdges(x, f);
    edges.push(e);
    const base = f * rows;
    for (let i = 0; i < rows; i++) bins[base + i] = binOf(e, data[i * cols + f]);
  }
  return { bins, rows, cols, edges };
}
