import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/random.ts';
import { evaluateBids, toUnits, ownedValue, type BidProblem } from '../../../lib/tournament/bid-problem.ts';
import { bracketOrder } from '../../../lib/tournament/bracket.ts';
import { entryPerformance, ownershipFromBids } from '../../../lib/tournament/evaluate.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { marketSharePrior } from '../../../lib/tournament/market.ts';
import { baselineBids, bidProblemFromMarket, bidsForEntry, optimiseBids, valueFromSimulations } from '../../../lib/tournament/optimise.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import { poolTotals } from '../../../lib/tournament/scoring.ts';
import { simulateTournaments } from '../../../lib/tournament/simulate.ts';

/** A random small instance: skewed values, crowded and empty teams, varied minimums and team limits. */
function randomProblem(seed: number, maxTeams = 12): BidProblem {
  const r = seededRandom(seed);
  const teams = 3 + Math.floor(r.next() * (maxTeams - 2));
  const value = Float64Array.from({ length: teams }, () => Math.exp(2 * r.normal()));
  const total = value.reduce((a, b) => a + b, 0);
  for (let t = 0; t < teams; t++) value[t] /= total;
  const others = Float64Array.from(value, (v) => (r.next() < 0.1 ? 0 : v * 200 * Math.exp(0.6 * r.normal())));
  return {
    value,
    others,
    budget: 10 + Math.floor(r.next() * 31),
    minBid: 1 + Math.floor(r.next() * 4),
    maxTeams: r.next() < 0.4 ? undefined : 1 + Math.floor(r.next() * 4),
  };
}

/** Every allocation of whole units, for checking the dynamic program on tiny instances. */
function bruteForce(problem: BidProblem): number {
  const p = toUnits(problem);
  let best = -Infinity;
  const held = new Array(p.teams).fill(0);
  const visit = (t: number, left: number, count: number) => {
    if (t === p.teams) {
      if (left === 0)
        best = Math.max(
          best,
          held.reduce((a, u, i) => a + ownedValue(p, i, u), 0),
        );
      return;
    }
    for (let u = 0; u <= left; u++) {
      if (u > 0 && (u < p.minUnits || count >= p.maxTeams)) continue;
      held[t] = u;
      visit(t + 1, left - u, count + (u > 0 ? 1 : 0));
    }
    held[t] = 0;
  };
  visit(0, p.units, 0);
  return best;
}

function expectValidBids(problem: BidProblem, amounts: Float64Array, step: number) {
  const held = [...amounts].filter((b) => b > 0);
  expect(held.reduce((a, b) => a + b, 0)).toBeCloseTo(Math.floor(problem.budget / step + 1e-9) * step, 9);
  for (const b of held) {
    expect(b).toBeGreaterThanOrEqual(problem.minBid);
    expect(Math.abs(b / step - Math.round(b / step))).toBeLessThan(1e-9);
  }
  expect(held.length).toBeLessThanOrEqual(problem.maxTeams ?? Infinity);
}

describe('exact bid optimisation', () => {
  it('finds the same optimum as enumerating every allocation of tiny instances', () => {
    for (let seed = 0; seed < 40; seed++) {
      const problem = { ...randomProblem(seed, 4), budget: 4 + (seed % 9) };
      const exact = optimiseBids(problem, { method: 'exact' });
      const p = toUnits(problem);
      const owned = [...exact.amounts].reduce((a, b, t) => a + ownedValue(p, t, b), 0);
      expect(owned).toBeCloseTo(bruteForce(problem), 12);
    }
  });

  it('refuses instances too large to solve exactly, pointing at the alternatives', () => {
    const n = 64;
    const problem = { value: new Float64Array(n).fill(1 / n), others: new Float64Array(n).fill(10), budget: 2_000, minBid: 1 };
    expect(() => optimiseBids(problem, { method: 'exact' })).toThrow(/use method 'greedy' or a larger step/);
  });
});

describe('greedy bid optimisation', () => {
  it('reaches at least 99% of the exact optimum on 300 random small instances, never more', () => {
    let worst = 1;
    for (let seed = 100; seed < 400; seed++) {
      const problem = randomProblem(seed);
      const greedy = optimiseBids(problem, { method: 'greedy' });
      const exact = optimiseBids(problem, { method: 'exact' });
      expectValidBids(problem, greedy.amounts, 1);
      expectValidBids(problem, exact.amounts, 1);
      expect(greedy.objective).toBeLessThanOrEqual(exact.objective * (1 + 1e-12));
      worst = Math.min(worst, greedy.objective / exact.objective);
    }
    expect(worst).toBeGreaterThanOrEqual(0.99);
  });

  it('bids in whole steps and respects the minimum bid and team limit', () => {
    const problem = { ...randomProblem(7), budget: 37, minBid: 5, maxTeams: 3 };
    for (const step of [1, 2, 5]) {
      const rec = optimiseBids(problem, { method: 'greedy', step });
      expectValidBids(problem, rec.amounts, step);
      expect(rec.step).toBe(step);
    }
  });

  it('prefers an uncrowded team to a crowded one of twice the value, because its bid buys more of it', () => {
    const problem = { value: Float64Array.from([0.2, 0.1]), others: Float64Array.from([400, 10]), budget: 10, minBid: 1, maxTeams: 1 };
    const rec = optimiseBids(problem, { method: 'greedy' });
    expect([...rec.amounts]).toEqual([0, 10]);
    // owning half of team 1 in a pool of 420: 0.1 × 0.5 × 420 / 10
    expect(rec.objective).toBeCloseTo(2.1, 12);
  });
});

describe('bids on the sample field', () => {
  const sample = sampleTournament();
  const n = sample.teams.length;
  const p = probabilityMatrix(
    DEFAULT_GAME_MODEL,
    sample.teams.map((t) => t.rating),
  );
  const count = 20_000;
  const wins = simulateTournaments({ bracket: bracketOrder(sample.teams), p, n, seed: 9, start: 0, count });
  const value = valueFromSimulations(wins, n, count, sample.calcutta);

  it('beats bidding in proportion to value and going all-in on the favourite, reaching the exact optimum', () => {
    const problem = bidProblemFromMarket({
      value,
      predictedShare: marketSharePrior(sample.teams),
      predictedPool: poolTotals(sample.bids).pool,
      calcutta: sample.calcutta,
    });
    const rec = optimiseBids(problem, { method: 'greedy' });
    expectValidBids(problem, rec.amounts, 1);
    const proportional = evaluateBids(problem, baselineBids(problem, 'proportional')).objective;
    const favourite = evaluateBids(problem, baselineBids(problem, 'favourite')).objective;
    // The prior prices teams near value^0.8, so spreading in proportion to value is already close.
    expect(rec.objective).toBeGreaterThan(proportional);
    expect(rec.objective).toBeGreaterThan(favourite * 1.2);
    expect(rec.objective).toBeCloseTo(optimiseBids(problem, { method: 'exact' }).objective, 12);
  });

  it('predicts the mean normalised payout that evaluating the same bids over the simulations measures', () => {
    const totals = poolTotals(sample.bids).byTeam;
    const problem: BidProblem = { value, others: Float64Array.from(sample.teams, (t) => totals.get(t.key) ?? 0), budget: 100, minBid: 1, maxTeams: 10 };
    const rec = optimiseBids(problem, { method: 'greedy' });
    const ownership = ownershipFromBids(sample.teams, [...sample.bids, ...bidsForEntry(sample.teams, rec.amounts, 'us')]);
    const ours = entryPerformance(ownership, sample.calcutta, wins, count).find((e) => e.entry === 'us')!;
    expect(ours.meanNormalisedPayout).toBeCloseTo(rec.objective, 9);
    expect(ours.spend).toBe(100);
  });
});
