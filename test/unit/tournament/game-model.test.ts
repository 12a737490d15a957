import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/random.ts';
import { DEFAULT_GAME_MODEL, calibration, fitGameModel, probabilityMatrix, winProbability, type HistoricalGame } from '../../../lib/tournament/game-model.ts';

function syntheticGames(count: number, scale: number, seed: number, intercept = 0): HistoricalGame[] {
  const rng = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const ratingA = 10 * rng.normal();
    const ratingB = 10 * rng.normal();
    return { ratingA, ratingB, aWon: rng.next() < winProbability({ scale, intercept }, ratingA, ratingB) };
  });
}

describe('game model', () => {
  it('gives a 10-point favourite 80% by default, symmetric in the two teams', () => {
    expect(winProbability(DEFAULT_GAME_MODEL, 20, 10)).toBeCloseTo(0.8, 12);
    expect(winProbability(DEFAULT_GAME_MODEL, 10, 20)).toBeCloseTo(0.2, 12);
    expect(winProbability(DEFAULT_GAME_MODEL, 5, 5)).toBe(0.5);
  });

  it('builds a matrix whose opposite entries sum to exactly one', () => {
    const ratings = [25, 3.5, -7, 12, 12, 40];
    const p = probabilityMatrix({ scale: 6, intercept: 0.4 }, ratings);
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        expect(p[i * 6 + j] + p[j * 6 + i]).toBe(1);
        if (ratings[i] > ratings[j]) expect(p[i * 6 + j]).toBeGreaterThan(0.5);
      }
    }
    expect(p[0 * 6 + 1]).toBeCloseTo(winProbability({ scale: 6 }, 25, 3.5), 15);
  });

  it('recovers the generating scale from 20,000 synthetic games', () => {
    for (const scale of [4, 7.2, 12]) {
      const fit = fitGameModel(syntheticGames(20_000, scale, Math.round(scale * 100)));
      expect(Math.abs(fit.scale - scale) / scale).toBeLessThan(0.05);
      expect(fit.intercept).toBeUndefined();
    }
  });

  it('recovers an intercept when asked for one', () => {
    const fit = fitGameModel(syntheticGames(20_000, 8, 11, 0.5), { intercept: true });
    expect(fit.intercept!).toBeGreaterThan(0.4);
    expect(fit.intercept!).toBeLessThan(0.6);
    expect(Math.abs(fit.scale - 8) / 8).toBeLessThan(0.06);
  });

  it('fits at least as well as the generating model on its own data, and beats a coin flip', () => {
    const games = syntheticGames(5_000, 7, 3);
    const fitted = calibration(fitGameModel(games), games);
    const truth = calibration({ scale: 7 }, games);
    const wrong = calibration({ scale: 30 }, games);
    expect(fitted.logLoss).toBeLessThanOrEqual(truth.logLoss + 1e-12);
    expect(truth.logLoss).toBeLessThan(wrong.logLoss);
    expect(truth.brier).toBeLessThan(0.25);
    expect(truth.logLoss).toBeLessThan(Math.log(2));
  });

  it('refuses data with no information about the scale', () => {
    expect(() => fitGameModel([])).toThrow(/no games/);
    expect(() => fitGameModel([{ ratingA: 1, ratingB: 1, aWon: true }])).toThrow(/equal ratings/);
    const separated = [
      { ratingA: 10, ratingB: 0, aWon: true },
      { ratingA: 0, ratingB: 10, aWon: false },
    ];
    expect(() => fitGameModel(separated)).toThrow(/positive scale/);
  });
});
