// Optimisation (gold, compute): recommended bids for our entry under its budget. Others' money on a
// team is its predicted market share × the pool the other entries bring (their actual total when
// the auction's bids are loaded); a team's value is its expected share of the pool from the
// simulations. The heuristic's answer is checked against the exact dynamic program and two simple
// strategies, and all of it is recorded as one optimisation run (parameters, seed, objective).
import { withTransaction } from '../../../lib/db/pool.ts';
import { readTournament } from '../sql/tournament.ts';
import { baselineBids, bidProblemFromMarket, evaluateBids, optimiseBids } from '../../../lib/tournament/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { runKey, tournamentParams } from './params.ts';

/** The exact program is only run when its table stays small (teams × units × held teams). */
const EXACT_LIMIT = 2e7;

export const optimiseTournamentBids: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const t = await readTournament(pools.worker, tournament);
    const q = async (sql: string) => (await pools.worker.query(sql, [tournament])).rows;
    const values = new Map(
      (await q('SELECT team_key, value_share FROM silver.team_values WHERE tournament_key = $1')).map((r) => [r.team_key, r.value_share as number]),
    );
    const shares = new Map(
      (await q('SELECT team_key, predicted_share FROM silver.market_predictions WHERE tournament_key = $1')).map((r) => [
        r.team_key,
        r.predicted_share as number,
      ]),
    );
    const others = t.bids.filter((b) => b.entry !== params.entry);
    const entries = new Set(others.map((b) => b.entry)).size;
    const predictedPool = others.length ? others.reduce((s, b) => s + b.amount, 0) : entries * t.calcutta.budgetPerEntry;
    const problem = bidProblemFromMarket({
      value: Float64Array.from(t.teams, (x) => values.get(x.key) ?? 0),
      predictedShare: t.teams.map((x) => shares.get(x.key) ?? 0),
      predictedPool,
      calcutta: t.calcutta,
    });
    const started = performance.now();
    const best = optimiseBids(problem, { method: params.method, step: params.step });
    const seconds = (performance.now() - started) / 1000;
    const units = t.calcutta.budgetPerEntry / params.step;
    const size = t.teams.length * units * (t.calcutta.maxTeamsPerEntry ?? t.teams.length);
    const exact = params.method === 'greedy' && size <= EXACT_LIMIT ? optimiseBids(problem, { method: 'exact', step: params.step }) : null;
    const baselines = {
      proportional: evaluateBids(problem, baselineBids(problem, 'proportional', params.step)).objective,
      favourite: evaluateBids(problem, baselineBids(problem, 'favourite', params.step)).objective,
      exact: exact ? exact.objective : null,
      ratioToExact: exact ? best.objective / exact.objective : null,
      predictedPool,
      seconds,
    };
    const key = runKey(tournament, params);
    const runId = await withTransaction(pools.worker, async (client) => {
      const { rows } = await client.query(
        `INSERT INTO gold.optimisation_runs (tournament_key, run_key, entry, method, params, seed, simulations, budget, spend, objective, expected_payout, baselines, pipeline_run_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (run_key) DO UPDATE SET params = EXCLUDED.params, budget = EXCLUDED.budget, spend = EXCLUDED.spend, objective = EXCLUDED.objective,
         expected_payout = EXCLUDED.expected_payout, baselines = EXCLUDED.baselines, pipeline_run_id = EXCLUDED.pipeline_run_id, updated_at = now()
       RETURNING id`,
        [
          tournament,
          key,
          params.entry,
          params.method,
          params,
          params.seed,
          params.simulations,
          t.calcutta.budgetPerEntry,
          best.spend,
          best.objective,
          best.expectedPayout,
          baselines,
          input.runId,
        ],
      );
      const id = Number(rows[0].id);
      await client.query('DELETE FROM gold.recommended_bids WHERE optimisation_run_id = $1', [id]);
      for (let i = 0; i < t.teams.length; i++) {
        const amount = best.amounts[i];
        if (!(amount > 0)) continue;
        await client.query(
          'INSERT INTO gold.recommended_bids (optimisation_run_id, team_key, amount, predicted_others, ownership) VALUES ($1, $2, $3, $4, $5)',
          [id, t.teams[i].key, amount, problem.others[i], amount / (problem.others[i] + amount)],
        );
      }
      return id;
    });
    const teams = best.amounts.filter((a) => a > 0).length;
    return {
      read: { 'silver.team_values': t.teams.length, 'silver.market_predictions': t.teams.length },
      written: { 'gold.optimisation_runs': 1, 'gold.recommended_bids': teams },
      partitions: { writes: [{ table: 'gold.recommended_bids', partition: tournament }] },
      metrics: {
        optimisationRunId: runId,
        objective: round(best.objective),
        exact: exact ? round(exact.objective) : null,
        proportional: round(baselines.proportional),
        favourite: round(baselines.favourite),
        teams,
        spend: best.spend,
      },
    };
  };

const round = (v: number) => Math.round(v * 1e6) / 1e6;
