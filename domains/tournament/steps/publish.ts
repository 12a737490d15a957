// Publishing (gold, io): the tournament and its teams as the API serves them: rules, pool, game
// model, market method; per team the exact round-reaching probabilities (and, for a First Four team,
// its chance of reaching the round of 64), expected wins and points, value, predicted market share
// and price, what the auction actually paid, and the distribution of games won (exact and over the
// simulations); and every pairing's probability, meeting round and chance of meeting (gold.matchups).
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withTransaction } from '../../../lib/db/pool.ts';
import { readGameMatrix, readTournament } from '../sql/tournament.ts';
import { byeOf, fieldBracket, progressWidth } from '../../../lib/tournament/index.ts';
import { matchups } from '../../../lib/tournament/matchups.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { gameModelFor, tournamentParams } from './params.ts';

export const publishTournament: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const t = await readTournament(pools.worker, tournament);
    const { rows } = await pools.worker.query(
      `SELECT v.team_key, v.exact_wins, v.simulated_wins, v.expected_wins, v.expected_points, v.value_share, v.simulations, m.predicted_share, m.method
       FROM silver.team_values v JOIN silver.market_predictions m USING (tournament_key, team_key) WHERE v.tournament_key = $1`,
      [tournament],
    );
    const byTeam = new Map(rows.map((r) => [r.team_key, r]));
    const pool = t.bids.reduce((s, b) => s + b.amount, 0);
    const paid = new Map<string, number>();
    for (const b of t.bids) paid.set(b.team, (paid.get(b.team) ?? 0) + b.amount);
    const game = gameModelFor(t);
    // Progress counts a First Four as round 0 (lib/tournament/bracket.ts): skip it for the 64-team rounds.
    const bracket = fieldBracket(t.teams);
    const shift = bracket.firstFour ? 1 : 0;
    const width = progressWidth(bracket);
    const distribution = new Float64Array(t.teams.length * width);
    /** P(games won = k), k = 0..width − 1, from a progress distribution: a bye is not a game won. */
    const asWins = (progress: number[], byes: number) => Array.from({ length: width }, (_, k) => progress[k + byes] ?? 0);
    const teams = t.teams.map((team, i) => {
      const v = byTeam.get(team.key);
      if (!v) throw new Error(`team ${team.key} has no values or market prediction; run the values and market steps`);
      const exact = v.exact_wins as number[];
      distribution.set(exact, i * width);
      const byes = byeOf(bracket, team);
      const atLeast = (k: number) => exact.slice(k).reduce((s, x) => s + x, 0);
      const advance = Array.from({ length: 6 }, (_, k) => atLeast(k + 1 + shift));
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
        team.playIn ?? false,
        shift ? 1 - exact[0] : 1,
        asWins(exact, byes),
        asWins(v.simulated_wins as number[], byes),
        v.simulations,
      ];
    });
    const p = await readGameMatrix(pools.worker, tournament, t.teams);
    const pairs = matchups(bracket, p, t.teams.length, distribution).map((m) => [tournament, t.teams[m.a].key, t.teams[m.b].key, m.pAWins, m.round, m.pMeet]);
    await withTransaction(pools.worker, async (client) => {
      await replacePartitionIn(
        client,
        { table: 'gold.matchups', columns: ['tournament_key', 'team_a', 'team_b', 'p_a_wins', 'meet_round', 'p_meet'] },
        { tournament_key: tournament },
        pairs,
      );
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
            'play_in',
            'p_round_of_64',
            'wins_distribution',
            'simulated_wins_distribution',
            'simulations',
          ],
        },
        { tournament_key: tournament },
        teams,
      );
    });
    return {
      read: { 'silver.team_values': rows.length, 'silver.market_predictions': rows.length, 'silver.game_predictions': teams.length * (teams.length - 1) },
      written: { 'gold.tournament_teams': teams.length, 'gold.tournaments': 1, 'gold.matchups': pairs.length },
      metrics: { teams: teams.length, pool, matchups: pairs.length },
    };
  };
