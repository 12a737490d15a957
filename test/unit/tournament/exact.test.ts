import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/random.ts';
import { asBracket, bracketOrder } from '../../../lib/tournament/bracket.ts';
import { bruteForce } from './brute-force.ts';
import { exactWinDistribution, expectedWins } from '../../../lib/tournament/exact.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';

describe('exactWinDistribution', () => {
  it('matches enumeration of every outcome of an 8-team bracket with arbitrary probabilities', () => {
    const rng = seededRandom(5);
    const n = 9; // one team outside the bracket keeps zeros
    const p = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++) {
        const q = rng.next();
        p[i * n + j] = q;
        p[j * n + i] = 1 - q;
      }
    const bracket = [3, 7, 0, 5, 8, 1, 6, 2];
    const exact = exactWinDistribution(bracket, p, n);
    const brute = bruteForce(asBracket(bracket), p, n);
    exact.forEach((v, i) => expect(v).toBeCloseTo(brute[i], 12));
    expect(Array.from(exact.subarray(4 * 4, 4 * 4 + 4))).toEqual([0, 0, 0, 0]);
  });

  it('gives every team of the 64-team field a distribution summing to 1, with one champion and 63 wins in all', () => {
    const { teams } = sampleTournament();
    const p = probabilityMatrix(
      DEFAULT_GAME_MODEL,
      teams.map((t) => t.rating),
    );
    const d = exactWinDistribution(bracketOrder(teams), p, 64);
    expect(d.length).toBe(64 * 7);
    let champions = 0;
    for (let t = 0; t < 64; t++) {
      const row = d.subarray(t * 7, t * 7 + 7);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      champions += row[6];
    }
    expect(champions).toBeCloseTo(1, 12);
    expect(expectedWins(d, 64).reduce((a, b) => a + b, 0)).toBeCloseTo(63, 10);
  });

  it('makes a team that always wins the champion with certainty', () => {
    const n = 4;
    const p = new Float64Array(n * n).fill(0.5);
    for (let j = 0; j < n; j++)
      if (j !== 2) {
        p[2 * n + j] = 1;
        p[j * n + 2] = 0;
      }
    const d = exactWinDistribution([0, 1, 2, 3], p, n);
    expect(d[2 * 3 + 2]).toBe(1);
    expect(d[3 * 3 + 0]).toBe(1); // 3 meets 2 in round 1
    expect(d[0 * 3 + 1] + d[1 * 3 + 1]).toBeCloseTo(1, 15);
  });
});
