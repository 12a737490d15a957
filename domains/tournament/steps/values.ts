// Team values (silver, compute): each team's exact progress distribution (dynamic programming over
// the bracket; progress = wins + byes, see lib/tournament/bracket.ts) next to the simulated one, how
// far apart they are in standard errors (a data-quality check holds them within sampling error),
// expected games won and points, and the expected share of the pool the team pays out (from the
// simulations, which the optimiser uses).
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withTransaction } from '../../../lib/db/pool.ts';
import { readGameMatrix, readTournament } from '../sql/tournament.ts';
import { byeOf, exactWinDistribution, expectedPayoutShares, fieldBracket, payoutTable, progressWidth, samplingZ } from '../../../lib/tournament/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

export const valueTeams: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const t = await readTournament(pools.worker, tournament);
    const n = t.teams.length;
    const p = await readGameMatrix(pools.worker, tournament, t.teams);
    const bracket = fieldBracket(t.teams);
    const WIDTH = progressWidth(bracket);
    const exact = exactWinDistribution(bracket, p, n);
    const index = new Map(t.teams.map((x, i) => [x.key, i]));
    const { rows } = await pools.worker.query(
      `SELECT team_key, wins + byes AS progress, count(*)::int AS n FROM bronze.simulated_outcomes WHERE tournament_key = $1 GROUP BY 1, 2`,
      [tournament],
    );
    const { rows: total } = await pools.worker.query('SELECT count(DISTINCT simulation)::int AS n FROM bronze.simulated_outcomes WHERE tournament_key = $1', [
      tournament,
    ]);
    const simulations: number = total[0].n;
    const simulated = new Float64Array(n * WIDTH);
    for (const r of rows) simulated[index.get(r.team_key)! * WIDTH + r.progress] = r.n / simulations;
    const value = expectedPayoutShares(simulated, n, t.calcutta, bracket);
    const points = Array.from(payoutTable(t.calcutta, bracket), (share) => 100 * share);
    let worst = 0;
    const out = t.teams.map((team, i) => {
      let z = 0;
      let wins = 0;
      let expectedPoints = 0;
      for (let k = 0; k < WIDTH; k++) {
        const e = exact[i * WIDTH + k];
        const s = simulated[i * WIDTH + k];
        z = Math.max(z, samplingZ(e, s, simulations));
        wins += k * s;
        expectedPoints += points[k] * s;
      }
      worst = Math.max(worst, z);
      return [
        tournament,
        team.key,
        Array.from(exact.subarray(i * WIDTH, (i + 1) * WIDTH)),
        Array.from(simulated.subarray(i * WIDTH, (i + 1) * WIDTH)),
        simulations,
        z,
        wins - byeOf(bracket, team),
        expectedPoints,
        value[i],
      ];
    });
    await withTransaction(pools.worker, (client) =>
      replacePartitionIn(
        client,
        {
          table: 'silver.team_values',
          columns: [
            'tournament_key',
            'team_key',
            'exact_wins',
            'simulated_wins',
            'simulations',
            'max_abs_z',
            'expected_wins',
            'expected_points',
            'value_share',
          ],
        },
        { tournament_key: tournament },
        out,
      ),
    );
    return {
      read: { 'bronze.simulated_outcomes': simulations * n },
      written: { 'silver.team_values': out.length },
      metrics: { simulations, maxAbsZ: Math.round(worst * 1000) / 1000 },
    };
  };
