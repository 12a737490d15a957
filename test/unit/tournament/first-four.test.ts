import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/random.ts';
import { asBracket, fieldBracket, validateField, type Bracket } from '../../../lib/tournament/bracket.ts';
import { bruteForce } from './brute-force.ts';
import { entryPerformance, ownershipFromBids } from '../../../lib/tournament/evaluate.ts';
import { exactWinDistribution, expectedWins } from '../../../lib/tournament/exact.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { marketSharePrior, teamValues } from '../../../lib/tournament/market.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import { expectedPayoutShares, payoutTable, poolTotals, validateBids } from '../../../lib/tournament/scoring.ts';
import { samplingZ, simulateTournaments, winDistributionFromSimulations } from '../../../lib/tournament/simulate.ts';

const sample = sampleTournament(2026, { firstFour: true });
const n = sample.teams.length;
const bracket = fieldBracket(sample.teams);
const p = probabilityMatrix(
  DEFAULT_GAME_MODEL,
  sample.teams.map((t) => t.rating),
);

function randomMatrix(seed: number, size: number): Float64Array {
  const rng = seededRandom(seed);
  const q = new Float64Array(size * size).fill(0.5);
  for (let i = 0; i < size; i++)
    for (let j = i + 1; j < size; j++) {
      q[i * size + j] = rng.next();
      q[j * size + i] = 1 - q[i * size + j];
    }
  return q;
}

describe('a 68-team field with a First Four', () => {
  it('is a valid field of four play-in pairs, each pair sharing a region, a seed and a slot', () => {
    expect(n).toBe(68);
    expect(validateField(sample.teams)).toEqual([]);
    expect(bracket.firstFour).toBe(true);
    expect(bracket.playIns.length).toBe(12);
    for (let q = 0; q < 12; q += 3) {
      const [slot, a, b] = bracket.playIns.subarray(q, q + 3);
      expect(sample.teams[a]).toMatchObject({ region: sample.teams[b].region, seed: sample.teams[b].seed, playIn: true });
      expect(sample.teams[b].playIn).toBe(true);
      expect(bracket.slots[slot]).toBe(a);
    }
    expect(new Set(bracket.slots).size).toBe(64);
    const names = sample.teams.filter((t) => t.playIn).map((t) => t.name);
    for (const real of ['Maryland, Baltimore County', "Mount St. Mary's", 'Texas A&M–Corpus Christi', 'San José State']) expect(names).toContain(real);
  });

  it('gives the exact distribution that enumerating every outcome of a small bracket with play-in games gives', () => {
    const size = 11; // 8 slots, 2 play-in pairs, one team outside the bracket
    const q = randomMatrix(17, size);
    const b: Bracket = { slots: Int32Array.from([3, 7, 0, 5, 8, 1, 6, 2]), playIns: Int32Array.from([2, 0, 9, 5, 1, 4]), rounds: 3, firstFour: true };
    const exact = exactWinDistribution(b, q, size);
    const brute = bruteForce(b, q, size);
    exact.forEach((v, i) => expect(v).toBeCloseTo(brute[i], 12));
    expect(Array.from(exact.subarray(10 * 5, 11 * 5))).toEqual([0, 0, 0, 0, 0]);
  });

  it('plays the First Four first: 67 games per bracket, four teams out in round 0, one champion', () => {
    const progress = simulateTournaments({ bracket, p, n, seed: 5, start: 0, count: 2_000 });
    for (let s = 0; s < 2_000; s++) {
      const row = Array.from(progress.subarray(s * n, s * n + n));
      // Σ progress = games won (67) + byes (60).
      expect(row.reduce((a, b) => a + b, 0)).toBe(67 + 60);
      expect(row.filter((k) => k === 7)).toHaveLength(1);
      expect(row.filter((k) => k === 0)).toHaveLength(4);
      expect(row.filter((k) => k === 1)).toHaveLength(32);
      for (let q = 0; q < 12; q += 3) expect(row[bracket.playIns[q + 1]] === 0 || row[bracket.playIns[q + 2]] === 0).toBe(true);
    }
  });

  it('matches the exact round probabilities of every team, play-in teams included, over 1,000,000 simulated brackets', () => {
    const count = 1_000_000;
    const progress = simulateTournaments({ bracket, p, n, seed: 2026, start: 0, count });
    const simulated = winDistributionFromSimulations(progress, n, count, bracket);
    const exact = exactWinDistribution(bracket, p, n);
    expect(exact.length).toBe(n * 8);
    let worst = 0;
    let worstPlayIn = 0;
    for (let i = 0; i < exact.length; i++) {
      const z = samplingZ(exact[i], simulated[i], count);
      worst = Math.max(worst, z);
      if (sample.teams[Math.floor(i / 8)].playIn) worstPlayIn = Math.max(worstPlayIn, z);
    }
    // 544 cells (continuity-corrected counts): a 4.5-SE excursion happens by chance about once in 300 runs.
    expect(worst).toBeLessThan(4.5);
    expect(worstPlayIn).toBeGreaterThan(0);
    // Play-in teams lose in round 0 with the complement of their First Four win probability.
    for (let q = 0; q < 12; q += 3) {
      const [, a, b] = bracket.playIns.subarray(q, q + 3);
      expect(exact[a * 8]).toBeCloseTo(p[b * n + a], 12);
      expect(exact[a * 8] + exact[b * 8]).toBeCloseTo(1, 12);
    }
  });

  it('pays nothing for a First Four win or loss and still pays out exactly the pool', () => {
    const table = payoutTable(sample.calcutta, bracket);
    expect(Array.from(table).map((x) => Math.round(x * 1000) / 10)).toEqual([0, 0, 0.5, 1.5, 4, 9, 17, 29]);
    const exact = exactWinDistribution(bracket, p, n);
    const value = expectedPayoutShares(exact, n, sample.calcutta, bracket);
    expect(value.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // A play-in team is worth its First Four win probability times what the slot is worth.
    expect(Array.from(teamValues(sample.teams))).toEqual(Array.from(value));
    const wins = expectedWins(exact, n);
    expect(wins.reduce((a, b) => a + b, 0)).toBeCloseTo(67 + 60, 9);
  });

  it('scores a play-in loser as worth nothing to its owners, and splits every simulated pool exactly', () => {
    expect(
      validateBids(
        sample.bids,
        sample.calcutta,
        sample.teams.map((t) => t.key),
      ),
    ).toEqual([]);
    expect(poolTotals(sample.bids).byTeam.size).toBe(68);
    expect(marketSharePrior(sample.teams).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const [, a, b] = bracket.playIns.subarray(0, 3);
    const bids = [...sample.bids, { entry: 'only-a', team: sample.teams[a].key, amount: 5 }, { entry: 'only-b', team: sample.teams[b].key, amount: 5 }];
    const ownership = ownershipFromBids(sample.teams, bids, bracket);
    const count = 4_000;
    const progress = simulateTournaments({ bracket, p, n, seed: 8, start: 0, count });
    // Each simulation on its own: the pool is paid out in full, and the loser's owner gets nothing.
    let aLost = 0;
    for (let s = 0; s < count; s++) {
      const one = progress.subarray(s * n, (s + 1) * n);
      const perf = entryPerformance(ownership, sample.calcutta, one, 1);
      expect(perf.reduce((x, e) => x + e.meanPayout, 0)).toBeCloseTo(ownership.pool, 6);
      const loser = one[a] === 0 ? 'only-a' : 'only-b';
      expect(perf.find((e) => e.entry === loser)!.meanPayout).toBe(0);
      if (one[a] === 0) aLost++;
    }
    expect(Math.abs(aLost / count - p[b * n + a])).toBeLessThan(4.5 * Math.sqrt(0.25 / count));
  });

  it('treats a plain slot list as a bracket without a First Four', () => {
    const b = asBracket([0, 1, 2, 3]);
    expect(b).toMatchObject({ rounds: 2, firstFour: false });
    expect(b.playIns.length).toBe(0);
  });
});
