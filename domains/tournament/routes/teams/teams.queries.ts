// The teams resource's SQL, one named function per statement, over gold: a team with its round
// probabilities, value and distribution of games won; who owns it in a run; its matchups (every
// opponent, or one pair) and, per round, the opponent it is most likely to meet. Each statement
// reads the tournament's version in the same snapshot as its rows, for the ETag.
import sql from 'sql-template-tag';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { latestFirst, version } from '../optimisation-runs/optimisation-runs.queries.ts';

export interface TeamRow {
  teamKey: string;
  name: string;
  region: string;
  seed: number;
  rating: number;
  playIn: boolean;
  pRoundOf64: number;
  pAdvance: number[];
  expectedWins: number;
  expectedPoints: number;
  valueShare: number;
  expectedPayout: number;
  predictedShare: number;
  predictedPrice: number;
  actualBids: number;
  winsDistribution: number[];
  simulatedWinsDistribution: number[];
  simulations: number;
}

export interface TeamOwnerRow {
  entry: string;
  ours: boolean;
  bid: number;
  ownership: number;
  expectedPayout: number;
  roi: number;
}

/** The tournament (as `t`, with its version and pool) a statement joins its rows to. */
const theTournament = (key: string) => sql`(SELECT tournament_key, pool, ${version} AS version FROM gold.tournaments WHERE tournament_key = ${key}) t`;

/** A team of a tournament; undefined when there is no such tournament, team null when it has no such team. */
export async function findTeam(db: Queryable, key: string, team: string): Promise<{ version: string; team: TeamRow | null } | undefined> {
  const { rows } = await db.query<{ version: string } & (TeamRow | { teamKey: null })>(sql`
    SELECT t.version, tt.team_key AS "teamKey", tt.name, tt.region, tt.seed, tt.rating, tt.play_in AS "playIn", tt.p_round_of_64 AS "pRoundOf64",
           tt.p_advance AS "pAdvance", tt.expected_wins AS "expectedWins", tt.expected_points AS "expectedPoints", tt.value_share AS "valueShare",
           tt.value_share * t.pool AS "expectedPayout", tt.predicted_share AS "predictedShare", tt.predicted_price AS "predictedPrice",
           tt.actual_bids AS "actualBids", tt.wins_distribution AS "winsDistribution",
           tt.simulated_wins_distribution AS "simulatedWinsDistribution", tt.simulations
      FROM ${theTournament(key)}
      LEFT JOIN gold.tournament_teams tt ON tt.tournament_key = t.tournament_key AND tt.team_key = ${team}`);
  if (!rows[0]) return undefined;
  const { version: v, ...row } = rows[0];
  return { version: v, team: row.teamKey === null ? null : (row as TeamRow) };
}

/**
 * Who owns the team in an optimisation run of the tournament, largest share first; the run is the
 * given one or the tournament's latest (see latestRun). Undefined when there is no such run.
 */
export async function teamOwners(
  db: Queryable,
  key: string,
  team: string,
  runId: number | undefined,
): Promise<{ runId: number; version: string; owners: TeamOwnerRow[] } | undefined> {
  const run = runId ?? null;
  const { rows } = await db.query<{ runId: string; version: string } & (TeamOwnerRow | { entry: null })>(sql`
    SELECT r.id AS "runId", r.version, p.entry, p.entry = r.entry AS ours, p.bid, p.ownership, p.expected_payout AS "expectedPayout", p.roi
      FROM (SELECT id, entry, ${version} AS version FROM gold.optimisation_runs
             WHERE tournament_key = ${key} AND (${run}::bigint IS NULL OR id = ${run})
             ORDER BY ${latestFirst} LIMIT 1) r
      LEFT JOIN gold.entry_portfolios p ON p.optimisation_run_id = r.id AND p.team_key = ${team}
     ORDER BY p.ownership DESC, p.entry`);
  if (!rows[0]) return undefined;
  return { runId: Number(rows[0].runId), version: rows[0].version, owners: rows.filter((r): r is typeof r & TeamOwnerRow => r.entry !== null) };
}

export interface MatchupRow {
  teamKey: string;
  name: string;
  region: string;
  seed: number;
  round: number;
  pWin: number;
  pMeet: number;
}

/**
 * A team's matchups with every opponent (of one round, when given) by round, then likeliest meeting
 * first, strictly after the previous page's last (round, pMeet, opponent); undefined when there is
 * no such tournament, null when it has no such team.
 */
export async function teamMatchups(
  db: Queryable,
  key: string,
  team: string,
  round: number | undefined,
  after: { round: number; pMeet: number; teamKey: string } | undefined,
  limit: number,
): Promise<{ version: string; matchups: MatchupRow[] | null } | undefined> {
  const r = after?.round ?? null;
  const p = after?.pMeet ?? null;
  const { rows } = await db.query<{ version: string; known: boolean } & (MatchupRow | { teamKey: null })>(sql`
    SELECT t.version, EXISTS (SELECT FROM gold.tournament_teams WHERE tournament_key = t.tournament_key AND team_key = ${team}) AS known, m.*
      FROM ${theTournament(key)}
      LEFT JOIN LATERAL (
        SELECT o.team_key AS "teamKey", o.name, o.region, o.seed, m.meet_round AS round, m.p_a_wins AS "pWin", m.p_meet AS "pMeet"
          FROM gold.matchups m JOIN gold.tournament_teams o ON o.tournament_key = m.tournament_key AND o.team_key = m.team_b
         WHERE m.tournament_key = t.tournament_key AND m.team_a = ${team} AND (${round ?? null}::int IS NULL OR m.meet_round = ${round ?? null})
           AND (${r}::int IS NULL OR m.meet_round > ${r} OR (m.meet_round = ${r} AND (m.p_meet < ${p} OR (m.p_meet = ${p} AND m.team_b > ${after?.teamKey ?? null}))))
         ORDER BY m.meet_round ASC, m.p_meet DESC, m.team_b ASC LIMIT ${limit}) m ON true`);
  if (!rows[0]) return undefined;
  if (!rows[0].known) return { version: rows[0].version, matchups: null };
  return { version: rows[0].version, matchups: rows.filter((x) => x.teamKey !== null).map(({ version: _, known: _k, ...m }) => m as MatchupRow) };
}

export interface PairRow {
  a: { teamKey: string; name: string; region: string; seed: number };
  b: { teamKey: string; name: string; region: string; seed: number };
  pAWins: number;
  round: number;
  pMeet: number;
}

/** One pairing; undefined when there is no such tournament, pair null when either team is not in it. */
export async function findMatchup(db: Queryable, key: string, a: string, b: string): Promise<{ version: string; pair: PairRow | null } | undefined> {
  const { rows } = await db.query<{ version: string; pair: PairRow | null }>(sql`
    SELECT t.version,
           (SELECT jsonb_build_object(
                     'a', jsonb_build_object('teamKey', ta.team_key, 'name', ta.name, 'region', ta.region, 'seed', ta.seed),
                     'b', jsonb_build_object('teamKey', tb.team_key, 'name', tb.name, 'region', tb.region, 'seed', tb.seed),
                     'pAWins', m.p_a_wins, 'round', m.meet_round, 'pMeet', m.p_meet)
              FROM gold.matchups m
              JOIN gold.tournament_teams ta ON ta.tournament_key = m.tournament_key AND ta.team_key = m.team_a
              JOIN gold.tournament_teams tb ON tb.tournament_key = m.tournament_key AND tb.team_key = m.team_b
             WHERE m.tournament_key = t.tournament_key AND m.team_a = ${a} AND m.team_b = ${b}) AS pair
      FROM ${theTournament(key)}`);
  return rows[0];
}

export interface PathStepRow {
  round: number;
  teamKey: string;
  name: string;
  region: string;
  seed: number;
  pWin: number;
  pMeet: number;
}

/** Per round, the opponent the team is most likely to meet (ties by key). Empty when the team is not in the tournament. */
export async function likeliestOpponents(db: Queryable, key: string, team: string): Promise<PathStepRow[]> {
  const { rows } = await db.query<PathStepRow>(sql`
    SELECT DISTINCT ON (m.meet_round) m.meet_round AS round, o.team_key AS "teamKey", o.name, o.region, o.seed, m.p_a_wins AS "pWin", m.p_meet AS "pMeet"
      FROM gold.matchups m JOIN gold.tournament_teams o ON o.tournament_key = m.tournament_key AND o.team_key = m.team_b
     WHERE m.tournament_key = ${key} AND m.team_a = ${team}
     ORDER BY m.meet_round, m.p_meet DESC, m.team_b`);
  return rows;
}
