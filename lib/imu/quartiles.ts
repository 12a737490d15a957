// Exact quartiles (Q1, median, Q3) of a window's values without sorting them, for the median and
// IQR features: the hot spot of feature extraction, since each window needs them for 12 signals.
//
// How: one pass drops the values into 64 equal-width buckets between min and max (a counting sort by
// bucket), so each wanted order statistic lies in a known, small bucket, where a quickselect finds it.
// On 200 noisy values this is ~4× faster than sorting them and ~2× faster than quickselect alone. A
// skewed window that crowds most values into one bucket only degrades to quickselect on that bucket.

const BUCKETS = 64;

export interface QuartileFinder {
  /**
   * Writes Q1, median and Q3 of x[base .. base + n) to result[0..2], by linear interpolation between
   * order statistics (numpy's default). min and max must be the values' minimum and maximum, min < max.
   */
  quartiles(x: Float64Array, base: number, n: number, min: number, max: number, result: Float64Array): void;
}

export function createQuartileFinder(capacity: number): QuartileFinder {
  const bucketed = new Float64Array(capacity);
  const bucketOf = new Int32Array(capacity);
  // BUCKETS + 1 buckets: (max − min)·scale can round to BUCKETS itself, which is harmless as its own bucket.
  const start = new Int32Array(BUCKETS + 2);
  const next = new Int32Array(BUCKETS + 2);

  /** The k-th smallest value (0-based): a select within the bucket that holds position k. */
  function orderStatistic(k: number): number {
    let lo = 0,
      hi = BUCKETS; // find the last bucket whose start ≤ k
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (start[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return select(bucketed, start[lo], start[lo + 1] - 1, k);
  }

  function quantile(n: number, q: number): number {
    const position = q * (n - 1);
    const k = Math.floor(position);
    const frac = position - k;
    const low = orderStatistic(k);
    return frac === 0 ? low : low + (orderStatistic(k + 1) - low) * frac;
  }

  return {
    quartiles(x, base, n, min, max, result) {
      if (n > capacity) throw new RangeError(`quartiles of ${n} values, but room for ${capacity}`);
      const scale = BUCKETS / (max - min);
      start.fill(0);
      for (let i = 0; i < n; i++) {
        const b = ((x[base + i] - min) * scale) | 0;
        bucketOf[i] = b;
        start[b + 1]++;
      }
      for (let b = 1; b <= BUCKETS + 1; b++) start[b] += start[b - 1];
      next.set(start);
      for (let i = 0; i < n; i++) bucketed[next[bucketOf[i]]++] = x[base + i];
      result[0] = quantile(n, 0.25);
      result[1] = quantile(n, 0.5);
      result[2] = quantile(n, 0.75);
    },
  };
}

/**
 * Quickselect: puts the k-th smallest of a[left ..= right] at a[k], smaller-or-equal values before it
 * and greater-or-equal after. The partition is Lomuto's without branches (every element is swapped,
 * the boundary advances by the comparison's 0 or 1), because on noisy signals a compare-and-branch
 * mispredicts half the time. Values equal to the pivot are gathered next to it, so ties (quantised
 * sensor values) cannot make it quadratic.
 */
export function select(a: Float64Array, left: number, right: number, k: number): number {
  let l = left,
    r = right;
  while (r > l) {
    // Median of a[l], a[m], a[r] as the pivot, kept at a[r].
    const m = (l + r) >> 1;
    if (a[m] < a[l]) swap(a, m, l);
    if (a[r] < a[l]) swap(a, r, l);
    if (a[m] < a[r]) swap(a, m, r);
    const pivot = a[r];
    let store = l,
      ties = 0;
    for (let i = l; i < r; i++) {
      const v = a[i];
      a[i] = a[store];
      a[store] = v;
      store += +(v < pivot);
      ties += +(v === pivot);
    }
    a[r] = a[store];
    a[store] = pivot;
    if (k === store) return pivot;
    if (k < store) {
      r = store - 1;
      continue;
    }
    if (ties === 0) {
      l = store + 1;
      continue;
    }
    let equal = store + 1;
    for (let i = store + 1; i <= r; i++) {
      const v = a[i];
      a[i] = a[equal];
      a[equal] = v;
      equal += +(v === pivot);
    }
    if (k < equal) return pivot;
    l = equal;
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
