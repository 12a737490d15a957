// Team values (silver, compute): each team's exact win distribution (dynamic programming over the
// bracket) next to the simulated one, how far apart they are in standard errors (a data-quality
// check holds them within sampling error), expected wins and points, and the expected share of
// the pool the team pays out (from the simulations, which the optimiser uses).
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withTransaction } from '../../../lib/db/pool.ts';
import { readGameMatrix, readTournament } from '../sql/tournament.ts';
import { bracketOrder, exactWinDistribution, expectedPayoutShares, teamPoints } from '../../../lib/tournament/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

const WIDTH = 7;

export const valueTeams: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const t = await readTournament(pools.worker, tournament);
    const n = t.teams.length;
    const p = await readGameMatrix(pools.worker, tournament, t.teams);
    const exact = exactWinDistribution(bracketOrder(t.teams), p, n);
    const index = new Map(t.teams.map((x, i) => [x.key, i]));
    const { rows } = await pools.worker.query(
      `SELECT team_key, wins, count(*)::int AS n FROM bronze.simulated_outcomes WHERE tournament_key = $1 GROUP BY 1, 2`,
      [tournament],
    );
    const { rows: total } = await pools.worker.query('SELECT count(DISTINCT simulation)::int AS n FROM bronze.simulated_outcomes WHERE tournament_key = $1', [
      tournament,
    ]);
    const simulations: number = total[0].n;
    const simulated = new Float64Array(n * WIDTH);
    for (const r of rows) simulated[index.get(r.team_key)! * WIDTH + r.wins] = r.n / simulations;
    const value = expectedPayoutShares(simulated, n, t.calcutta);
    const points = Array.from({ length: WIDTH }, (_, k) => teamPoints(k, t.calcutta));
    let worst = 0;
    const out = t.teams.map((team, i) => {
      let z = 0;
      let wins = 0;
      let expectedPoints = 0;
      for (let k = 0; k < WIDTH; k++) {
        const e = exact[i * WIDTH + k];
        const s = simulated[i * WIDTH + k];
        // In counts, with a continuity correction: a rare cell (a 16 seed's title, expected 0.01
        // times) seen once is not a 100-SE event, which the plain normal approximation would call it.
        const expected = e * simulations;
        const deviation = Math.max(0, Math.abs(s * simulations - expected) - 0.5);
        z = Math.max(z, deviation / Math.sqrt(expected * (1 - e) + 0.25));
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
        wins,
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
