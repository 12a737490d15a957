// Evaluation (gold, compute): every entry (the auction's, plus ours with the recommended bids in
// place of any bids of the same name) scored in every simulated tournament from bronze: points,
// payout, normalised payout and rank per (simulation, entry), COPY-written; per entry the mean
// normalised payout, probability of finishing first and percentile rank; and the investment report
// of each team we bid on. Everything replaces the optimisation run's previous rows.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { copyBatches } from '../../../lib/db/copy.ts';
import { withClient, withTransaction } from '../../../lib/db/pool.ts';
import { readSimulatedWins, readTournament } from '../sql/tournament.ts';
import {
  investmentReport,
  ownershipFromBids,
  PerformanceAccumulator,
  simulationScorer,
  winDistributionFromSimulations,
  type Bid,
} from '../../../lib/tournament/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { runKey, tournamentParams } from './params.ts';

const SIMULATIONS_PER_BATCH = 500;

export const evaluateEntries: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const key = runKey(tournament, params);
    const { rows: runs } = await pools.worker.query('SELECT id FROM gold.optimisation_runs WHERE run_key = $1', [key]);
    if (!runs.length) throw ApplicationFailure.nonRetryable(`no optimisation run ${key}: run the optimise step first`, 'NoOptimisationRun');
    const runId = Number(runs[0].id);
    const t = await readTournament(pools.worker, tournament);
    const { rows: recommended } = await pools.worker.query('SELECT team_key, amount FROM gold.recommended_bids WHERE optimisation_run_id = $1', [runId]);
    const bids: Bid[] = [
      ...t.bids.filter((b) => b.entry !== params.entry),
      ...recommended.map((r) => ({ entry: params.entry, team: r.team_key, amount: r.amount })),
    ];
    const ownership = ownershipFromBids(t.teams, bids);
    const { wins, count } = await withClient(pools.worker, (client) => readSimulatedWins(client, tournament, t.teams));
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
        ctx.heartbeat({ simulations: start + size, of: count });
      }
    }
    const report = investmentReport({
      teams: t.teams,
      ownership,
      entry: params.entry,
      distribution: winDistributionFromSimulations(wins, n, count),
      calcutta: t.calcutta,
    });
    const written = await withTransaction(pools.worker, async (client) => {
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
      await client.query('DELETE FROM gold.investment_report WHERE optimisation_run_id = $1', [runId]);
      for (const r of report) {
        await client.query(
          `INSERT INTO gold.investment_report (optimisation_run_id, team_key, name, region, seed, bid, total_bids, ownership, expected_wins, expected_team_points, expected_points, expected_payout, roi)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [
            runId,
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
          ],
        );
      }
      await client.query('UPDATE gold.optimisation_runs SET updated_at = now() WHERE id = $1', [runId]);
      return { outcomes, entries: perf.length, ours: perf.find((p) => p.entry === params.entry) };
    });
    return {
      read: { 'bronze.simulated_outcomes': count * n },
      written: { 'gold.entry_outcomes': written.outcomes, 'gold.entry_performance': written.entries, 'gold.investment_report': report.length },
      // Gold rows are keyed by optimisation run; the lineage names the tournament they belong to.
      partitions: {
        writes: ['gold.entry_outcomes', 'gold.entry_performance', 'gold.investment_report'].map((table) => ({ table, partition: tournament })),
      },
      metrics: {
        optimisationRunId: runId,
        entries: written.entries,
        simulations: count,
        oursMeanNormalisedPayout: written.ours ? Math.round(written.ours.meanNormalisedPayout * 1e4) / 1e4 : null,
        oursPFirst: written.ours ? Math.round(written.ours.pFirst * 1e4) / 1e4 : null,
      },
    };
  };
