import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PAYOUTS,
  bracketPayoutShare,
  expectedPayoutShares,
  payoutTable,
  poolTotals,
  teamPayoutShare,
  teamPoints,
  validateBids,
} from '../../../lib/tournament/scoring.ts';
import type { Calcutta } from '../../../lib/tournament/types.ts';

const calcutta: Calcutta = { budgetPerEntry: 100, minBid: 1, maxTeamsPerEntry: 2, payouts: [...DEFAULT_PAYOUTS] };

describe('scoring', () => {
  it('adds up per-round shares: a champion earns 29% of the pool, a first-round loser nothing', () => {
    expect(teamPayoutShare(0, calcutta)).toBe(0);
    expect(teamPayoutShare(1, calcutta)).toBeCloseTo(0.005, 15);
    expect(teamPayoutShare(3, calcutta)).toBeCloseTo(0.04, 15);
    expect(teamPoints(6, calcutta)).toBeCloseTo(29, 12);
    expect(Array.from(payoutTable(calcutta)).map((x) => Math.round(x * 1000) / 10)).toEqual([0, 0.5, 1.5, 4, 9, 17, 29]);
  });

  it('pays out exactly the whole pool over a 64-team bracket with the default table', () => {
    expect(bracketPayoutShare(calcutta)).toBeCloseTo(1, 12);
    expect(bracketPayoutShare({ payouts: [{ wins: 6, share: 1 }] })).toBe(1);
    expect(bracketPayoutShare({ payouts: [{ wins: 1, share: 0.01 }] })).toBeCloseTo(0.32, 12);
  });

  it('turns a win distribution into expected shares', () => {
    // team 0 surely wins 2 games, team 1 wins 0 or 6 with even odds
    const d = new Float64Array([0, 0, 1, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 0, 0.5]);
    const v = expectedPayoutShares(d, 2, calcutta);
    expect(v[0]).toBeCloseTo(0.015, 12);
    expect(v[1]).toBeCloseTo(0.145, 12);
  });

  it('totals the pool by team and by entry', () => {
    const t = poolTotals([
      { entry: 'a', team: 'x', amount: 10 },
      { entry: 'b', team: 'x', amount: 5 },
      { entry: 'a', team: 'y', amount: 2 },
    ]);
    expect(t.pool).toBe(17);
    expect(t.byTeam.get('x')).toBe(15);
    expect(t.byEntry.get('a')).toBe(12);
  });

  it('reports each rule a set of bids breaks', () => {
    const problems = validateBids(
      [
        { entry: 'a', team: 'x', amount: 60 },
        { entry: 'a', team: 'y', amount: 50 },
        { entry: 'a', team: 'z', amount: 0.5 },
        { entry: 'b', team: 'x', amount: 5 },
        { entry: 'b', team: 'x', amount: 5 },
        { entry: 'b', team: 'nope', amount: 5 },
      ],
      calcutta,
      ['x', 'y', 'z'],
    );
    expect(problems).toEqual([
      'entry "a" bid 0.5 on "z", below the minimum bid 1',
      'entry "b" bid on "x" more than once',
      'entry "b" bid on unknown team "nope"',
      'entry "a" spent 110.5, over the budget of 100',
      'entry "a" bid on 3 teams, more than the limit of 2',
    ]);
  });

  it('refuses payout rules outside the bracket', () => {
    expect(() => payoutTable({ payouts: [{ wins: 7, share: 0.1 }] })).toThrow(/7 wins/);
    expect(() => payoutTable({ payouts: [{ wins: 2, share: -1 }] })).toThrow(/share -1/);
  });
});
