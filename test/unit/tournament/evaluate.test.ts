import { describe, expect, it } from 'vitest';
import { bracketOrder } from '../../../lib/tournament/bracket.ts';
import {
  PerformanceAccumulator,
  entryOutcomeRows,
  entryPerformance,
  forEachSimulationOutcome,
  investmentReport,
  ownershipFromBids,
} from '../../../lib/tournament/evaluate.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import { simulateTournaments, winDistributionFromSimulations } from '../../../lib/tournament/simulate.ts';
import type { Bid, Team } from '../../../lib/tournament/types.ts';

const four: Team[] = ['a', 'b', 'c', 'd'].map((key, i) => ({ key, name: key.toUpperCase(), region: 'R', seed: i + 1, rating: 0 }));
const smallCalcutta = {
  payouts: [
    { wins: 1, share: 0.1 },
    { wins: 2, share: 0.3 },
  ],
};
const smallBids: Bid[] = [
  { entry: 'x', team: 'a', amount: 30 },
  { entry: 'x', team: 'c', amount: 10 },
  { entry: 'y', team: 'a', amount: 10 },
  { entry: 'y', team: 'b', amount: 20 },
  { entry: 'z', team: 'd', amount: 10 },
  { entry: 'z', team: 'c', amount: 10 },
];
// sim 0: a champion, c won one; sim 1: b champion, d won one
const smallWins = new Uint8Array([2, 0, 1, 0, 0, 2, 0, 1]);

function collect(bids: Bid[], wins: Uint8Array, count: number) {
  const rows: { points: number[]; payout: number[]; normalised: number[]; rank: number[]; sim: number }[] = [];
  forEachSimulationOutcome(
    ownershipFromBids(four, bids),
    smallCalcutta,
    wins,
    count,
    (o) => {
      rows.push({ sim: o.sim, points: [...o.points], payout: [...o.payout], normalised: [...o.normalisedPayout], rank: [...o.rank] });
    },
    10,
  );
  return rows;
}

describe('entry outcomes per simulation', () => {
  it('scores ownership × team points, pays points% of the pool and normalises by spend', () => {
    const [first, second] = collect(smallBids, smallWins, 2);
    expect(first.sim).toBe(10);
    // x owns 3/4 of a (40 points) and 1/2 of c (10 points); pool 90
    expect(first.points.map((v) => +v.toFixed(9))).toEqual([35, 10, 5]);
    expect(first.payout.map((v) => +v.toFixed(9))).toEqual([31.5, 9, 4.5]);
    expect(first.normalised.map((v) => +v.toFixed(9))).toEqual([0.7875, 0.3, 0.225]);
    expect(first.rank).toEqual([1, 2, 3]);
    expect(second.points.map((v) => +v.toFixed(9))).toEqual([0, 40, 10]);
    expect(second.rank).toEqual([3, 1, 2]);
  });

  it('gives tied entries the better rank and splits first place between them', () => {
    const bids: Bid[] = [
      { entry: 'p', team: 'a', amount: 5 },
      { entry: 'q', team: 'a', amount: 5 },
      { entry: 'r', team: 'b', amount: 10 },
    ];
    const [sim] = collect(bids, new Uint8Array([2, 0, 1, 0]), 1);
    expect(sim.rank).toEqual([1, 1, 3]);
    const perf = entryPerformance(ownershipFromBids(four, bids), smallCalcutta, new Uint8Array([2, 0, 1, 0, 0, 2, 1, 0]), 2);
    expect(perf.map((e) => e.pFirst)).toEqual([0.25, 0.25, 0.5]);
    // ranks [1, 1, 3] then [2, 2, 1]: the two empty-handed entries tie for second
    expect(perf.map((e) => e.meanRank)).toEqual([1.5, 1.5, 2]);
    expect(perf.map((e) => e.meanPercentile)).toEqual([0.75, 0.75, 0.5]);
  });

  it('streams one row per simulation and entry with the same values as the visitor', () => {
    const rows = [...entryOutcomeRows(ownershipFromBids(four, smallBids), smallCalcutta, smallWins, 2, 10)];
    expect(rows.map((r) => `${r.sim}:${r.entry}:${r.rank}`)).toEqual(['10:x:1', '10:y:2', '10:z:3', '11:x:3', '11:y:1', '11:z:2']);
    expect(rows[0].payout).toBeCloseTo(31.5, 9);
  });

  it('refuses bids on teams outside the field', () => {
    expect(() => ownershipFromBids(four, [{ entry: 'x', team: 'zz', amount: 1 }])).toThrow(/"zz", which is not in the field/);
  });
});

describe('aggregates over the sample field', () => {
  const sample = sampleTournament();
  const n = sample.teams.length;
  const bracket = bracketOrder(sample.teams);
  const p = probabilityMatrix(
    DEFAULT_GAME_MODEL,
    sample.teams.map((t) => t.rating),
  );
  const count = 4_000;
  const wins = simulateTournaments({ bracket, p, n, seed: 4, start: 0, count });
  const ownership = ownershipFromBids(sample.teams, sample.bids);

  it('pays out the whole pool in every simulation when every team is owned', () => {
    forEachSimulationOutcome(ownership, sample.calcutta, wins, 200, (o) => {
      expect(o.payout.reduce((a, b) => a + b, 0)).toBeCloseTo(ownership.pool, 6);
      expect(Math.min(...o.rank)).toBe(1);
    });
  });

  it('gives the same performance whether simulations arrive in one chunk or several', () => {
    const whole = entryPerformance(ownership, sample.calcutta, wins, count);
    const acc = new PerformanceAccumulator(ownership, sample.calcutta);
    for (const [s, c] of [
      [0, 1_000],
      [1_000, 2_500],
      [3_500, 500],
    ])
      acc.add(wins.subarray(s * n, (s + c) * n), c);
    const chunked = acc.result();
    chunked.forEach((e, i) => {
      expect(e.meanNormalisedPayout).toBeCloseTo(whole[i].meanNormalisedPayout, 12);
      expect(e.pFirst).toBeCloseTo(whole[i].pFirst, 12);
      expect(e.meanPercentile).toBeCloseTo(whole[i].meanPercentile, 12);
    });
    expect(whole.reduce((a, e) => a + e.pFirst, 0)).toBeCloseTo(1, 12);
    expect(whole.reduce((a, e) => a + e.meanPayout, 0)).toBeCloseTo(ownership.pool, 6);
  });

  it("reports an entry's investments whose expected payouts add up to its mean payout", () => {
    const entry = sample.entries[3];
    const report = investmentReport({
      teams: sample.teams,
      ownership,
      entry,
      distribution: winDistributionFromSimulations(wins, n, count),
      calcutta: sample.calcutta,
    });
    const mine = sample.bids.filter((b) => b.entry === entry);
    expect(report.map((r) => r.team).sort()).toEqual(mine.map((b) => b.team).sort());
    for (const row of report) {
      expect(row.bid).toBe(mine.find((b) => b.team === row.team)!.amount);
      expect(row.ownership).toBeCloseTo(row.bid / row.totalBids, 15);
      expect(row.roi).toBeCloseTo(row.expectedPayout / row.bid - 1, 12);
    }
    const perf = entryPerformance(ownership, sample.calcutta, wins, count).find((e) => e.entry === entry)!;
    expect(report.reduce((a, r) => a + r.expectedPayout, 0)).toBeCloseTo(perf.meanPayout, 6);
    expect(() =>
      investmentReport({ teams: sample.teams, ownership, entry: 'nobody', distribution: new Float64Array(n * 7), calcutta: sample.calcutta }),
    ).toThrow(/nobody/);
  });
});
