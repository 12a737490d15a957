// How every entry fares in each simulated tournament, streamed one simulation at a time so that
// 100k simulations × 20 entries never need all their rows in memory, and the aggregates over them.
//
// Definitions: an entry owns bid/total-bids of each team it bid on. Its points are Σ ownership ×
// team points (percent of the pool, see scoring.ts); its payout is points/100 × pool in money; its
// normalised payout is payout / its own total spend (1.0 = got its money back). Rank 1 is the
// highest payout; tied entries share the better rank.
import { byeOf, progressWidth, STANDARD_SHAPE, type FieldShape } from './bracket.ts';
import { payoutTable } from './scoring.ts';
import type { Bid, Calcutta, Team } from './types.ts';

export interface Ownership {
  /** Teams in the field (columns of the matrices). */
  n: number;
  /** The field's rounds and First Four, which say what a team's simulated progress pays. */
  shape: FieldShape;
  entries: string[];
  /** entries×n: amount each entry bid on each team. */
  amount: Float64Array;
  /** entries×n: fraction of each team each entry owns. */
  share: Float64Array;
  spend: Float64Array;
  teamTotals: Float64Array;
  pool: number;
  /** Owned teams per entry, compressed: entry e owns ownedTeam[offsets[e]..offsets[e+1]). */
  offsets: Int32Array;
  ownedTeam: Int32Array;
}

/** Ownership of every team by every entry; entries in order of first bid. Throws on bids for unknown teams. */
export function ownershipFromBids(teams: readonly Team[], bids: readonly Bid[], shape: FieldShape = STANDARD_SHAPE): Ownership {
  const n = teams.length;
  const teamIndex = new Map(teams.map((t, i) => [t.key, i]));
  const entryIndex = new Map<string, number>();
  for (const bid of bids) if (!entryIndex.has(bid.entry)) entryIndex.set(bid.entry, entryIndex.size);
  const entries = [...entryIndex.keys()];
  const amount = new Float64Array(entries.length * n);
  for (const bid of bids) {
    const t = teamIndex.get(bid.team);
    if (t === undefined) throw new Error(`entry "${bid.entry}" bid on team "${bid.team}", which is not in the field`);
    if (!Number.isFinite(bid.amount) || bid.amount < 0)
      throw new Error(`entry "${bid.entry}" bid ${bid.amount} on "${bid.team}", expected a finite amount ≥ 0`);
    amount[entryIndex.get(bid.entry)! * n + t] += bid.amount;
  }
  const teamTotals = new Float64Array(n);
  const spend = new Float64Array(entries.length);
  for (let e = 0; e < entries.length; e++) {
    for (let t = 0; t < n; t++) {
      teamTotals[t] += amount[e * n + t];
      spend[e] += amount[e * n + t];
    }
  }
  const share = new Float64Array(amount.length);
  const offsets = new Int32Array(entries.length + 1);
  const owned: number[] = [];
  for (let e = 0; e < entries.length; e++) {
    for (let t = 0; t < n; t++) {
      if (amount[e * n + t] > 0) {
        share[e * n + t] = amount[e * n + t] / teamTotals[t];
        owned.push(t);
      }
    }
    offsets[e + 1] = owned.length;
  }
  const pool = teamTotals.reduce((a, b) => a + b, 0);
  return {
    n,
    shape: { rounds: shape.rounds, firstFour: shape.firstFour },
    entries,
    amount,
    share,
    spend,
    teamTotals,
    pool,
    offsets,
    ownedTeam: Int32Array.from(owned),
  };
}

/** One simulation's results for every entry (index = entry). The arrays are reused: copy what you keep. */
export interface SimulationOutcome {
  sim: number;
  points: Float64Array;
  payout: Float64Array;
  normalisedPayout: Float64Array;
  rank: Int32Array;
}

/**
 * Scores one simulation at a time into reused arrays: `score(wins, offset, sim)` reads the n wins at
 * wins[offset..] and returns the outcome for every entry. Payouts within a millionth of a currency
 * unit count as tied, so rounding in the sums does not split ties.
 */
export function simulationScorer(
  ownership: Ownership,
  calcutta: Pick<Calcutta, 'payouts'>,
): (wins: Uint8Array, offset: number, sim: number) => SimulationOutcome {
  const { n, entries, share, spend, pool, offsets, ownedTeam } = ownership;
  const E = entries.length;
  const points = new Float64Array(n);
  const table = payoutTable(calcutta, ownership.shape);
  for (let k = 0; k < table.length; k++) table[k] *= 100;
  const outcome: SimulationOutcome = {
    sim: 0,
    points: new Float64Array(E),
    payout: new Float64Array(E),
    normalisedPayout: new Float64Array(E),
    rank: new Int32Array(E),
  };
  const tie = 1e-6;
  return (wins, offset, sim) => {
    for (let t = 0; t < n; t++) points[t] = table[wins[offset + t]];
    for (let e = 0; e < E; e++) {
      let total = 0;
      for (let i = offsets[e]; i < offsets[e + 1]; i++) total += share[e * n + ownedTeam[i]] * points[ownedTeam[i]];
      outcome.points[e] = total;
      outcome.payout[e] = (total / 100) * pool;
      outcome.normalisedPayout[e] = spend[e] > 0 ? outcome.payout[e] / spend[e] : 0;
    }
    for (let e = 0; e < E; e++) {
      let better = 0;
      const mine = outcome.payout[e];
      for (let o = 0; o < E; o++) if (outcome.payout[o] > mine + tie) better++;
      outcome.rank[e] = better + 1;
    }
    outcome.sim = sim;
    return outcome;
  };
}

/** Calls `visit` once per simulation of a count×n wins chunk whose first row is simulation `firstSim`. */
export function forEachSimulationOutcome(
  ownership: Ownership,
  calcutta: Pick<Calcutta, 'payouts'>,
  wins: Uint8Array,
  count: number,
  visit: (outcome: SimulationOutcome) => void,
  firstSim = 0,
): void {
  const n = ownership.n;
  if (wins.length < count * n) throw new Error(`wins hold ${wins.length} values, fewer than ${count} simulations × ${n} teams`);
  const score = simulationScorer(ownership, calcutta);
  for (let s = 0; s < count; s++) visit(score(wins, s * n, firstSim + s));
}

/** Row per (simulation, entry), for writing outcomes out as a stream. */
export interface EntryOutcomeRow {
  sim: number;
  entry: string;
  points: number;
  payout: number;
  normalisedPayout: number;
  rank: number;
}

export function* entryOutcomeRows(
  ownership: Ownership,
  calcutta: Pick<Calcutta, 'payouts'>,
  wins: Uint8Array,
  count: number,
  firstSim = 0,
): Generator<EntryOutcomeRow> {
  const { n, entries } = ownership;
  if (wins.length < count * n) throw new Error(`wins hold ${wins.length} values, fewer than ${count} simulations × ${n} teams`);
  const score = simulationScorer(ownership, calcutta);
  for (let s = 0; s < count; s++) {
    const o = score(wins, s * n, firstSim + s);
    for (let e = 0; e < entries.length; e++) {
      yield { sim: o.sim, entry: entries[e], points: o.points[e], payout: o.payout[e], normalisedPayout: o.normalisedPayout[e], rank: o.rank[e] };
    }
  }
}

export interface EntryPerformance {
  entry: string;
  spend: number;
  meanPoints: number;
  meanPayout: number;
  meanNormalisedPayout: number;
  /** Probability of the highest payout; a tie among m entries counts 1/m for each. */
  pFirst: number;
  meanRank: number;
  /** (entries − rank) / (entries − 1): 1 for first, 0 for last; 1 when there is a single entry. */
  meanPercentile: number;
  simulations: number;
}

/** Aggregates entry performance over wins chunks added one at a time (same result as one big chunk). */
export class PerformanceAccumulator {
  private readonly sums: Float64Array[];
  private simulations = 0;

  constructor(
    private readonly ownership: Ownership,
    private readonly calcutta: Pick<Calcutta, 'payouts'>,
  ) {
    this.sums = Array.from({ length: 6 }, () => new Float64Array(ownership.entries.length));
  }

  add(wins: Uint8Array, count: number): void {
    const E = this.ownership.entries.length;
    const [points, payout, normalised, first, rank, percentile] = this.sums;
    forEachSimulationOutcome(this.ownership, this.calcutta, wins, count, (o) => {
      let leaders = 0;
      for (let e = 0; e < E; e++) if (o.rank[e] === 1) leaders++;
      for (let e = 0; e < E; e++) {
        points[e] += o.points[e];
        payout[e] += o.payout[e];
        normalised[e] += o.normalisedPayout[e];
        if (o.rank[e] === 1) first[e] += 1 / leaders;
        rank[e] += o.rank[e];
        percentile[e] += E > 1 ? (E - o.rank[e]) / (E - 1) : 1;
      }
    });
    this.simulations += count;
  }

  result(): EntryPerformance[] {
    const k = Math.max(this.simulations, 1);
    const [points, payout, normalised, first, rank, percentile] = this.sums;
    return this.ownership.entries.map((entry, e) => ({
      entry,
      spend: this.ownership.spend[e],
      meanPoints: points[e] / k,
      meanPayout: payout[e] / k,
      meanNormalisedPayout: normalised[e] / k,
      pFirst: first[e] / k,
      meanRank: rank[e] / k,
      meanPercentile: percentile[e] / k,
      simulations: this.simulations,
    }));
  }
}

export function entryPerformance(ownership: Ownership, calcutta: Pick<Calcutta, 'payouts'>, wins: Uint8Array, count: number): EntryPerformance[] {
  const acc = new PerformanceAccumulator(ownership, calcutta);
  acc.add(wins, count);
  return acc.result();
}

export interface InvestmentRow {
  team: string;
  name: string;
  region: string;
  seed: number;
  bid: number;
  totalBids: number;
  ownership: number;
  /** Expected games won, a First Four game included. */
  expectedWins: number;
  /** The whole team's expected points (percent of the pool). */
  expectedTeamPoints: number;
  /** Our share of them. */
  expectedPoints: number;
  expectedPayout: number;
  /** expectedPayout / bid − 1: 0 means the bid is expected to come back exactly. */
  roi: number;
}

/**
 * Per team the entry bid on: what it paid, what it owns and what that is expected to return.
 * `distribution` is the n×width progress distribution of the ownership's field shape, exact or from simulations.
 */
export function investmentReport(options: {
  teams: readonly Team[];
  ownership: Ownership;
  entry: string;
  distribution: Float64Array;
  calcutta: Pick<Calcutta, 'payouts'>;
}): InvestmentRow[] {
  const { teams, ownership, entry, distribution, calcutta } = options;
  const e = ownership.entries.indexOf(entry);
  if (e < 0) throw new Error(`entry "${entry}" made no bids`);
  const n = ownership.n;
  const width = progressWidth(ownership.shape);
  if (distribution.length !== n * width) throw new Error(`distribution has ${distribution.length} values, expected ${n} teams × ${width}`);
  const table = payoutTable(calcutta, ownership.shape);
  const rows: InvestmentRow[] = [];
  for (let t = 0; t < n; t++) {
    const bid = ownership.amount[e * n + t];
    if (!(bid > 0)) continue;
    let wins = 0,
      share = 0;
    for (let k = 0; k < width; k++) {
      wins += k * distribution[t * width + k];
      share += table[k] * distribution[t * width + k];
    }
    const own = ownership.share[e * n + t];
    const expectedPayout = own * share * ownership.pool;
    rows.push({
      team: teams[t].key,
      name: teams[t].name,
      region: teams[t].region,
      seed: teams[t].seed,
      bid,
      totalBids: ownership.teamTotals[t],
      ownership: own,
      expectedWins: wins - byeOf(ownership.shape, teams[t]),
      expectedTeamPoints: 100 * share,
      expectedPoints: 100 * share * own,
      expectedPayout,
      roi: expectedPayout / bid - 1,
    });
  }
  return rows;
}
