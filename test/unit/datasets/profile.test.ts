// Column statistics in one pass: exact where the data is small, a uniform sample for quantiles
// beyond SAMPLE values, distinct counts capped at DISTINCT_CAP, and nulls in their usual spellings.
import { describe, expect, it } from 'vitest';
import { DISTINCT_CAP, numericValue, SAMPLE, TableProfile } from '../../../lib/datasets/profile.ts';

describe('TableProfile', () => {
  it('computes count, nulls, min, max, mean, sample standard deviation and exact quantiles', () => {
    const p = new TableProfile(['x']);
    for (const v of ['1', '2', '3', '4', '', 'NA', '100']) p.addRow([v]);
    const [x] = p.stats();
    expect(x).toMatchObject({ type: 'number', count: 5, nulls: 2, min: 1, max: 100, quantilesSampled: false, distinct: 5 });
    expect(x.mean).toBeCloseTo(22, 12);
    expect(x.std).toBeCloseTo(Math.sqrt(((1 - 22) ** 2 + (2 - 22) ** 2 + (3 - 22) ** 2 + (4 - 22) ** 2 + (100 - 22) ** 2) / 4), 12);
    expect(x.quantiles).toMatchObject({ p50: 3, p25: 2, p75: 4 });
  });

  it('estimates quantiles from a uniform sample beyond SAMPLE values, close to the truth', () => {
    const p = new TableProfile(['u']);
    const n = SAMPLE * 20;
    for (let i = 0; i < n; i++) p.addRow([String(i)]);
    const [u] = p.stats();
    expect(u.quantilesSampled).toBe(true);
    expect(u.count).toBe(n);
    expect(u.mean).toBeCloseTo((n - 1) / 2, 6);
    // A sample of 10,000 puts a quantile within a few percent of the rank.
    expect(Math.abs(u.quantiles!.p50 - n / 2) / n).toBeLessThan(0.03);
    expect(Math.abs(u.quantiles!.p95 - 0.95 * n) / n).toBeLessThan(0.03);
    expect(u).toMatchObject({ distinct: DISTINCT_CAP, distinctCapped: true });
  });

  it('describes text by distinct and most frequent values, and a column with one word in it is text', () => {
    const p = new TableProfile(['label', 'mixed']);
    const rows = [
      ['walk', '1'],
      ['run', '2'],
      ['walk', 'three'],
      ['walk', '2'],
    ];
    for (const r of rows) p.addRow(r);
    const [label, mixed] = p.stats();
    expect(label).toMatchObject({
      type: 'text',
      count: 4,
      distinct: 2,
      min: 'run',
      max: 'walk',
      top: [
        { value: 'walk', count: 3 },
        { value: 'run', count: 1 },
      ],
    });
    expect(mixed).toMatchObject({
      type: 'text',
      count: 4,
      distinct: 3,
      mean: null,
      top: [
        { value: '2', count: 2 },
        { value: '1', count: 1 },
        { value: 'three', count: 1 },
      ],
    });
  });

  it('caps distinct text values and says so', () => {
    const p = new TableProfile(['id']);
    for (let i = 0; i < DISTINCT_CAP + 5; i++) p.addRow([`id-${i}`]);
    expect(p.stats()[0]).toMatchObject({ distinct: DISTINCT_CAP, distinctCapped: true });
  });

  it('keeps the first 50 rows as a preview, nulls as null', () => {
    const p = new TableProfile(['a', 'b']);
    for (let i = 0; i < 80; i++) p.addRow([String(i), i % 2 ? 'NA' : 'x']);
    expect(p.preview).toHaveLength(50);
    expect(p.preview[1]).toEqual(['1', null]);
  });
});

describe('numericValue', () => {
  it.each([
    ['42', 42],
    ['-3.5', -3.5],
    ['1e-3', 0.001],
    [' 7 ', 7],
    ['.5', 0.5],
    ['0x1f', undefined],
    ['Infinity', undefined],
    ['1,5', undefined],
    ['abc', undefined],
  ])('%j is %j', (text, value) => expect(numericValue(text)).toBe(value));
});
