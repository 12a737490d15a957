// What a team is worth: the payout table turned into a share of the pool per number of wins, the
// pool itself, and checks that a set of bids obeys the Calcutta's rules.
//
// Convention: payouts are per-round increments (PayoutRule), so a team with k wins earns the sum
// of the shares of every rule with wins ≤ k. A team's "points" are that share in percent of the pool.
// Shares of teams nobody bid on are not paid to anyone. Wins are wins in the 64-team bracket: a
// First Four win earns nothing, and a First Four loser earns what a first-round loser does (nothing).
import { progressWidth, STANDARD_SHAPE, type FieldShape } from './bracket.ts';
import type { Bid, Calcutta, PayoutRule } from './types.ts';

/**
 * 0.5% of the pool per first-round win, 1% per second-round win, 2.5% per Sweet 16 win, 5% per
 * Elite Eight win, 8% per Final Four win and 12% for the title: 32·0.5 + 16·1 + 8·2.5 + 4·5 + 2·8 + 12
 * = 100%, so every 64-team bracket pays out exactly the pool, a fifth of it per round from the Sweet 16 on.
 */
export const DEFAULT_PAYOUTS: readonly PayoutRule[] = Object.freeze([
  { wins: 1, share: 0.005 },
  { wins: 2, share: 0.01 },
  { wins: 3, share: 0.025 },
  { wins: 4, share: 0.05 },
  { wins: 5, share: 0.08 },
  { wins: 6, share: 0.12 },
]);

/**
 * Cumulative share of the pool by progress (see Bracket): table[k] = Σ share over rules with wins ≤ k
 * in a field without a First Four; with one, table[0] = 0 (a First Four loser) and table[k + 1] is that.
 */
export function payoutTable(calcutta: Pick<Calcutta, 'payouts'>, shape: FieldShape = STANDARD_SHAPE): Float64Array {
  const rounds = shape.rounds;
  const increments = new Float64Array(rounds + 1);
  for (const rule of calcutta.payouts) {
    if (!Number.isInteger(rule.wins) || rule.wins < 0 || rule.wins > rounds) throw new Error(`payout rule for ${rule.wins} wins is outside 0..${rounds}`);
    if (!Number.isFinite(rule.share) || rule.share < 0)
      throw new Error(`payout rule for ${rule.wins} wins has share ${rule.share}, expected a finite share ≥ 0`);
    increments[rule.wins] += rule.share;
  }
  const table = new Float64Array(progressWidth(shape));
  const shift = shape.firstFour ? 1 : 0;
  let total = 0;
  for (let k = 0; k <= rounds; k++) table[k + shift] = total += increments[k];
  return table;
}

/** Share of the pool a team with `wins` wins earns (all of it, split among its owners). */
export function teamPayoutShare(wins: number, calcutta: Pick<Calcutta, 'payouts'>): number {
  let share = 0;
  for (const rule of calcutta.payouts) if (rule.wins <= wins) share += rule.share;
  return share;
}

/** A team's points: its payout share in percent of the pool (the title winner in DEFAULT_PAYOUTS scores 29). */
export function teamPoints(wins: number, calcutta: Pick<Calcutta, 'payouts'>): number {
  return 100 * teamPayoutShare(wins, calcutta);
}

/** Share of the pool a whole bracket pays out: Σ_k share_k × (teams reaching k wins) = Σ_k share_k · 2^(rounds−k). */
export function bracketPayoutShare(calcutta: Pick<Calcutta, 'payouts'>, rounds = 6): number {
  let total = 0;
  for (const rule of calcutta.payouts) total += rule.share * 2 ** (rounds - rule.wins);
  return total;
}

/** Expected payout share per team from a progress distribution (n×width of `shape`, exact or simulated). */
export function expectedPayoutShares(
  distribution: Float64Array,
  n: number,
  calcutta: Pick<Calcutta, 'payouts'>,
  shape: FieldShape = STANDARD_SHAPE,
): Float64Array {
  const width = progressWidth(shape);
  if (distribution.length !== n * width) throw new Error(`distribution has ${distribution.length} values, expected ${n} teams × ${width}`);
  const table = payoutTable(calcutta, shape);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let e = 0;
    for (let k = 0; k < width; k++) e += table[k] * distribution[t * width + k];
    out[t] = e;
  }
  return out;
}

export interface PoolTotals {
  pool: number;
  byTeam: Map<string, number>;
  byEntry: Map<string, number>;
}

export function poolTotals(bids: readonly Bid[]): PoolTotals {
  const byTeam = new Map<string, number>();
  const byEntry = new Map<string, number>();
  let pool = 0;
  for (const bid of bids) {
    pool += bid.amount;
    byTeam.set(bid.team, (byTeam.get(bid.team) ?? 0) + bid.amount);
    byEntry.set(bid.entry, (byEntry.get(bid.entry) ?? 0) + bid.amount);
  }
  return { pool, byTeam, byEntry };
}

/** Every way the bids break the Calcutta's rules (budget, minimum bid, team limit, unknown teams). */
export function validateBids(bids: readonly Bid[], calcutta: Calcutta, teamKeys?: Iterable<string>): string[] {
  const problems: string[] = [];
  const known = teamKeys ? new Set(teamKeys) : undefined;
  const teamsByEntry = new Map<string, Set<string>>();
  for (const bid of bids) {
    if (!Number.isFinite(bid.amount) || bid.amount <= 0) problems.push(`entry "${bid.entry}" bid ${bid.amount} on "${bid.team}", expected a positive amount`);
    else if (bid.amount < calcutta.minBid) problems.push(`entry "${bid.entry}" bid ${bid.amount} on "${bid.team}", below the minimum bid ${calcutta.minBid}`);
    if (known && !known.has(bid.team)) problems.push(`entry "${bid.entry}" bid on unknown team "${bid.team}"`);
    const teams = teamsByEntry.get(bid.entry) ?? new Set<string>();
    if (teams.has(bid.team)) problems.push(`entry "${bid.entry}" bid on "${bid.team}" more than once`);
    teams.add(bid.team);
    teamsByEntry.set(bid.entry, teams);
  }
  for (const [entry, spend] of poolTotals(bids).byEntry) {
    if (spend > calcutta.budgetPerEntry + 1e-9) problems.push(`entry "${entry}" spent ${spend}, over the budget of ${calcutta.budgetPerEntry}`);
  }
  if (calcutta.maxTeamsPerEntry !== undefined) {
    for (const [entry, teams] of teamsByEntry) {
      if (teams.size > calcutta.maxTeamsPerEntry)
        problems.push(`entry "${entry}" bid on ${teams.size} teams, more than the limit of ${calcutta.maxTeamsPerEntry}`);
    }
  }
  return problems;
}
