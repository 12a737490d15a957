import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/random.ts';
import { toUnits } from '../../../lib/tournament/bid-problem.ts';
import { payoutTable, poolTotals } from '../../../lib/tournament/scoring.ts';
import { simulateTournaments } from '../../../lib/tournament/simulate.ts';
import { bidProblemFromMarket, bidsForEntry, optimiseBids, valueFromSimulations } from '../../../lib/tournament/optimise.ts';
import { fieldBracket } from '../../../lib/tournament/bracket.ts';
import { entryPerformance, ownershipFromBids } from '../../../lib/tournament/evaluate.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../../lib/tournament/game-model.ts';
import { marketSharePrior } from '../../../lib/tournament/market.ts';
import { sampleTournament } from '../../../lib/tournament/sample.ts';
import {
  allAllocations,
  evaluateStrategy,
  exhaustiveStrategy,
  parseStrategy,
  rivalHoldings,
  scenarioShares,
  strategyName,
  type ScenarioProblem,
} from '../../../lib/tournament/strategy.ts';
import { optimiseStrategy } from '../../../lib/tournament/strategy-search.ts';

/**
 * A tiny Calcutta: an 8-team bracket with random game probabilities, 300 simulated scenarios, three
 * to five rivals each holding two or three teams, and a budget of a few units.
 */
function tinyInstance(seed: number): ScenarioProblem {
  const r = seededRandom(seed);
  const n = 8;
  const p = new Float64Array(n * n).fill(0.5);
  const strength = Array.from({ length: n }, () => 2 * r.normal());
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) p[i * n + j] = 1 / (1 + Math.exp(strength[j] - strength[i]));
  const scenarios = 300;
  const progress = simulateTournaments({ bracket: [0, 1, 2, 3, 4, 5, 6, 7], p, n, seed, start: 0, count: scenarios });
  // 4 first-round winners × 0.05, 2 × 0.15 more, the champion 0.5 more: the pool pays out exactly.
  const table = payoutTable(
    {
      payouts: [
        { wins: 1, share: 0.05 },
        { wins: 2, share: 0.15 },
        { wins: 3, share: 0.5 },
      ],
    },
    { rounds: 3, firstFour: false },
  );
  const shares = scenarioShares(progress, n, scenarios, table);
  const value = new Float64Array(n);
  for (let s = 0; s < scenarios; s++) for (let t = 0; t < n; t++) value[t] += shares[s * n + t] / scenarios;
  const rivals = Array.from({ length: 3 + Math.floor(r.next() * 3) }, (_, e) => `rival-${e}`);
  const holdings = new Float64Array(rivals.length * n);
  for (let e = 0; e < rivals.length; e++) {
    const teams = 2 + Math.floor(r.next() * 2);
    for (let k = 0; k < teams; k++) holdings[e * n + Math.floor(r.next() * n)] += 2 + Math.floor(r.next() * 8);
  }
  const others = new Float64Array(n);
  for (let e = 0; e < rivals.length; e++) for (let t = 0; t < n; t++) others[t] += holdings[e * n + t];
  return {
    value,
    others,
    budget: 6 + Math.floor(r.next() * 7),
    minBid: 1 + Math.floor(r.next() * 2),
    maxTeams: 2 + Math.floor(r.next() * 3),
    shares,
    scenarios,
    holdings,
    rivals,
  };
}

describe('strategies on tiny instances, against every allocation', () => {
  const instances = Array.from({ length: 16 }, (_, i) => tinyInstance(1_000 + i));

  it('finish first: the search reaches at least 99% of the exhaustive optimum of P(first)', () => {
    let worst = 1;
    for (const problem of instances) {
      const strategy = parseStrategy('first', problem.rivals.length + 1);
      const best = exhaustiveStrategy(problem, strategy);
      const found = optimiseStrategy(problem, strategy as Exclude<typeof strategy, { kind: 'payout' }>);
      expect(found.outcome.score).toBeLessThanOrEqual(best.outcome.score + 1e-12);
      expect([...found.amounts].reduce((a, b) => a + b, 0)).toBe(toUnits(problem).units);
      if (best.outcome.score > 0) worst = Math.min(worst, found.outcome.score / best.outcome.score);
    }
    expect(worst).toBeGreaterThanOrEqual(0.99);
  });

  it('finish in the top 40%: the same, for a chosen percentile', () => {
    let worst = 1;
    for (const problem of instances) {
      const strategy = parseStrategy('top:40', problem.rivals.length + 1);
      expect(strategy).toMatchObject({ kind: 'finish', place: Math.floor(0.4 * (problem.rivals.length + 1)) });
      const best = exhaustiveStrategy(problem, strategy);
      const found = optimiseStrategy(problem, strategy as Exclude<typeof strategy, { kind: 'payout' }>);
      if (best.outcome.score > 0) worst = Math.min(worst, found.outcome.score / best.outcome.score);
    }
    expect(worst).toBeGreaterThanOrEqual(0.99);
  });

  it('mean–variance: the search reaches the exhaustive optimum within 1% for several risk parameters', () => {
    let worst = 0;
    for (const risk of [0.5, 2]) {
      for (const problem of instances) {
        const best = exhaustiveStrategy(problem, { kind: 'mean-variance', risk });
        const found = optimiseStrategy(problem, { kind: 'mean-variance', risk });
        const gap = (best.outcome.score - found.outcome.score) / Math.abs(best.outcome.score);
        expect(gap).toBeGreaterThanOrEqual(-1e-9);
        worst = Math.max(worst, gap);
      }
    }
    expect(worst).toBeLessThanOrEqual(0.01);
  });

  it('payout: the exact program maximises the mean normalised payout the scenarios measure, up to their sampling', () => {
    for (const problem of instances.slice(0, 10)) {
      const exact = optimiseBids(problem, { method: 'exact' });
      const best = exhaustiveStrategy(problem, { kind: 'payout' });
      // value is the scenarios' own mean, so the closed form and the scenario mean agree exactly.
      expect(evaluateStrategy(problem, exact.amounts, { kind: 'payout' }).score).toBeCloseTo(best.outcome.score, 9);
    }
  });

  it('trades expected payout for the chance of winning, and variance for the mean as risk grows', () => {
    let firstWins = 0;
    for (const problem of instances) {
      const payout = optimiseBids(problem, { method: 'exact' }).amounts;
      const first = optimiseStrategy(problem, { kind: 'finish', place: 1 });
      const byPayout = evaluateStrategy(problem, payout, { kind: 'finish', place: 1 });
      expect(first.outcome.pFirst).toBeGreaterThanOrEqual(byPayout.pFirst * 0.99);
      expect(first.outcome.meanNormalisedPayout).toBeLessThanOrEqual(byPayout.meanNormalisedPayout + 1e-9);
      if (first.outcome.pFirst > byPayout.pFirst) firstWins++;
      const calm = optimiseStrategy(problem, { kind: 'mean-variance', risk: 5 });
      const bold = optimiseStrategy(problem, { kind: 'mean-variance', risk: 0 });
      expect(calm.outcome.sdNormalisedPayout).toBeLessThanOrEqual(bold.outcome.sdNormalisedPayout + 1e-9);
    }
    expect(firstWins).toBeGreaterThan(instances.length / 3);
  });
});

describe('strategy parameters', () => {
  it('reads payout, first, top:<percent> and mean-variance:<risk>, and names them', () => {
    expect(parseStrategy('payout', 21)).toEqual({ kind: 'payout' });
    expect(parseStrategy('first', 21)).toEqual({ kind: 'finish', place: 1 });
    expect(parseStrategy('top:15', 21)).toEqual({ kind: 'finish', place: 3, percentile: 15 });
    expect(parseStrategy('mean-variance:0.5', 21)).toEqual({ kind: 'mean-variance', risk: 0.5 });
    expect(strategyName(parseStrategy('top:15', 21))).toBe('top-3');
    expect(() => parseStrategy('top:0', 21)).toThrow(/percentage in \(0, 100\]/);
    expect(() => parseStrategy('mean-variance:-1', 21)).toThrow(/risk parameter ≥ 0/);
    expect(() => parseStrategy('kelly', 21)).toThrow(/unknown strategy "kelly"/);
  });

  it('enumerates every allocation that spends the budget within the minimum bid and team limit', () => {
    const p = toUnits({ value: new Float64Array(3), others: new Float64Array(3), budget: 4, minBid: 2, maxTeams: 2 });
    const all = Array.from(allAllocations(p), (a) => [...a].join(''));
    expect(all.sort()).toEqual(['004', '022', '040', '202', '220', '400']);
  });
});

describe('on the sample Calcutta, judged on simulations the strategies never saw', () => {
  const sample = sampleTournament(2026);
  const n = sample.teams.length;
  const bracket = fieldBracket(sample.teams);
  const p = probabilityMatrix(
    DEFAULT_GAME_MODEL,
    sample.teams.map((t) => t.rating),
  );
  const scenarios = 3_000;
  const planning = simulateTournaments({ bracket, p, n, seed: 11, start: 0, count: scenarios });
  const value = valueFromSimulations(planning, n, scenarios, sample.calcutta, bracket);
  const market = bidProblemFromMarket({
    value,
    predictedShare: marketSharePrior(sample.teams),
    predictedPool: poolTotals(sample.bids).pool,
    calcutta: sample.calcutta,
  });
  const problem: ScenarioProblem = {
    ...market,
    shares: scenarioShares(planning, n, scenarios, payoutTable(sample.calcutta, bracket)),
    scenarios,
    ...rivalHoldings(sample.teams, sample.bids, market.others, 'us'),
  };
  const held = 20_000;
  const judging = simulateTournaments({ bracket, p, n, seed: 12, start: 0, count: held });
  const judge = (amounts: Float64Array) => {
    const ownership = ownershipFromBids(sample.teams, [...sample.bids, ...bidsForEntry(sample.teams, amounts, 'us')], bracket);
    return entryPerformance(ownership, sample.calcutta, judging, held).find((e) => e.entry === 'us')!;
  };

  it('finishing first beats the payout strategy on P(first) and loses to it on expected payout', () => {
    const payout = judge(optimiseBids(market, { method: 'greedy' }).amounts);
    const first = judge(optimiseStrategy(problem, { kind: 'finish', place: 1 }).amounts);
    // Standard errors of P(first) over 20,000 brackets are below 0.004.
    expect(first.pFirst).toBeGreaterThan(payout.pFirst + 0.03);
    expect(first.meanPayout).toBeLessThan(payout.meanPayout);
    expect(first.spend).toBe(payout.spend);
  });
});
