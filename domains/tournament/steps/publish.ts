// Publishing (gold, io): the tournament and its teams as the API serves them: rules, pool, game
// model, market method; per team the exact round-reaching probabilities, expected wins and points,
// value, predicted market share and price, and what the auction actually paid.
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withTransaction } from '../../../lib/db/pool.ts';
import { readTournament } from '../sql/tournament.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { gameModelFor, tournamentParams } from './params.ts';

export const publishTournament: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const t = await readTournament(pools.worker, tournament);
    const { rows } = await pools.worker.query(
      `SELECT v.team_key, v.exact_wins, v.expected_wins, v.expected_points, v.value_share, v.simulations, m.predicted_share, m.method
       FROM silver.team_values v JOIN silver.market_predictions m USING (tournament_key, team_key) WHERE v.tournament_key = $1`,
      [tournament],
    );
    const byTeam = new Map(rows.map((r) => [r.team_key, r]));
    const pool = t.bids.reduce((s, b) => s + b.amount, 0);
    const paid = new Map<string, number>();
    for (const b of t.bids) paid.set(b.team, (paid.get(b.team) ?? 0) + b.amount);
    const game = gameModelFor(t);
    const teams = t.teams.map((team) => {
      const v = byTeam.get(team.key);
      if (!v) throw new Error(`team ${team.key} has no values or market prediction; run the values and market steps`);
      const exact = v.exact_wins as number[];
      const advance = Array.from({ length: 6 }, (_, k) => exact.slice(k + 1).reduce((s, x) => s + x, 0));
      return [
        tournament,
        team.key,
        team.name,
        team.region,
        team.seed,
        team.rating,
        advance,
        v.expected_wins,
        v.expected_points,
        v.value_share,
        v.predicted_share,
        v.predicted_share * pool,
        paid.get(team.key) ?? 0,
      ];
    });
    await withTransaction(pools.worker, async (client) => {
      await client.query(
        `INSERT INTO gold.tournaments (tournament_key, name, year, calcutta, teams, entries, pool, game_model, market_method, simulations, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       ON CONFLICT (tournament_key) DO UPDATE SET name = EXCLUDED.name, year = EXCLUDED.year, calcutta = EXCLUDED.calcutta, teams = EXCLUDED.teams,
         entries = EXCLUDED.entries, pool = EXCLUDED.pool, game_model = EXCLUDED.game_model, market_method = EXCLUDED.market_method,
         simulations = EXCLUDED.simulations, updated_at = now()`,
        [
          tournament,
          t.name,
          t.year,
          t.calcutta,
          t.teams.length,
          new Set(t.bids.map((b) => b.entry)).size,
          pool,
          { ...game.model, method: game.method },
          rows[0]?.method ?? 'none',
          params.simulations,
        ],
      );
      await replacePartitionIn(
        client,
        {
          table: 'gold.tournament_teams',
          columns: [
            'tournament_key',
            'team_key',
            'name',
            'region',
            'seed',
            'rating',
            'p_advance',
            'expected_wins',
            'expected_points',
            'value_share',
            'predicted_share',
            'predicted_price',
            'actual_bids',
          ],
        },
        { tournament_key: tournament },
        teams,
      );
    });
    return {
      read: { 'silver.team_values': rows.length, 'silver.market_predictions': rows.length },
      written: { 'gold.tournament_teams': teams.length, 'gold.tournaments': 1 },
      metrics: { teams: teams.length, pool },
    };
  };
