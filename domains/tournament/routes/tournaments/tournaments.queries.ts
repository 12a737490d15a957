// The tournaments resource's SQL, one named function per statement, over the tournament gold
// tables. A tournament's version (updated_at in microseconds) is read in the same statement as its
// rows, for the ETag.
import sql, { raw } from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';
import {
  latestFirst,
  optimisationRunColumns,
  version,
  type OptimisationRunDetailRow,
  type OptimisationRunRow,
} from '../optimisation-runs/optimisation-runs.queries.ts';

export interface TournamentRow {
  key: string;
  name: string;
  year: number;
  teams: number;
  entries: number;
  pool: number;
  marketMethod: string;
  simulations: number;
  updatedAt: Date;
}

const tournamentColumns = raw(
  `tournament_key AS key, name, year, teams, entries, pool, market_method AS "marketMethod", simulations, updated_at AS "updatedAt"`,
);

/** Tournaments newest year first (then by key), of one year when given, strictly after the previous page's last (year, key). */
export async function listTournaments(
  db: Queryable,
  of: number | undefined,
  after: { year: number; key: string } | undefined,
  limit: number,
): Promise<TournamentRow[]> {
  const year = after?.year ?? null;
  const only = of ?? null;
  const { rows } = await db.query<TournamentRow>(sql`
    SELECT ${tournamentColumns} FROM gold.tournaments
     WHERE (${only}::int IS NULL OR year = ${only})
       AND (${year}::int IS NULL OR year < ${year} OR (year = ${year} AND tournament_key > ${after?.key ?? null}))
     ORDER BY year DESC, tournament_key ASC LIMIT ${limit}`);
  return rows;
}

export interface TournamentDetailRow extends TournamentRow {
  calcutta: Record<string, unknown>;
  gameModel: Record<string, unknown>;
  version: string;
}

export async function findTournament(db: Queryable, key: string): Promise<TournamentDetailRow | undefined> {
  const { rows } = await db.query<TournamentDetailRow>(sql`
    SELECT ${tournamentColumns}, calcutta, game_model AS "gameModel", ${version} AS version FROM gold.tournaments WHERE tournament_key = ${key}`);
  return rows[0];
}

export interface TournamentTeamRow {
  teamKey: string;
  name: string;
  region: string;
  seed: number;
  rating: number;
  pAdvance: number[];
  expectedWins: number;
  expectedPoints: number;
  valueShare: number;
  predictedShare: number;
  predictedPrice: number;
  actualBids: number;
  playIn: boolean;
  pRoundOf64: number;
}

/** The orders teams can be listed in; ORDER BY is taken from here by a validated key, never from request text. */
export const TEAM_SORTS = {
  seed: raw('tt.seed ASC, tt.region ASC, tt.team_key ASC'),
  value: raw('tt.value_share DESC, tt.team_key ASC'),
  predicted_share: raw('tt.predicted_share DESC, tt.team_key ASC'),
  expected_points: raw('tt.expected_points DESC, tt.team_key ASC'),
  predicted_price: raw('tt.predicted_price DESC, tt.team_key ASC'),
  actual_bids: raw('tt.actual_bids DESC, tt.team_key ASC'),
  rating: raw('tt.rating DESC, tt.team_key ASC'),
  name: raw('tt.name ASC, tt.team_key ASC'),
} as const;
export type TeamSort = keyof typeof TEAM_SORTS;

/** A tournament's teams (of one region, when given) in the chosen order; undefined when there is no such tournament. */
export async function tournamentTeams(
  db: Queryable,
  key: string,
  sort: TeamSort,
  region: string | undefined,
): Promise<{ version: string; teams: TournamentTeamRow[] } | undefined> {
  const { rows } = await db.query<{ version: string; teamKey: string | null } & Omit<TournamentTeamRow, 'teamKey'>>(sql`
    SELECT t.version, tt.team_key AS "teamKey", tt.name, tt.region, tt.seed, tt.rating, tt.p_advance AS "pAdvance", tt.expected_wins AS "expectedWins",
           tt.expected_points AS "expectedPoints", tt.value_share AS "valueShare", tt.predicted_share AS "predictedShare",
           tt.predicted_price AS "predictedPrice", tt.actual_bids AS "actualBids", tt.play_in AS "playIn", tt.p_round_of_64 AS "pRoundOf64"
      FROM (SELECT tournament_key, ${version} AS version FROM gold.tournaments WHERE tournament_key = ${key}) t
      LEFT JOIN gold.tournament_teams tt ON tt.tournament_key = t.tournament_key AND (${region ?? null}::text IS NULL OR tt.region = ${region ?? null})
     ORDER BY ${TEAM_SORTS[sort]}`);
  if (!rows[0]) return undefined;
  return { version: rows[0].version, teams: rows.filter((r) => r.teamKey !== null).map(({ version: _, ...team }) => team as TournamentTeamRow) };
}

/**
 * A tournament's optimisation runs (of one strategy, when given), newest first, before the previous
 * page's last id; undefined when there is no such tournament.
 */
export async function tournamentOptimisationRuns(
  db: Queryable,
  key: string,
  strategy: string | undefined,
  beforeId: number | undefined,
  limit: number,
): Promise<OptimisationRunRow[] | undefined> {
  const before = beforeId ?? null;
  const { rows } = await db.query<OptimisationRunRow | { id: null }>(sql`
    SELECT o.* FROM (SELECT tournament_key FROM gold.tournaments WHERE tournament_key = ${key}) t
      LEFT JOIN LATERAL (SELECT ${optimisationRunColumns} FROM gold.optimisation_runs
                          WHERE tournament_key = t.tournament_key AND (${strategy ?? null}::text IS NULL OR strategy = ${strategy ?? null})
                            AND (${before}::bigint IS NULL OR id < ${before}) ORDER BY id DESC LIMIT ${limit}) o ON true`);
  if (!rows[0]) return undefined;
  return rows.filter((r): r is OptimisationRunRow => r.id !== null);
}

/** The tournament's latest optimisation run (see latestFirst), of one strategy when given; undefined when there is no such tournament, run null when it has none. */
export async function latestOptimisationRun(
  db: Queryable,
  key: string,
  strategy: string | undefined,
): Promise<{ run: OptimisationRunDetailRow | null } | undefined> {
  const { rows } = await db.query<{ run: OptimisationRunDetailRow | null }>(sql`
    SELECT (SELECT to_jsonb(o) FROM (SELECT ${optimisationRunColumns}, params, baselines, pipeline_run_id AS "pipelineRunId" FROM gold.optimisation_runs
                                      WHERE tournament_key = t.tournament_key AND (${strategy ?? null}::text IS NULL OR strategy = ${strategy ?? null})
                                      ORDER BY ${latestFirst} LIMIT 1) o) AS run
      FROM gold.tournaments t WHERE t.tournament_key = ${key}`);
  const row = rows[0];
  if (!row) return undefined;
  if (!row.run) return { run: null };
  // Through JSON, dates came back as text and the id as a number.
  const r = row.run as unknown as Record<string, unknown>;
  return { run: { ...(r as unknown as OptimisationRunDetailRow), createdAt: new Date(r.createdAt as string), updatedAt: new Date(r.updatedAt as string) } };
}
