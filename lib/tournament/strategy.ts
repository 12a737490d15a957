// Strategies beyond expected payout: maximise the probability of finishing first (or in the top
// places), or trade mean normalised payout against its variance. Both need the spread of outcomes,
// so they work on scenarios (simulated brackets, each team's payout share in each) and on the
// rival entries' holdings; this file defines them, evaluates any allocation, and finds the optimum
// of tiny instances by enumeration. The search for real instances is in strategy-search.ts.
//
// Model (shared with the payout objective, bid-problem.ts): we spend the whole budget B; others'
// money on team t is o_t (O in all), so the pool is O + B and a bid b_t buys b_t/(o_t + b_t) of
// the team. Rival e holds h_et of team t's money (Σ_e h_et = o_t), diluted by our bid the same way.
// In scenario s team t pays w_st of the pool: our payout is (O + B)·Σ_t w_st·b_t/(o_t + b_t),
// rival e's is (O + B)·Σ_t w_st·h_et/(o_t + b_t).
import { toUnits, type BidProblem, type UnitProblem } from './bid-problem.ts';
import type { Bracket } from './bracket.ts';
import { payoutTable } from './scoring.ts';
import { simulateTournaments } from './simulate.ts';
import type { Bid, Calcutta, Team } from './types.ts';

export type Strategy =
  | { kind: 'payout' }
  /** Maximise P(finishing in the top `place` entries); place 1 is P(finishing first). */
  | { kind: 'finish'; place: number; percentile?: number }
  /** Maximise E[N] − risk·Var[N], N = payout / spend (normalised payout). */
  | { kind: 'mean-variance'; risk: number };

export interface ScenarioProblem extends BidProblem {
  /** scenarios × teams: the share of the pool team t pays out in scenario s. */
  shares: Float64Array;
  scenarios: number;
  /** rivals × teams: each rival entry's money on each team (Σ over rivals = others). */
  holdings: Float64Array;
  rivals: string[];
}

/** How a strategy is written in parameters: payout, first, top:<percent>, mean-variance:<risk>. */
export function parseStrategy(text: string, entries: number): Strategy {
  const [name, arg] = text.trim().split(':');
  if (name === 'payout' && arg === undefined) return { kind: 'payout' };
  if (name === 'first' && arg === undefined) return { kind: 'finish', place: 1 };
  if (name === 'top') {
    const percentile = Number(arg);
    if (!(percentile > 0 && percentile <= 100)) throw new Error(`strategy "${text}": top:<percent> needs a percentage in (0, 100], e.g. top:25`);
    return { kind: 'finish', place: Math.max(1, Math.floor((percentile / 100) * entries)), percentile };
  }
  if (name === 'mean-variance') {
    const risk = Number(arg ?? 1);
    if (!(risk >= 0 && Number.isFinite(risk))) throw new Error(`strategy "${text}": mean-variance:<risk> needs a risk parameter ≥ 0, e.g. mean-variance:1`);
    return { kind: 'mean-variance', risk };
  }
  throw new Error(`unknown strategy "${text}": expected payout, first, top:<percent> or mean-variance:<risk>`);
}

/** The strategy's name as it is stored and shown: payout, first, top-3, mean-variance. */
export function strategyName(s: Strategy): string {
  if (s.kind === 'payout') return 'payout';
  if (s.kind === 'mean-variance') return 'mean-variance';
  return s.place === 1 ? 'first' : `top-${s.place}`;
}

/**
 * Rival holdings that add up to the predicted market: each other entry keeps the shape of its
 * actual bids, scaled per team to the predicted total o_t; money predicted on a team nobody bid on
 * is split evenly among the rivals. Rivals are the entries of `bids` other than `ours`.
 */
export function rivalHoldings(teams: readonly Team[], bids: readonly Bid[], others: Float64Array, ours: string): { rivals: string[]; holdings: Float64Array } {
  const n = teams.length;
  const index = new Map(teams.map((t, i) => [t.key, i]));
  const rivals = [...new Set(bids.filter((b) => b.entry !== ours).map((b) => b.entry))];
  const at = new Map(rivals.map((r, e) => [r, e]));
  const actual = new Float64Array(rivals.length * n);
  const totals = new Float64Array(n);
  for (const b of bids) {
    const e = at.get(b.entry);
    const t = index.get(b.team);
    if (e === undefined || t === undefined) continue;
    actual[e * n + t] += b.amount;
    totals[t] += b.amount;
  }
  const holdings = new Float64Array(rivals.length * n);
  for (let t = 0; t < n; t++) {
    for (let e = 0; e < rivals.length; e++) {
      holdings[e * n + t] = totals[t] > 0 ? (others[t] * actual[e * n + t]) / totals[t] : others[t] / rivals.length;
    }
  }
  return { rivals, holdings };
}

/**
 * The problem a strategy plans with: the market's bid problem, `count` scenarios simulated from the
 * bracket with their own seed (so the simulations a run is later judged on are not the ones it
 * planned with), and the rivals' holdings from the auction's other entries.
 */
export function scenarioProblem(options: {
  market: BidProblem;
  teams: readonly Team[];
  bids: readonly Bid[];
  ours: string;
  bracket: Bracket;
  p: Float64Array;
  calcutta: Pick<Calcutta, 'payouts'>;
  scenarios: number;
  seed: number;
}): ScenarioProblem {
  const { market, teams, bracket, scenarios } = options;
  const n = teams.length;
  const progress = simulateTournaments({ bracket, p: options.p, n, seed: options.seed, start: 0, count: scenarios });
  return {
    ...market,
    shares: scenarioShares(progress, n, scenarios, payoutTable(options.calcutta, bracket)),
    scenarios,
    ...rivalHoldings(teams, options.bids, market.others, options.ours),
  };
}

/** Each team's share of the pool in each scenario, from count×n simulated progress values and the per-progress payout table. */
export function scenarioShares(progress: Uint8Array, n: number, count: number, table: Float64Array): Float64Array {
  const out = new Float64Array(count * n);
  for (let i = 0; i < out.length; i++) out[i] = table[progress[i]];
  return out;
}

export interface StrategyOutcome {
  /** What the strategy maximises: P(place), or E[N] − risk·Var[N], or E[N] for payout. */
  score: number;
  meanNormalisedPayout: number;
  sdNormalisedPayout: number;
  /** Share of scenarios in which we finish first (no rival strictly ahead). */
  pFirst: number;
  /** Share of scenarios in which at most place − 1 rivals are ahead (place of a finish strategy, else 1). */
  pPlace: number;
}

/** Payouts within this fraction of the pool count as tied (rounding in sums must not split ties). */
export const TIE = 1e-9;

/** Any allocation (money per team) judged over the scenarios, the way the search judges it. */
export function evaluateStrategy(problem: ScenarioProblem, amounts: ArrayLike<number>, strategy: Strategy): StrategyOutcome {
  const n = problem.value.length;
  const E = problem.rivals.length;
  let spend = 0,
    O = 0;
  for (let t = 0; t < n; t++) {
    spend += amounts[t];
    O += problem.others[t];
  }
  const c = O + spend;
  const ours = new Float64Array(n);
  const diluted = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const denominator = problem.others[t] + amounts[t];
    ours[t] = amounts[t] > 0 ? amounts[t] / denominator : 0;
    diluted[t] = denominator > 0 ? 1 / denominator : 0;
  }
  const place = strategy.kind === 'finish' ? strategy.place : 1;
  // Sparse: our held teams, and each rival's teams.
  const held = [...ours.keys()].filter((t) => ours[t] > 0);
  const rivalTeams = problem.rivals.map((_, e) => [...Array(n).keys()].filter((t) => problem.holdings[e * n + t] > 0));
  let sum = 0,
    sumSq = 0,
    first = 0,
    placed = 0;
  for (let s = 0; s < problem.scenarios; s++) {
    const row = s * n;
    let u = 0;
    for (const t of held) u += problem.shares[row + t] * ours[t];
    u *= c;
    let ahead = 0;
    for (let e = 0; e < E; e++) {
      let r = 0;
      for (const t of rivalTeams[e]) r += problem.shares[row + t] * problem.holdings[e * n + t] * diluted[t];
      if (r * c > u + TIE * c) ahead++;
    }
    const norm = spend > 0 ? u / spend : 0;
    sum += norm;
    sumSq += norm * norm;
    if (ahead === 0) first++;
    if (ahead < place) placed++;
  }
  const S = Math.max(problem.scenarios, 1);
  const mean = sum / S;
  const variance = Math.max(0, sumSq / S - mean * mean);
  const score = strategy.kind === 'finish' ? placed / S : strategy.kind === 'mean-variance' ? mean - strategy.risk * variance : mean;
  return { score, meanNormalisedPayout: mean, sdNormalisedPayout: Math.sqrt(variance), pFirst: first / S, pPlace: placed / S };
}

/** Every allocation of whole units that spends the budget (for checking the search on tiny instances). */
export function* allAllocations(p: UnitProblem): Generator<Int32Array> {
  const held = new Int32Array(p.teams);
  function* visit(t: number, left: number, count: number): Generator<Int32Array> {
    if (t === p.teams) {
      if (left === 0 && count > 0) yield held;
      return;
    }
    for (let u = 0; u <= left; u++) {
      if (u > 0 && (u < p.minUnits || count >= p.maxTeams)) continue;
      held[t] = u;
      yield* visit(t + 1, left - u, count + (u > 0 ? 1 : 0));
    }
    held[t] = 0;
  }
  yield* visit(0, p.units, 0);
}

/** The exhaustive optimum of a tiny instance: every allocation evaluated. */
export function exhaustiveStrategy(problem: ScenarioProblem, strategy: Strategy, step = 1): { amounts: Float64Array; outcome: StrategyOutcome } {
  const p = toUnits(problem, step);
  let best: { amounts: Float64Array; outcome: StrategyOutcome } | null = null;
  for (const held of allAllocations(p)) {
    const amounts = Float64Array.from(held, (u) => u * step);
    const outcome = evaluateStrategy(problem, amounts, strategy);
    if (!best || outcome.score > best.outcome.score) best = { amounts, outcome };
  }
  if (!best) throw new Error('no allocation spends the budget within the rules');
  return best;
}
