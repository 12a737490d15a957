import { describe, expect, it } from 'vitest';
import { RandomForestRegressor, meanSquaredError, r2 } from '../../../lib/forest/index.ts';
import { seededRandom } from '../../../lib/random.ts';

function sample(n: number, seed: number) {
  const rng = seededRandom(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [rng.between(-3, 3), rng.between(-2, 2), rng.normal()];
    x.push(row);
    y.push(3 * Math.sin(row[0]) + row[1] * row[1] + 0.2 * rng.normal());
  }
  return { x, y };
}

describe('RandomForestRegressor', () => {
  const train = sample(1500, 1);
  const test = sample(500, 2);

  it('learns a non-linear function: held-out R² above 0.9 and an OOB R² close to it', async () => {
    const forest = await new RandomForestRegressor({ nEstimators: 60, seed: 3 }).fit(train.x, train.y);
    const predicted = forest.predict(test.x);
    const score = r2(test.y, predicted);
    expect(score).toBeGreaterThan(0.9);
    expect(Math.abs(forest.oobScore! - score)).toBeLessThan(0.05);
    // The noise-only feature matters least.
    expect(forest.featureImportance[2]).toBeLessThan(forest.featureImportance[1]);
    expect(forest.featureImportance[2]).toBeLessThan(forest.featureImportance[0]);
    expect(meanSquaredError(test.y, predicted)).toBeLessThan(0.3);
  });

  it('predicts within the range of the training targets and exactly the mean for one leaf', async () => {
    const stump = await new RandomForestRegressor({ nEstimators: 3, maxDepth: 1, bootstrap: false, seed: 1 }).fit([[0], [0], [0]], [1, 2, 6]);
    expect(Array.from(stump.predict([[5]]))).toEqual([3]);
  });

  it('is deterministic, serialisable and thread-count independent', async () => {
    const a = await new RandomForestRegressor({ nEstimators: 12, seed: 5 }).fit(train.x, train.y);
    const b = await new RandomForestRegressor({ nEstimators: 12, seed: 5 }).fit(train.x, train.y, { threads: 2 });
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    const restored = RandomForestRegressor.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(Array.from(restored.predict(test.x))).toEqual(Array.from(a.predict(test.x)));
  });

  it('rejects non-finite targets naming the index', async () => {
    await expect(new RandomForestRegressor().fit([[1], [2]], [1, Number.NaN])).rejects.toThrow('y[1] is NaN');
  });
});
