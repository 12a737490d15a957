// The optimisation-runs resource's SQL, one named function per statement, over the tournament gold
// tables. Each statement reads the run's version (updated_at in microseconds, which a re-run
// moves) in the same snapshot as its rows, so an ETag never pairs one version with another's rows.
import sql, { raw } from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';
import type { InvestmentRow as TeamInvestment } from '../../../../lib/tournament/evaluate.ts';

export interface OptimisationRunRow {
  id: number;
  tournamentKey: string;
  runKey: string;
  entry: string;
  method: string;
  seed: number;
  simulations: number;
  budget: number;
  spend: number;
  objective: number;
  expectedPayout: number;
  strategy: string;
  strategyParams: Record<string, unknown>;
  strategyScore: number | null;
  /** Our entry's performance over the simulations, once the run is evaluated. */
  ours: { meanNormalisedPayout: number; meanPayout: number; pFirst: number; meanRank: number; meanPercentile: number } | null;
  createdAt: Date;
  updatedAt: Date;
  version: string;
}

/** A row's version for ETags: updated_at in microseconds, as text. */
export const version = raw('(extract(epoch FROM updated_at) * 1000000)::bigint::text');

/**
 * "Latest" for a tournament's optimisation runs: those of the newest pipeline run first (imported
 * runs, which have none, last), the payout strategy first among them, then the most recently updated.
 */
export const latestFirst = raw(`pipeline_run_id DESC NULLS LAST, (strategy = 'payout') DESC, updated_at DESC, id DESC`);

/** The columns of an OptimisationRunRow, selected from gold.optimisation_runs. */
export const optimisationRunColumns = sql`id, tournament_key AS "tournamentKey", run_key AS "runKey", entry, method, seed, simulations, budget, spend,
  objective, expected_payout AS "expectedPayout", strategy, strategy_params AS "strategyParams", strategy_score AS "strategyScore",
  (SELECT jsonb_build_object('meanNormalisedPayout', p.mean_normalised_payout, 'meanPayout', p.mean_payout, 'pFirst', p.p_first,
                             'meanRank', p.mean_rank, 'meanPercentile', p.mean_percentile)
     FROM gold.entry_performance p WHERE p.optimisation_run_id = optimisation_runs.id AND p.ours) AS ours,
  created_at AS "createdAt", updated_at AS "updatedAt", ${version} AS version`;

/** The run and its version as `r`, which the statement then joins its rows to. */
const theRun = (id: number) => sql`(SELECT id, tournament_key, entry, budget, ${version} AS version FROM gold.optimisation_runs WHERE id = ${id}) r`;

export interface OptimisationRunDetailRow extends OptimisationRunRow {
  params: Record<string, unknown>;
  baselines: unknown;
  pipelineRunId: number | null;
}

export async function findOptimisationRun(db: Queryable, id: number): Promise<OptimisationRunDetailRow | undefined> {
  const { rows } = await db.query<OptimisationRunDetailRow>(
    sql`SELECT ${optimisationRunColumns}, params, baselines, pipeline_run_id AS "pipelineRunId" FROM gold.optimisation_runs WHERE id = ${id}`,
  );
  return rows[0];
}

export interface EntryPerformanceRow {
  /** Competition rank by mean normalised payout (analytics.entry_rankings): ties share the better rank. */
  rank: number;
  entry: string;
  ours: boolean;
  spend: number;
  meanPoints: number;
  meanPayout: number;
  meanNormalisedPayout: number;
  pFirst: number;
  meanRank: number;
  meanPercentile: number;
  simulations: number;
}

const performanceColumns = raw(`p.rank, p.entry, p.ours, p.spend, p.mean_points AS "meanPoints", p.mean_payout AS "meanPayout",
  p.mean_normalised_payout AS "meanNormalisedPayout", p.p_first AS "pFirst", p.mean_rank AS "meanRank", p.mean_percentile AS "meanPercentile", p.simulations`);

/** Rows of a LEFT JOIN from the run: one row of nulls when the run has none. */
type Joined<Row, Key extends keyof Row> = Row | ({ [K in Key]: null } & Omit<Row, Key>);

/**
 * A page of the run's entries by mean normalised payout (best first, then by entry), strictly after
 * the previous page's last (payout, entry); undefined when there is no such run. A named (prepared)
 * statement: this is the API's hottest read.
 */
export async function rankingsPage(
  db: Queryable,
  id: number,
  after: { meanNormalisedPayout: number; entry: string } | undefined,
  limit: number,
): Promise<{ version: string; tournamentKey: string; entries: EntryPerformanceRow[] } | undefined> {
  const payout = after?.meanNormalisedPayout ?? null;
  const query = sql`
    SELECT r.version, r.tournament_key AS "tournamentKey", p.* FROM ${theRun(id)}
      LEFT JOIN LATERAL (
        SELECT ${performanceColumns} FROM analytics.entry_rankings p
         WHERE p.optimisation_run_id = r.id
           AND (${payout}::float8 IS NULL OR p.mean_normalised_payout < ${payout} OR (p.mean_normalised_payout = ${payout} AND p.entry > ${after?.entry ?? null}))
         ORDER BY p.mean_normalised_payout DESC, p.entry ASC LIMIT ${limit}) p ON true`;
  const { rows } = await db.query<{ version: string; tournamentKey: string } & Joined<EntryPerformanceRow, 'entry'>>({
    name: 'tournament-rankings',
    text: query.text,
    values: query.values,
  });
  if (!rows[0]) return undefined;
  return {
    version: rows[0].version,
    tournamentKey: rows[0].tournamentKey,
    entries: rows.filter((r) => r.entry !== null).map(({ version: _, tournamentKey: _t, ...p }) => p as EntryPerformanceRow),
  };
}

export interface Summary {
  mean: number;
  min: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  max: number;
}

export interface EntryDistribution {
  simulations: number;
  payout: Summary;
  normalisedPayout: Summary;
  points: Summary;
  pInTheMoney: number;
  rankHistogram: { rank: number; count: number; share: number }[];
}

const QUANTILES = [0.1, 0.25, 0.5, 0.75, 0.9];
/** A summary of one outcome column as a JSON object {mean, min, max, q: [p10 … p90]}. */
const summaryOf = (column: string) =>
  raw(`jsonb_build_object('mean', avg(${column}), 'min', min(${column}), 'max', max(${column}),
    'q', percentile_cont(ARRAY[${QUANTILES.join(',')}]::float8[]) WITHIN GROUP (ORDER BY ${column}))`);

type SummaryJson = { mean: number; min: number; max: number; q: number[] };
const summary = ({ mean, min, max, q }: SummaryJson): Summary => ({ mean, min, p10: q[0]!, p25: q[1]!, p50: q[2]!, p75: q[3]!, p90: q[4]!, max });

type EntryRow = {
  version: string;
  tournamentKey: string;
  outcomes: number;
  pInTheMoney: number;
  payout: SummaryJson;
  norm: SummaryJson;
  points: SummaryJson;
} & {
  ranks: { rank: number; count: number }[] | null;
} & Joined<EntryPerformanceRow, 'entry'>;

/**
 * One entry's performance and the distribution of its simulated outcomes (percentiles interpolated
 * as percentile_cont); undefined when there is no such run, performance null when the run has no
 * such entry, distribution null when no outcomes were stored.
 */
export async function entryDistribution(
  db: Queryable,
  id: number,
  entry: string,
): Promise<{ version: string; tournamentKey: string; performance: EntryPerformanceRow | null; distribution: EntryDistribution | null } | undefined> {
  const { rows } = await db.query<EntryRow>(sql`
    SELECT r.version, r.tournament_key AS "tournamentKey", ${performanceColumns}, d.*, h.ranks
      FROM ${theRun(id)}
      LEFT JOIN analytics.entry_rankings p ON p.optimisation_run_id = r.id AND p.entry = ${entry}
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS outcomes, (count(*) FILTER (WHERE payout > 0))::float8 / nullif(count(*), 0) AS "pInTheMoney",
               ${summaryOf('payout')} AS payout, ${summaryOf('normalised_payout')} AS norm, ${summaryOf('points')} AS points
          FROM gold.entry_outcomes WHERE optimisation_run_id = r.id AND entry = ${entry}) d ON true
      LEFT JOIN LATERAL (
        SELECT jsonb_agg(jsonb_build_object('rank', rank, 'count', n) ORDER BY rank) AS ranks
          FROM (SELECT rank, count(*)::int AS n FROM gold.entry_outcomes WHERE optimisation_run_id = r.id AND entry = ${entry} GROUP BY rank) x) h ON true`);
  const r = rows[0];
  if (!r) return undefined;
  if (r.entry === null) return { version: r.version, tournamentKey: r.tournamentKey, performance: null, distribution: null };
  const { version, tournamentKey, outcomes, pInTheMoney, payout, norm, points, ranks, ...performance } = r;
  const distribution = outcomes
    ? {
        simulations: outcomes,
        payout: summary(payout),
        normalisedPayout: summary(norm),
        points: summary(points),
        pInTheMoney,
        rankHistogram: (ranks ?? []).map((b) => ({ ...b, share: b.count / outcomes })),
      }
    : null;
  return { version, tournamentKey, performance, distribution };
}

export interface RecommendedBidRow {
  teamKey: string;
  name: string | null;
  region: string | null;
  seed: number | null;
  amount: number;
  predictedOthers: number;
  ownership: number;
}

/** The run's recommended bids, largest first, with its entry and budget; undefined when there is no such run. */
export async function recommendedBids(
  db: Queryable,
  id: number,
): Promise<{ version: string; tournamentKey: string; entry: string; budget: number; bids: RecommendedBidRow[] } | undefined> {
  const { rows } = await db.query<{ version: string; tournamentKey: string; runEntry: string; budget: number } & Joined<RecommendedBidRow, 'teamKey'>>(sql`
    SELECT r.version, r.tournament_key AS "tournamentKey", r.entry AS "runEntry", r.budget, b.team_key AS "teamKey", t.name, t.region, t.seed, b.amount,
           b.predicted_others AS "predictedOthers", b.ownership
      FROM ${theRun(id)}
      LEFT JOIN gold.recommended_bids b ON b.optimisation_run_id = r.id
      LEFT JOIN gold.tournament_teams t ON t.tournament_key = r.tournament_key AND t.team_key = b.team_key
     ORDER BY b.amount DESC, b.team_key ASC`);
  if (!rows[0]) return undefined;
  const { version, tournamentKey, runEntry, budget } = rows[0];
  const bids = rows.filter((b) => b.teamKey !== null).map(({ version: _v, tournamentKey: _t, runEntry: _e, budget: _b, ...bid }) => bid as RecommendedBidRow);
  return { version, tournamentKey, entry: runEntry, budget, bids };
}

/** The investment report's row as lib/tournament computes it, keyed by team_key as gold stores it. */
export type InvestmentRow = Omit<TeamInvestment, 'team'> & { teamKey: string };

/** The run's investment report, best expected payout first; undefined when there is no such run. */
export async function investmentReport(
  db: Queryable,
  id: number,
): Promise<{ version: string; tournamentKey: string; entry: string; rows: InvestmentRow[] } | undefined> {
  const { rows } = await db.query<{ version: string; tournamentKey: string; runEntry: string } & Joined<InvestmentRow, 'teamKey'>>(sql`
    SELECT r.version, r.tournament_key AS "tournamentKey", r.entry AS "runEntry", i.team_key AS "teamKey", i.name, i.region, i.seed, i.bid, i.total_bids AS "totalBids", i.ownership,
           i.expected_wins AS "expectedWins", i.expected_team_points AS "expectedTeamPoints", i.expected_points AS "expectedPoints",
           i.expected_payout AS "expectedPayout", i.roi
      FROM ${theRun(id)} LEFT JOIN gold.investment_report i ON i.optimisation_run_id = r.id
     ORDER BY i.expected_payout DESC, i.team_key ASC`);
  if (!rows[0]) return undefined;
  const { version, tournamentKey, runEntry } = rows[0];
  return {
    version,
    tournamentKey,
    entry: runEntry,
    rows: rows.filter((i) => i.teamKey !== null).map(({ version: _v, tournamentKey: _t, runEntry: _e, ...i }) => i as InvestmentRow),
  };
}
