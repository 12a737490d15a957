import { describe, expect, it } from 'vitest';
import { classificationReport, r2, stratifiedKFold, stratifiedSplit } from '../../../lib/forest/index.ts';

describe('classificationReport', () => {
  it('computes the confusion matrix and scikit-learn style per-class and macro metrics', () => {
    const actual = ['a', 'a', 'a', 'b', 'b', 'c'];
    const predicted = ['a', 'b', 'a', 'b', 'b', 'a'];
    const r = classificationReport(actual, predicted);
    expect(r.labels).toEqual(['a', 'b', 'c']);
    expect(r.confusion).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(r.accuracy).toBeCloseTo(4 / 6, 12);
    const [a, b, c] = r.perClass;
    expect(a).toMatchObject({ precision: 2 / 3, recall: 2 / 3, support: 3 });
    expect(b.precision).toBeCloseTo(2 / 3, 12);
    expect(b.recall).toBe(1);
    expect(b.f1).toBeCloseTo(0.8, 12);
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.macroRecall).toBeCloseTo((2 / 3 + 1 + 0) / 3, 12);
  });

  it('refuses mismatched lengths', () => {
    expect(() => classificationReport(['a'], ['a', 'b'])).toThrow('1 labels but 2 predictions');
  });
});

describe('stratified splits', () => {
  const labels = [...Array(60).fill('x'), ...Array(30).fill('y'), ...Array(10).fill('z')];

  it('keeps class proportions in a holdout, deterministically', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 3);
    expect(test.length).toBe(20);
    expect(test.filter((i) => labels[i] === 'z').length).toBe(2);
    expect(new Set([...train, ...test]).size).toBe(100);
    expect(stratifiedSplit(labels, 0.2, 3)).toEqual({ train, test });
    expect(stratifiedSplit(labels, 0.2, 4).test).not.toEqual(test);
  });

  it('k-fold: every row tested exactly once, class counts per fold differ by at most one', () => {
    const folds = stratifiedKFold(labels, 5, 1);
    const tested = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(tested).toEqual(labels.map((_, i) => i));
    for (const f of folds) {
      expect(f.test.filter((i) => labels[i] === 'z').length).toBe(2);
      expect(f.train.length + f.test.length).toBe(100);
      expect(f.train.some((i) => f.test.includes(i))).toBe(false);
    }
  });
});

describe('r2', () => {
  it('is 1 for a perfect fit and 0 for predicting the mean', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0);
  });
});
