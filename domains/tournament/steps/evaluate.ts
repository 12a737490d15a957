// Evaluation (gold, compute): for each optimisation run of this run's strategies, every entry (the
// auction's, plus ours with the run's recommended bids in place of any bids of the same name) scored
// in every simulated tournament from bronze: points, payout, normalised payout and rank per
// (simulation, entry), COPY-written; per entry the mean normalised payout, probability of finishing
// first and percentile rank; and every entry's portfolio (teams, bids, ownership, expected points
// and payout), ours being the investment report. Everything replaces the run's previous rows.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { copyBatches, replacePartitionIn } from '../../../lib/db/copy.ts';
import { withClient, withTransaction, type Pool } from '../../../lib/db/pool.ts';
import { readSimulatedWins, readTournament, type TournamentData } from '../sql/tournament.ts';
import {
  fieldBracket,
  investmentReport,
  ownershipFromBids,
  PerformanceAccumulator,
  simulationScorer,
  winDistributionFromSimulations,
  type Bid,
} from '../../../lib/tournament/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { runKey, tournamentParams, type TournamentParams } from './params.ts';

const SIMULATIONS_PER_BATCH = 500;
const PORTFOLIO_COLUMNS = [
  'optimisation_run_id',
  'entry',
  'team_key',
  'name',
  'region',
  'seed',
  'bid',
  'total_bids',
  'ownership',
  'expected_wins',
  'expected_team_points',
  'expected_points',
  'expected_payout',
  'roi',
];

export const evaluateEntries: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const keys = params.strategies.map((spec) => runKey(tournament, params, spec));
    const { rows: runs } = await pools.worker.query('SELECT id, run_key FROM gold.optimisation_runs WHERE run_key = ANY($1)', [keys]);
    const missing = keys.filter((k) => !runs.some((r) => r.run_key === k));
    if (missing.length) throw ApplicationFailure.nonRetryable(`no optimisation run ${missing.join(', ')}: run the optimise step first`, 'NoOptimisationRun');
    const t = await readTournament(pools.worker, tournament);
    const { wins, count } = await withClient(pools.worker, (client) => readSimulatedWins(client, tournament, t.teams));
    const results: Awaited<ReturnType<typeof evaluateRun>>[] = [];
    for (const key of keys) {
      const runId = Number(runs.find((r) => r.run_key === key)!.id);
      results.push(await evaluateRun(pools.worker, runId, t, params, wins, count));
    }
    const sum = (f: (r: (typeof results)[number]) => number) => results.reduce((a, r) => a + f(r), 0);
    const ours = results[0].ours;
    return {
      read: { 'bronze.simulated_outcomes': count * t.teams.length },
      written: {
        'gold.entry_outcomes': sum((r) => r.outcomes),
        'gold.entry_performance': sum((r) => r.entries),
        'gold.entry_portfolios': sum((r) => r.portfolios),
      },
      // Gold rows are keyed by optimisation run; the lineage names the tournament they belong to.
      partitions: {
        writes: ['gold.entry_outcomes', 'gold.entry_performance', 'gold.entry_portfolios'].map((table) => ({ table, partition: tournament })),
      },
      metrics: {
        optimisationRunId: results[0].runId,
        runs: results.length,
        entries: results[0].entries,
        simulations: count,
        oursMeanNormalisedPayout: ours ? Math.round(ours.meanNormalisedPayout * 1e4) / 1e4 : null,
        oursPFirst: ours ? Math.round(ours.pFirst * 1e4) / 1e4 : null,
        ...Object.fromEntries(results.flatMap((r, i) => (r.ours ? [[`${params.strategies[i]}.pFirst`, Math.round(r.ours.pFirst * 1e4) / 1e4]] : []))),
      },
    };
  };

/** One optimisation run scored over the simulations, its rows replaced in one transaction. */
async function evaluateRun(db: Pool, runId: number, t: TournamentData, params: TournamentParams, wins: Uint8Array, count: number) {
  const { rows: recommended } = await db.query('SELECT team_key, amount FROM gold.recommended_bids WHERE optimisation_run_id = $1', [runId]);
  const bids: Bid[] = [
    ...t.bids.filter((b) => b.entry !== params.entry),
    ...recommended.map((r) => ({ entry: params.entry, team: r.team_key, amount: r.amount })),
  ];
  const bracket = fieldBracket(t.teams);
  const ownership = ownershipFromBids(t.teams, bids, bracket);
  const n = t.teams.length;
  const score = simulationScorer(ownership, t.calcutta);
  const performance = new PerformanceAccumulator(ownership, t.calcutta);
  const ctx = Context.current();
  async function* outcomeRows() {
    for (let start = 0; start < count; start += SIMULATIONS_PER_BATCH) {
      const size = Math.min(SIMULATIONS_PER_BATCH, count - start);
      const chunk = wins.subarray(start * n, (start + size) * n);
      performance.add(chunk, size);
      const rows: unknown[][] = [];
      for (let s = 0; s < size; s++) {
        const o = score(chunk, s * n, start + s);
        for (let e = 0; e < ownership.entries.length; e++) {
          rows.push([runId, o.sim, ownership.entries[e], o.points[e], o.payout[e], o.normalisedPayout[e], o.rank[e]]);
        }
      }
      yield rows;
      ctx.heartbeat({ optimisationRunId: runId, simulations: start + size, of: count });
    }
  }
  const distribution = winDistributionFromSimulations(wins, n, count, bracket);
  const portfolios = ownership.entries.flatMap((entry) =>
    investmentReport({ teams: t.teams, ownership, entry, distribution, calcutta: t.calcutta }).map((r) => [
      runId,
      entry,
      r.team,
      r.name,
      r.region,
      r.seed,
      r.bid,
      r.totalBids,
      r.ownership,
      r.expectedWins,
      r.expectedTeamPoints,
      r.expectedPoints,
      r.expectedPayout,
      r.roi,
    ]),
  );
  return withTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`gold.entry_outcomes|${runId}`]);
    await client.query('DELETE FROM gold.entry_outcomes WHERE optimisation_run_id = $1', [runId]);
    const outcomes = await copyBatches(
      client,
      { table: 'gold.entry_outcomes', columns: ['optimisation_run_id', 'simulation', 'entry', 'points', 'payout', 'normalised_payout', 'rank'] },
      outcomeRows(),
    );
    await client.query('DELETE FROM gold.entry_performance WHERE optimisation_run_id = $1', [runId]);
    const perf = performance.result();
    for (const p of perf) {
      await client.query(
        `INSERT INTO gold.entry_performance (optimisation_run_id, entry, ours, spend, mean_points, mean_payout, mean_normalised_payout, p_first, mean_rank, mean_percentile, simulations)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          runId,
          p.entry,
          p.entry === params.entry,
          p.spend,
          p.meanPoints,
          p.meanPayout,
          p.meanNormalisedPayout,
          p.pFirst,
          p.meanRank,
          p.meanPercentile,
          p.simulations,
        ],
      );
    }
    const written = await replacePartitionIn(
      client,
      { table: 'gold.entry_portfolios', columns: PORTFOLIO_COLUMNS },
      { optimisation_run_id: runId },
      portfolios,
    );
    await client.query('UPDATE gold.optimisation_runs SET updated_at = now() WHERE id = $1', [runId]);
    return { runId, outcomes, entries: perf.length, portfolios: written.inserted, ours: perf.find((p) => p.entry === params.entry) };
  });
}
