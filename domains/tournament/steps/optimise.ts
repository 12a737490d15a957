// Optimisation (gold, compute): recommended bids for our entry under its budget, one optimisation
// run per strategy asked for (payout, first, top:<percent>, mean-variance:<risk>). Others' money on a
// team is its predicted market share × the pool the other entries bring (their actual total when the
// auction's bids are loaded); a team's value is its expected share of the pool from the simulations.
// The payout strategy is checked against the exact dynamic program and two simple strategies; the
// others plan on their own simulated scenarios (lib/tournament/strategy.ts) and record how the payout
// strategy's bids fare on those same scenarios. Each run stores its parameters, seed and scores.
import { Context } from '@temporalio/activity';
import { withTransaction, type Pool } from '../../../lib/db/pool.ts';
import { hashSeed } from '../../../lib/random.ts';
import { readGameMatrix, readTournament, type TournamentData } from '../sql/tournament.ts';
import { baselineBids, bidProblemFromMarket, evaluateBids, fieldBracket, optimiseBids, type BidProblem } from '../../../lib/tournament/index.ts';
import { evaluateStrategy, parseStrategy, scenarioProblem, strategyName, type Strategy } from '../../../lib/tournament/strategy.ts';
import { strategySearch } from '../../../lib/tournament/strategy-search.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { runKey, tournamentParams, type TournamentParams } from './params.ts';

/** The exact program is only run when its table stays small (teams × units × held teams). */
const EXACT_LIMIT = 2e7;

interface Plan {
  spec: string;
  strategy: Strategy;
  amounts: Float64Array;
  score: number;
  strategyParams: Record<string, unknown>;
  baselines: Record<string, unknown>;
}

export const optimiseTournamentBids: StepFactory =
  ({ pools }) =>
  async (input) => {
    const tournament = input.partition;
    const params = tournamentParams(tournament, input.params);
    const t = await readTournament(pools.worker, tournament);
    const problem = await marketProblem(pools.worker, t, params);
    const entries = new Set([...t.bids.map((b) => b.entry), params.entry]).size;
    const payout = planPayout(problem, t, params);
    const plans: Plan[] = [];
    for (const spec of params.strategies) {
      const strategy = parseStrategy(spec, entries);
      plans.push(strategy.kind === 'payout' ? payout : await planStrategy(spec, strategy, problem, payout.amounts, t, params, pools.worker));
    }
    const runs: { id: number; strategy: string; objective: number; score: number; teams: number }[] = [];
    await withTransaction(pools.worker, async (client) => {
      for (const plan of plans) {
        const name = strategyName(plan.strategy);
        const result = evaluateBids(problem, plan.amounts);
        const { rows } = await client.query(
          `INSERT INTO gold.optimisation_runs (tournament_key, run_key, entry, method, params, seed, simulations, budget, spend, objective, expected_payout, baselines,
                                               pipeline_run_id, strategy, strategy_params, strategy_score)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
           ON CONFLICT (run_key) DO UPDATE SET params = EXCLUDED.params, budget = EXCLUDED.budget, spend = EXCLUDED.spend, objective = EXCLUDED.objective,
             expected_payout = EXCLUDED.expected_payout, baselines = EXCLUDED.baselines, pipeline_run_id = EXCLUDED.pipeline_run_id,
             strategy = EXCLUDED.strategy, strategy_params = EXCLUDED.strategy_params, strategy_score = EXCLUDED.strategy_score, updated_at = now()
           RETURNING id`,
          [
            tournament,
            runKey(tournament, params, plan.spec),
            params.entry,
            plan.strategy.kind === 'payout' ? params.method : 'search',
            { ...params, strategy: plan.spec },
            params.seed,
            params.simulations,
            t.calcutta.budgetPerEntry,
            result.spend,
            result.objective,
            result.expectedPayout,
            plan.baselines,
            input.runId,
            name,
            plan.strategyParams,
            plan.score,
          ],
        );
        const id = Number(rows[0].id);
        await client.query('DELETE FROM gold.recommended_bids WHERE optimisation_run_id = $1', [id]);
        let teams = 0;
        for (let i = 0; i < t.teams.length; i++) {
          const amount = plan.amounts[i];
          if (!(amount > 0)) continue;
          teams++;
          await client.query(
            'INSERT INTO gold.recommended_bids (optimisation_run_id, team_key, amount, predicted_others, ownership) VALUES ($1, $2, $3, $4, $5)',
            [id, t.teams[i].key, amount, problem.others[i], amount / (problem.others[i] + amount)],
          );
        }
        runs.push({ id, strategy: name, objective: round(result.objective), score: round(plan.score), teams });
      }
    });
    const bids = runs.reduce((n, r) => n + r.teams, 0);
    return {
      read: {
        'silver.team_values': t.teams.length,
        'silver.market_predictions': t.teams.length,
        // The finish and mean–variance strategies simulate their scenarios from the game model.
        ...(plans.some((p) => p.strategy.kind !== 'payout') ? { 'silver.game_predictions': t.teams.length * (t.teams.length - 1) } : {}),
      },
      written: { 'gold.optimisation_runs': runs.length, 'gold.recommended_bids': bids },
      partitions: { writes: [{ table: 'gold.recommended_bids', partition: tournament }] },
      metrics: {
        optimisationRunId: runs[0]?.id ?? null,
        objective: runs[0]?.objective ?? null,
        exact: (payout.baselines.exact as number | null) === null ? null : round(payout.baselines.exact as number),
        proportional: round(payout.baselines.proportional as number),
        favourite: round(payout.baselines.favourite as number),
        strategies: runs.map((r) => r.strategy).join(','),
        // Per strategy: its run, its expected normalised payout under the market model, and its own score.
        ...Object.fromEntries(
          runs.flatMap((r) => [
            [`${r.strategy}.runId`, r.id],
            [`${r.strategy}.objective`, r.objective],
            [`${r.strategy}.score`, r.score],
          ]),
        ),
      },
    };
  };

/** The payout objective's problem: values from silver, others' money from the market prediction. */
async function marketProblem(db: Pool, t: TournamentData, params: TournamentParams): Promise<BidProblem> {
  const q = async (sql: string) => (await db.query(sql, [t.key])).rows;
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
  return bidProblemFromMarket({
    value: Float64Array.from(t.teams, (x) => values.get(x.key) ?? 0),
    predictedShare: t.teams.map((x) => shares.get(x.key) ?? 0),
    predictedPool,
    calcutta: t.calcutta,
  });
}

function planPayout(problem: BidProblem, t: TournamentData, params: TournamentParams): Plan {
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
    predictedPool: best.pool - best.spend,
    seconds,
  };
  return { spec: 'payout', strategy: { kind: 'payout' }, amounts: best.amounts, score: best.objective, strategyParams: { method: params.method }, baselines };
}

/** A finish or mean–variance strategy: search on its own scenarios, yielding to heartbeats between rounds of moves. */
async function planStrategy(
  spec: string,
  strategy: Exclude<Strategy, { kind: 'payout' }>,
  market: BidProblem,
  payoutAmounts: Float64Array,
  t: TournamentData,
  params: TournamentParams,
  db: Pool,
): Promise<Plan> {
  const bracket = fieldBracket(t.teams);
  const seed = hashSeed(`scenarios/${params.seed}`);
  const problem = scenarioProblem({
    market,
    teams: t.teams,
    bids: t.bids,
    ours: params.entry,
    bracket,
    p: await readGameMatrix(db, t.key, t.teams),
    calcutta: t.calcutta,
    scenarios: params.scenarios,
    seed,
  });
  const started = performance.now();
  const search = strategySearch(problem, strategy, { step: params.step });
  const ctx = Context.current();
  let next = search.next();
  for (let rounds = 1; !next.done; rounds++) {
    ctx.heartbeat({ strategy: spec, rounds });
    await new Promise((r) => setImmediate(r));
    next = search.next();
  }
  const found = next.value;
  const asPayout = evaluateStrategy(problem, payoutAmounts, strategy);
  return {
    spec,
    strategy,
    amounts: found.amounts,
    score: found.outcome.score,
    strategyParams: { ...strategy, scenarios: params.scenarios, scenarioSeed: seed, rivals: problem.rivals.length },
    baselines: {
      // Both sets of bids on the scenarios this strategy planned with.
      strategy: found.outcome,
      payoutStrategy: asPayout,
      starts: found.starts,
      moves: found.moves,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;
