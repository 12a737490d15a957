import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RandomForestClassifier, accuracy, pick, stratifiedKFold } from '../../../lib/forest/index.ts';
import { seededRandom } from '../../../lib/random.ts';
import { loadDataset, type Labelled } from './datasets.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TREES = 100;
const SEEDS = [0, 1, 2];

async function crossValidated(d: Labelled, folds: { train: number[]; test: number[] }[]): Promise<number> {
  let total = 0;
  for (const seed of SEEDS) {
    for (const { train, test } of folds) {
      const forest = await new RandomForestClassifier({ nEstimators: TREES, seed }).fit(pick(d.x, train), pick(d.y, train));
      total += accuracy(pick(d.y, test), forest.predict(pick(d.x, test)));
    }
  }
  return total / (SEEDS.length * folds.length);
}

function sklearnAccuracy(dataset: string, folds: { test: number[] }[]): number {
  const out = execFileSync('python3', [join(here, 'sklearn_peer.py')], {
    input: JSON.stringify({ dataset, folds: folds.map((f) => f.test), trees: TREES, seeds: SEEDS }),
    encoding: 'utf8',
  });
  return JSON.parse(out).accuracy;
}

describe('RandomForestClassifier against scikit-learn on real labelled data', () => {
  for (const name of ['iris', 'wine_data', 'breast_cancer'] as const) {
    it(`${name}: 5-fold accuracy within 1 percentage point of scikit-learn's`, async () => {
      const d = loadDataset(name);
      const folds = stratifiedKFold(d.y, 5, 42);
      const ours = await crossValidated(d, folds);
      const theirs = sklearnAccuracy(name, folds);
      expect(ours).toBeGreaterThan(0.9);
      expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(0.01);
    });
  }
});

describe('RandomForestClassifier behaviour', () => {
  const d = loadDataset('breast_cancer');

  it('is deterministic for a seed, different across seeds, and the same on any number of threads', async () => {
    const a = await new RandomForestClassifier({ nEstimators: 20, seed: 9 }).fit(d.x, d.y);
    const b = await new RandomForestClassifier({ nEstimators: 20, seed: 9 }).fit(d.x, d.y);
    const c = await new RandomForestClassifier({ nEstimators: 20, seed: 10 }).fit(d.x, d.y);
    const threaded = await new RandomForestClassifier({ nEstimators: 20, seed: 9 }).fit(d.x, d.y, { threads: 2 });
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    expect(JSON.stringify(threaded.toJSON())).toBe(JSON.stringify(a.toJSON()));
    expect(JSON.stringify(c.toJSON())).not.toBe(JSON.stringify(a.toJSON()));
  });

  it('round-trips through JSON with identical probabilities', async () => {
    const forest = await new RandomForestClassifier({ nEstimators: 15, seed: 1 }).fit(d.x, d.y);
    const restored = RandomForestClassifier.fromJSON(JSON.parse(JSON.stringify(forest.toJSON())));
    expect(Array.from(restored.predictProba(d.x))).toEqual(Array.from(forest.predictProba(d.x)));
    expect(restored.oobScore).toBe(forest.oobScore);
    expect(restored.classes).toEqual(['benign', 'malignant']);
  });

  it('gives probabilities that sum to 1 and an OOB score close to held-out accuracy', async () => {
    const [{ train, test }] = stratifiedKFold(d.y, 4, 5);
    const forest = await new RandomForestClassifier({ nEstimators: 60, seed: 2 }).fit(pick(d.x, train), pick(d.y, train));
    const p = forest.predictProba(pick(d.x, test));
    for (let i = 0; i < test.length; i++) expect(p[2 * i] + p[2 * i + 1]).toBeCloseTo(1, 12);
    const heldOut = accuracy(pick(d.y, test), forest.predict(pick(d.x, test)));
    expect(forest.oobScore).not.toBeNull();
    expect(Math.abs(forest.oobScore! - heldOut)).toBeLessThan(0.05);
  });

  it('ranks the one informative feature first by importance', async () => {
    const rng = seededRandom(4);
    const x: number[][] = [];
    const y: string[] = [];
    for (let i = 0; i < 600; i++) {
      const row = Array.from({ length: 8 }, () => rng.normal());
      x.push(row);
      y.push(row[5] + 0.3 * rng.normal() > 0 ? 'up' : 'down');
    }
    const forest = await new RandomForestClassifier({ nEstimators: 30, seed: 1 }).fit(x, y);
    const importance = Array.from(forest.featureImportance);
    expect(importance.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(importance.indexOf(Math.max(...importance))).toBe(5);
    expect(importance[5]).toBeGreaterThan(0.5);
  });

  it('treats NaN as missing: learns from a feature that is sometimes absent', async () => {
    const rng = seededRandom(8);
    const x: number[][] = [];
    const y: string[] = [];
    for (let i = 0; i < 800; i++) {
      const label = i % 2 ? 'a' : 'b';
      const signal = (label === 'a' ? 1 : -1) + 0.5 * rng.normal();
      // Missing for a third of rows; the second feature is pure noise.
      x.push([i % 3 === 0 ? Number.NaN : signal, rng.normal()]);
      y.push(label);
    }
    const forest = await new RandomForestClassifier({ nEstimators: 40, seed: 1, minSamplesLeaf: 3 }).fit(x, y);
    expect(
      forest.predict([
        [1.2, 0],
        [-1.2, 0],
      ]),
    ).toEqual(['a', 'b']);
    const p = forest.predictProba([[Number.NaN, 0]]);
    expect(Number.isFinite(p[0]) && Math.abs(p[0] + p[1] - 1) < 1e-12).toBe(true);
  });

  it('honours maxDepth and minSamplesLeaf', async () => {
    const stump = await new RandomForestClassifier({ nEstimators: 5, maxDepth: 1, seed: 1 }).fit(d.x, d.y);
    for (const t of stump.trees) expect(t.feature.length).toBeLessThanOrEqual(3);
    const coarse = await new RandomForestClassifier({ nEstimators: 5, minSamplesLeaf: 50, bootstrap: false, seed: 1 }).fit(d.x, d.y);
    // Without bootstrap every leaf holds ≥ 50 of the 569 rows, so a tree has at most 11 leaves.
    for (const t of coarse.trees) expect(t.values.length / t.width).toBeLessThanOrEqual(11);
  });

  it('rejects bad input with the reason', async () => {
    await expect(new RandomForestClassifier().fit([[1], [2]], ['a'])).rejects.toThrow('x has 2 rows but y has 1 labels');
    await expect(new RandomForestClassifier().fit([[1], [Infinity]], ['a', 'b'])).rejects.toThrow('x[1][0] is infinite');
    await expect(new RandomForestClassifier().fit([[1, 2], [3]], ['a', 'b'])).rejects.toThrow('row 1 has 1 features, expected 2');
    expect(() => new RandomForestClassifier({ nEstimators: 0 })).toThrow('nEstimators must be an integer >= 1');
    const forest = await new RandomForestClassifier({ nEstimators: 2 }).fit(
      [
        [1, 1],
        [2, 2],
      ],
      ['a', 'b'],
    );
    expect(() => forest.predict([[1]])).toThrow('expected 2 features per row, got 1');
    expect(() => new RandomForestClassifier().predict([[1]])).toThrow('not fitted');
  });
});
