// Our entry's bids: how to split a budget over teams when other entries' money is predicted.
// The problem's shapes and evaluation live in bid-problem.ts, the exact DP in optimise-exact.ts.
//
// Objective (exact definition): bids are whole multiples of `step`; the entry spends its whole
// budget, B = ⌊budget/step⌋·step, split as b_t with b_t = 0 or b_t ≥ minBid, on at most maxTeams
// teams. With others' predicted total o_t on team t (O = Σ o_t) and V_t the team's expected payout
// share of the pool, our bid raises the pool to O + B and buys b_t/(o_t + b_t) of the team, so
//   E[payout] = (O + B) · Σ_t V_t · b_t / (o_t + b_t)   and the objective is E[payout] / B,
// the expected normalised payout. Spend is fixed because payout/spend alone is maximised by a
// single minimum bid on the best-value team, which is no way to play an auction.
import { STANDARD_SHAPE, type FieldShape } from './bracket.ts';
import { evaluateBids, ownedValue, toUnits, type BidProblem, type UnitProblem } from './bid-problem.ts';
import { optimiseExact } from './optimise-exact.ts';
import { expectedPayoutShares } from './scoring.ts';
import { winDistributionFromSimulations } from './simulate.ts';
import type { Bid, Calcutta, Team } from './types.ts';

export interface OptimiseOptions {
  method: 'greedy' | 'exact';
  /** Bid increment in money (default 1). */
  step?: number;
}

export interface BidRecommendation {
  /** Money per team (index into the field), 0 where we do not bid. */
  amounts: Float64Array;
  /** Expected normalised payout, E[payout] / spend. */
  objective: number;
  expectedPayout: number;
  spend: number;
  /** Predicted pool including our spend. */
  pool: number;
  method: 'greedy' | 'exact';
  step: number;
  units: number;
  minUnits: number;
  maxTeams: number;
}

export function optimiseBids(problem: BidProblem, options: OptimiseOptions = { method: 'greedy' }): BidRecommendation {
  const step = options.step ?? 1;
  const p = toUnits(problem, step);
  const held = options.method === 'exact' ? optimiseExact(p) : optimiseGreedy(p);
  const amounts = Float64Array.from(held, (u) => u * step);
  return { amounts, ...evaluateBids(problem, amounts), method: options.method, step, units: p.units, minUnits: p.minUnits, maxTeams: p.maxTeams };
}

/**
 * Marginal-gain greedy, then local search over which teams to hold. Each greedy step buys the unit
 * (or, for a new team, the minimum bid) with the best gain per unit. b/(o+b) is concave, so for a
 * fixed set of held teams the best split is exact by the same greedy (allocate); what the minimum
 * bid and team limit make hard is choosing the set, so the search adds, drops or swaps one team at a
 * time, re-allocating each candidate set, until no move improves.
 */
export function optimiseGreedy(p: UnitProblem): Int32Array {
  const held = new Int32Array(p.teams);
  if (p.maxTeams < 1) return held;
  let count = 0;
  for (let left = p.units; left > 0;) {
    let best = -1,
      bestRate = -Infinity,
      bestUnits = 0;
    for (let t = 0; t < p.teams; t++) {
      const add = held[t] > 0 ? 1 : p.minUnits;
      if (add > left || (held[t] === 0 && count >= p.maxTeams)) continue;
      const rate = (ownedValue(p, t, held[t] + add) - ownedValue(p, t, held[t])) / add;
      if (rate > bestRate) [best, bestRate, bestUnits] = [t, rate, add];
    }
    if (best < 0) break;
    if (held[best] === 0) count++;
    held[best] += bestUnits;
    left -= bestUnits;
  }
  let set = [...held.keys()].filter((t) => held[t] > 0);
  if (set.length === 0) return held;
  let current = allocate(p, set, held);
  for (let iter = 0; iter < 1_000; iter++) {
    const inSet = new Set(set);
    let bestSet: number[] | null = null;
    let bestValue = current * (1 + 1e-12) + 1e-15;
    const consider = (candidate: number[]) => {
      const v = allocate(p, candidate);
      if (v > bestValue) [bestValue, bestSet] = [v, candidate];
    };
    for (let b = 0; b < p.teams; b++) {
      if (inSet.has(b)) continue;
      if (set.length < p.maxTeams) consider([...set, b]);
      for (let i = 0; i < set.length; i++) consider(set.map((t, j) => (j === i ? b : t)));
    }
    if (set.length > 1) for (let i = 0; i < set.length; i++) consider(set.filter((_, j) => j !== i));
    if (bestSet === null) break;
    set = bestSet;
    current = bestValue;
  }
  held.fill(0);
  allocate(p, set, held);
  return held;
}

/**
 * The best split of all units over exactly the teams in `set`, each at or above the minimum: start
 * each at the minimum and hand out the rest one unit at a time to the largest marginal gain, which
 * is optimal because every team's value is concave in its bid. Returns the owned value (−∞ if the
 * set cannot be afforded) and writes the units into `out` when given.
 */
export function allocate(p: UnitProblem, set: readonly number[], out?: Int32Array): number {
  const k = set.length;
  if (k * p.minUnits > p.units || k > p.maxTeams) return -Infinity;
  const units = new Int32Array(k).fill(p.minUnits);
  const gain = new Float64Array(k);
  for (let i = 0; i < k; i++) gain[i] = ownedValue(p, set[i], p.minUnits + 1) - ownedValue(p, set[i], p.minUnits);
  for (let left = p.units - k * p.minUnits; left > 0; left--) {
    let best = 0;
    for (let i = 1; i < k; i++) if (gain[i] > gain[best]) best = i;
    const u = ++units[best];
    gain[best] = ownedValue(p, set[best], u + 1) - ownedValue(p, set[best], u);
  }
  let value = 0;
  for (let i = 0; i < k; i++) {
    value += ownedValue(p, set[i], units[i]);
    if (out) out[set[i]] = units[i];
  }
  return value;
}

/** Each team's expected payout share of the pool from count×n simulated progress values. */
export function valueFromSimulations(
  wins: Uint8Array,
  n: number,
  count: number,
  calcutta: Pick<Calcutta, 'payouts'>,
  shape: FieldShape = STANDARD_SHAPE,
): Float64Array {
  return expectedPayoutShares(winDistributionFromSimulations(wins, n, count, shape), n, calcutta, shape);
}

/** The problem for a predicted market: others' money on a team is its predicted share of their pool. */
export function bidProblemFromMarket(options: {
  value: Float64Array;
  predictedShare: ArrayLike<number>;
  predictedPool: number;
  calcutta: Pick<Calcutta, 'budgetPerEntry' | 'minBid' | 'maxTeamsPerEntry'>;
}): BidProblem {
  const { value, predictedShare, predictedPool, calcutta } = options;
  return {
    value,
    others: Float64Array.from(predictedShare, (s) => s * predictedPool),
    budget: calcutta.budgetPerEntry,
    minBid: calcutta.minBid,
    maxTeams: calcutta.maxTeamsPerEntry,
  };
}

/** Bid records for an entry from per-team amounts (teams with 0 left out). */
export function bidsForEntry(teams: readonly Team[], amounts: ArrayLike<number>, entry: string): Bid[] {
  const bids: Bid[] = [];
  for (let t = 0; t < teams.length; t++) if (amounts[t] > 0) bids.push({ entry, team: teams[t].key, amount: amounts[t] });
  return bids;
}

/**
 * Simple strategies to measure the optimiser against, in whole units of `step`, spending the whole
 * budget: 'proportional' splits it over the most valuable teams (up to the team limit) in
 * proportion to their value; 'favourite' puts it all on the single most valuable team.
 */
export function baselineBids(problem: BidProblem, strategy: 'proportional' | 'favourite', step = 1): Float64Array {
  const p = toUnits(problem, step);
  const held = new Int32Array(p.teams);
  const ranked = Array.from(p.value.keys()).sort((a, b) => p.value[b] - p.value[a] || a - b);
  if (p.maxTeams < 1) return new Float64Array(p.teams);
  const chosen = strategy === 'favourite' ? ranked.slice(0, 1) : ranked.slice(0, p.maxTeams);
  const total = chosen.reduce((a, t) => a + p.value[t], 0);
  let left = p.units;
  for (const t of chosen) {
    const u = Math.floor((p.units * p.value[t]) / total);
    if (u >= p.minUnits) {
      held[t] = u;
      left -= u;
    }
  }
  // Rounding leftovers go to the most valuable team, which always clears the minimum.
  held[chosen[0]] += left;
  return Float64Array.from(held, (u) => u * step);
}
