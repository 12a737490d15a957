import { describe, expect, it } from 'vitest';
import { bracketOrder } from '../../../lib/tournament/bracket.ts';
import { exactWinDistribution } from '../../../lib/tournament/exact.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import { simulateTournaments, winDistributionFromSimulations } from '../../../lib/tournament/simulate.ts';

const { teams } = sampleTournament();
const bracket = bracketOrder(teams);
const p = probabilityMatrix(
  DEFAULT_GAME_MODEL,
  teams.map((t) => t.rating),
);
const n = 64;

describe('simulateTournaments', () => {
  it('plays 63 games per bracket: one champion with 6 wins, 32 first-round losers', () => {
    const wins = simulateTournaments({ bracket, p, n, seed: 1, start: 0, count: 500 });
    for (let s = 0; s < 500; s++) {
      const row = Array.from(wins.subarray(s * n, s * n + n));
      expect(row.reduce((a, b) => a + b, 0)).toBe(63);
      expect(row.filter((w) => w === 6).length).toBe(1);
      expect(row.filter((w) => w === 0).length).toBe(32);
    }
  });

  it('gives the same bytes for a run split into uneven chunks as for one call', () => {
    const whole = simulateTournaments({ bracket, p, n, seed: 99, start: 0, count: 3_000 });
    const parts = [
      [0, 1],
      [1, 999],
      [1000, 1234],
      [2234, 766],
    ].map(([start, count]) => simulateTournaments({ bracket, p, n, seed: 99, start, count }));
    expect(Buffer.concat(parts).equals(Buffer.from(whole))).toBe(true);
  });

  it('repeats itself for the same seed and differs for another seed or another start', () => {
    const a = simulateTournaments({ bracket, p, n, seed: 7, start: 0, count: 1_000 });
    const b = simulateTournaments({ bracket, p, n, seed: 7, start: 0, count: 1_000 });
    const c = simulateTournaments({ bracket, p, n, seed: 8, start: 0, count: 1_000 });
    const d = simulateTournaments({ bracket, p, n, seed: 7, start: 1_000, count: 1_000 });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const differing = (x: Uint8Array, y: Uint8Array) => x.reduce((k, v, i) => k + (v !== y[i] ? 1 : 0), 0);
    expect(differing(a, c)).toBeGreaterThan(10_000);
    expect(differing(a, d)).toBeGreaterThan(10_000);
  });

  it('agrees with the exact distribution within 4.5 standard errors over 200,000 brackets', () => {
    const count = 200_000;
    const wins = simulateTournaments({ bracket, p, n, seed: 2026, start: 0, count });
    const simulated = winDistributionFromSimulations(wins, n, count);
    const exact = exactWinDistribution(bracket, p, n);
    let worst = 0;
    for (let i = 0; i < exact.length; i++) {
      const se = Math.sqrt(Math.max(exact[i] * (1 - exact[i]), 1e-12) / count);
      worst = Math.max(worst, Math.abs(simulated[i] - exact[i]) / se);
    }
    expect(worst).toBeLessThan(4.5);
  });

  it('puts games at probability 0 and 1 on the right side', () => {
    const m = 4;
    const q = new Float64Array(m * m).fill(0.5);
    for (let j = 0; j < m; j++)
      if (j !== 1) {
        q[1 * m + j] = 1;
        q[j * m + 1] = 0;
      }
    const wins = simulateTournaments({ bracket: [0, 1, 2, 3], p: q, n: m, seed: 3, start: 0, count: 2_000 });
    for (let s = 0; s < 2_000; s++) {
      expect(wins[s * m + 1]).toBe(2);
      expect(wins[s * m + 0]).toBe(0);
    }
  });

  it('refuses a bracket that is not a power of two or points outside the field', () => {
    expect(() => simulateTournaments({ bracket: [0, 1, 2], p: new Float64Array(9), n: 3, seed: 1, start: 0, count: 1 })).toThrow(/power-of-two/);
    expect(() => simulateTournaments({ bracket: [0, 4], p: new Float64Array(4), n: 2, seed: 1, start: 0, count: 1 })).toThrow(/slot 1/);
  });
});
