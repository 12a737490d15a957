import { describe, expect, it } from 'vitest';
import { createQuartileFinder, select } from '../../../lib/imu/quartiles.ts';
import { gaussian } from './signals.ts';

/** numpy's default quantile, from a sorted copy. */
function reference(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const k = Math.floor(position);
  return k === position ? sorted[k] : sorted[k] + (sorted[k + 1] - sorted[k]) * (position - k);
}

describe('quartiles', () => {
  const noise = gaussian(5);
  const shapes: Record<string, (n: number) => number[]> = {
    normal: (n) => Array.from({ length: n }, noise),
    'quantised with many ties': (n) => Array.from({ length: n }, () => Math.round(noise() * 2)),
    'two values': (n) => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
    'one spike, the rest crowded in one bucket': (n) => Array.from({ length: n }, (_, i) => (i === 7 ? 1e6 : noise())),
    'heavy tail': (n) => Array.from({ length: n }, () => Math.exp(3 * noise())),
    'sorted descending': (n) => Array.from({ length: n }, (_, i) => n - i),
  };
  for (const [shape, make] of Object.entries(shapes)) {
    it(`match a sorting reference: ${shape}`, () => {
      const finder = createQuartileFinder(256);
      const result = new Float64Array(3);
      for (const n of [2, 3, 4, 5, 17, 100, 199, 200, 256]) {
        const values = make(n);
        if (Math.min(...values) === Math.max(...values)) continue;
        const x = Float64Array.from([Number.NaN, ...values]); // base 1: the finder must not read outside its window
        finder.quartiles(x, 1, n, Math.min(...values), Math.max(...values), result);
        expect(Array.from(result), `n=${n}`).toEqual([reference(values, 0.25), reference(values, 0.5), reference(values, 0.75)]);
      }
    });
  }

  it('select leaves the k-th smallest at k, smaller before, larger after', () => {
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 60);
      const values = Array.from({ length: n }, () => Math.round(noise() * (trial % 4 === 0 ? 1 : 50)) + 0); // + 0: no −0
      const a = Float64Array.from(values);
      const k = trial % n;
      const v = select(a, 0, n - 1, k);
      expect(v).toBe([...values].sort((p, q) => p - q)[k]);
      expect(a[k]).toBe(v);
      for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(v);
      for (let i = k + 1; i < n; i++) expect(a[i]).toBeGreaterThanOrEqual(v);
    }
  });
});
