// The entries resource's SQL: any entry's portfolio in an optimisation run (through the analysts'
// function analytics.entry_portfolio, one definition for both), and the simulation explorer over
// gold.entry_outcomes: a histogram of the entry's payouts and its outcomes simulation by simulation.
// Each statement reads the run's version in the same snapshot as its rows.
import sql from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { version } from '../optimisation-runs/optimisation-runs.queries.ts';

/** The run (as `r`: id, entry, tournament, version) and whether `entry` is one of its entries. */
const theRunAndEntry = (id: number, entry: string) => sql`
  (SELECT id, entry AS run_entry, tournament_key, ${version} AS version,
          EXISTS (SELECT FROM gold.entry_performance WHERE optimisation_run_id = ${id} AND entry = ${entry}) AS known
     FROM gold.optimisation_runs WHERE id = ${id}) r`;

export interface PortfolioRow {
  teamKey: string;
  name: string;
  region: string;
  seed: number;
  playIn: boolean;
  bid: number;
  totalBids: number;
  ownership: number;
  pAdvance: number[] | null;
  expectedWins: number;
  expectedTeamPoints: number;
  expectedPoints: number;
  expectedPayout: number;
  roi: number;
}

interface Found<T> {
  /** The run's tournament: its partition's freshness is the answer's. */
  tournamentKey: string;
  version: string;
  ours: boolean;
  /** null when the run has no such entry. */
  rows: T[] | null;
}

/** An entry's portfolio, largest expected payout first; undefined when there is no such run. */
export async function entryPortfolio(db: Queryable, id: number, entry: string): Promise<Found<PortfolioRow> | undefined> {
  const { rows } = await db.query<RunAndEntry & (PortfolioRow | { teamKey: null })>(sql`
    SELECT r.tournament_key AS "tournamentKey", r.version, r.known, r.run_entry = ${entry} AS ours, p.team_key AS "teamKey", p.name, p.region, p.seed, p.play_in AS "playIn", p.bid,
           p.total_bids AS "totalBids", p.ownership, p.p_advance AS "pAdvance", p.expected_wins AS "expectedWins",
           p.expected_team_points AS "expectedTeamPoints", p.expected_points AS "expectedPoints", p.expected_payout AS "expectedPayout", p.roi
      FROM ${theRunAndEntry(id, entry)}
      LEFT JOIN LATERAL analytics.entry_portfolio(r.id, ${entry}) p ON true`);
  return found(rows, (r) => r.teamKey !== null);
}

/** What every statement reads of the run beside its rows. */
interface RunAndEntry {
  tournamentKey: string;
  version: string;
  known: boolean;
  ours: boolean;
}

function found<R extends RunAndEntry, T>(rows: R[], present: (r: R) => boolean): Found<T> | undefined {
  const first = rows[0];
  if (!first) return undefined;
  const run = { tournamentKey: first.tournamentKey, version: first.version, ours: first.ours };
  if (!first.known) return { ...run, rows: null };
  return { ...run, rows: rows.filter(present).map(({ tournamentKey: _t, version: _v, known: _k, ours: _o, ...r }) => r as T) };
}

export interface PayoutBucket {
  from: number;
  to: number;
  count: number;
}

/**
 * The entry's payouts over the run's simulations in `buckets` equal-width buckets from the least to the
 * most it was paid (the last bucket includes its upper edge); undefined when there is no such run.
 */
export async function payoutHistogram(
  db: Queryable,
  id: number,
  entry: string,
  buckets: number,
): Promise<(Found<PayoutBucket> & { simulations: number; min: number | null; max: number | null; zero: number }) | undefined> {
  const { rows } = await db.query<
    RunAndEntry & {
      simulations: number;
      min: number | null;
      max: number | null;
      zero: number;
      hist: number[] | null;
    }
  >(sql`
    SELECT r.tournament_key AS "tournamentKey", r.version, r.known, r.run_entry = ${entry} AS ours, s.simulations, s.min, s.max, s.zero, h.hist
      FROM ${theRunAndEntry(id, entry)}
      LEFT JOIN LATERAL (SELECT count(*)::int AS simulations, min(payout) AS min, max(payout) AS max, (count(*) FILTER (WHERE payout = 0))::int AS zero
                           FROM gold.entry_outcomes WHERE optimisation_run_id = r.id AND entry = ${entry}) s ON true
      LEFT JOIN LATERAL (
        SELECT array_agg(coalesce(c.n, 0) ORDER BY b) AS hist
          FROM generate_series(1, ${buckets}) b
          LEFT JOIN (SELECT least(width_bucket(payout, s.min, s.max + 1e-9 * greatest(abs(s.max), 1), ${buckets}), ${buckets}) AS b, count(*)::int AS n
                       FROM gold.entry_outcomes WHERE optimisation_run_id = r.id AND entry = ${entry} GROUP BY 1) c USING (b)) h ON s.simulations > 0`);
  const first = rows[0];
  if (!first) return undefined;
  const base = {
    tournamentKey: first.tournamentKey,
    version: first.version,
    ours: first.ours,
    simulations: first.simulations ?? 0,
    min: first.min,
    max: first.max,
    zero: first.zero ?? 0,
  };
  if (!first.known) return { ...base, rows: null };
  const { min, max, hist } = first;
  const width = min === null || max === null ? 0 : (max - min) / buckets;
  const rowsOut = (hist ?? []).map((count, i) => ({ from: min! + i * width, to: i === buckets - 1 ? max! : min! + (i + 1) * width, count }));
  return { ...base, rows: rowsOut };
}

export interface OutcomeRow {
  simulation: number;
  points: number;
  payout: number;
  normalisedPayout: number;
  rank: number;
}

/** The entry's outcomes in simulation order, strictly after the previous page's last simulation; undefined when there is no such run. */
export async function entryOutcomes(
  db: Queryable,
  id: number,
  entry: string,
  after: number | undefined,
  limit: number,
): Promise<Found<OutcomeRow> | undefined> {
  const { rows } = await db.query<RunAndEntry & (OutcomeRow | { simulation: null })>(sql`
    SELECT r.tournament_key AS "tournamentKey", r.version, r.known, r.run_entry = ${entry} AS ours, o.*
      FROM ${theRunAndEntry(id, entry)}
      LEFT JOIN LATERAL (SELECT simulation, points, payout, normalised_payout AS "normalisedPayout", rank FROM gold.entry_outcomes
                          WHERE optimisation_run_id = r.id AND entry = ${entry} AND (${after ?? null}::bigint IS NULL OR simulation > ${after ?? null}::bigint)
                          ORDER BY simulation LIMIT ${limit}) o ON true`);
  return found(rows, (r) => r.simulation !== null);
}
