// Reading one tournament's bronze and silver rows back into the shapes lib/tournament works on.
// Teams come in landing-file order, so region order (and with it the bracket) is the operator's.
import pg from 'pg';
import type { Bid, Calcutta, Team } from '../../../lib/tournament/index.ts';
import { copyOutRows } from '../../../lib/db/copy-out.ts';
import type { PoolClient, Queryable } from '../../../lib/db/pool.ts';

export interface TournamentData {
  key: string;
  name: string;
  year: number;
  teams: Team[];
  calcutta: Calcutta & { key: string; name: string };
  bids: Bid[];
  historicalGames: { ratingA: number; ratingB: number; aWon: boolean }[];
  historicalAuctions: { season: number; team: Team; amount: number }[];
}

export class MissingTournamentData extends Error {
  override name = 'MissingTournamentData';
}

/** The tournament's partition of bronze.simulated_outcomes, made unless it exists (migrations/0092). */
export async function ensureOutcomesPartition(db: Queryable, tournament: string): Promise<void> {
  await db.query('SELECT bronze.ensure_simulated_outcomes_partition($1)', [tournament]);
}

export async function readTournament(db: Queryable, key: string): Promise<TournamentData> {
  const q = async (sql: string) => (await db.query(sql, [key])).rows;
  const [t] = await q('SELECT name, year FROM bronze.tournaments WHERE tournament_key = $1');
  if (!t) throw new MissingTournamentData(`tournament "${key}" has not been loaded (no tournament.csv in bronze)`);
  const [c] = await q('SELECT * FROM bronze.calcuttas WHERE tournament_key = $1');
  if (!c) throw new MissingTournamentData(`tournament "${key}" has no calcutta loaded`);
  const teams = (await q('SELECT team_key, name, region, seed, rating, play_in FROM bronze.teams WHERE tournament_key = $1 ORDER BY line')).map((r) => ({
    key: r.team_key,
    name: r.name,
    region: r.region,
    seed: r.seed,
    rating: r.rating,
    ...(r.play_in ? { playIn: true } : {}),
  }));
  const payouts = (await q('SELECT wins, share FROM bronze.payouts WHERE tournament_key = $1 ORDER BY wins')).map((r) => ({ wins: r.wins, share: r.share }));
  const bids = (await q('SELECT entry, team_key, amount FROM bronze.entry_bids WHERE tournament_key = $1 ORDER BY entry, team_key')).map((r) => ({
    entry: r.entry,
    team: r.team_key,
    amount: r.amount,
  }));
  const historicalGames = (await q('SELECT rating_a, rating_b, a_won FROM bronze.historical_games WHERE tournament_key = $1 ORDER BY source_file, line')).map(
    (r) => ({
      ratingA: r.rating_a,
      ratingB: r.rating_b,
      aWon: r.a_won,
    }),
  );
  const historicalAuctions = (await q('SELECT * FROM bronze.historical_auctions WHERE tournament_key = $1 ORDER BY season, line')).map((r) => ({
    season: r.season,
    amount: r.amount,
    team: { key: r.team_key, name: r.team_key, region: r.region, seed: r.seed, rating: r.rating, ...(r.play_in ? { playIn: true } : {}) },
  }));
  return {
    key,
    name: t.name,
    year: t.year,
    teams,
    calcutta: {
      key: c.calcutta_key,
      name: c.name,
      budgetPerEntry: c.budget_per_entry,
      minBid: c.min_bid,
      maxTeamsPerEntry: c.max_teams_per_entry ?? undefined,
      payouts,
    },
    bids,
    historicalGames,
    historicalAuctions,
  };
}

/** The silver game predictions as an n×n matrix over `teams` (p[i*n+j] = P(i beats j)). */
export async function readGameMatrix(db: Queryable, key: string, teams: Team[]): Promise<Float64Array> {
  const n = teams.length;
  const index = new Map(teams.map((t, i) => [t.key, i]));
  const p = new Float64Array(n * n);
  const { rows } = await db.query('SELECT team_a, team_b, p_a_wins FROM silver.game_predictions WHERE tournament_key = $1', [key]);
  if (rows.length !== n * (n - 1))
    throw new MissingTournamentData(`tournament "${key}" has ${rows.length} game predictions; expected ${n * (n - 1)} (run the games step)`);
  for (const r of rows) p[index.get(r.team_a)! * n + index.get(r.team_b)!] = r.p_a_wins;
  return p;
}

/** Simulated progress (wins + byes, see lib/tournament/bracket.ts) from bronze as count×n bytes (simulation-major, teams in `teams` order). */
export async function readSimulatedWins(client: PoolClient, key: string, teams: Team[]): Promise<{ wins: Uint8Array; count: number }> {
  const n = teams.length;
  const index = new Map(teams.map((t, i) => [t.key, i]));
  const { rows } = await client.query(
    'SELECT count(DISTINCT simulation)::int AS count, max(simulation) AS last FROM bronze.simulated_outcomes WHERE tournament_key = $1',
    [key],
  );
  const count: number = rows[0].count;
  if (!count) throw new MissingTournamentData(`tournament "${key}" has no simulated outcomes (run the simulate steps)`);
  if (rows[0].last !== count - 1) throw new MissingTournamentData(`tournament "${key}" has simulations with gaps (${count} distinct, last ${rows[0].last})`);
  const wins = new Uint8Array(count * n);
  const filled = new Uint8Array(count * n);
  for await (const f of copyOutRows(
    client,
    `SELECT simulation, team_key, wins + byes FROM bronze.simulated_outcomes WHERE tournament_key = ${pg.escapeLiteral(key)}`,
  )) {
    const at = Number(f[0]) * n + index.get(f[1]!)!;
    wins[at] = Number(f[2]);
    filled[at] = 1;
  }
  if (filled.some((v) => v === 0)) throw new MissingTournamentData(`tournament "${key}" has simulations missing some teams`);
  return { wins, count };
}
