// Silver steps of the tournament pipeline: game predictions (a win probability for every ordered
// pair of teams from the logistic model on rating difference) and market predictions (each team's
// expected share of the auction pool: a random-forest regressor trained on historical auctions
// when there are any, the documented prior otherwise). Both models are registered in the registry
// (domains/registry/register.ts) with their metrics and an artifact in object storage.
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withTransaction } from '../../../lib/db/pool.ts';
import { readTournament } from '../sql/tournament.ts';
import { RandomForestRegressor } from '../../../lib/forest/index.ts';
import { calibration, marketFeatureMatrix, marketSharePrior, probabilityMatrix, validateField, type Team } from '../../../lib/tournament/index.ts';
import { MARKET_FEATURE_NAMES } from '../../../lib/tournament/market.ts';
import { registerFittedModel } from '../../registry/register.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { gameModelFor } from './params.ts';

export const predictGames: StepFactory =
  ({ pools, storage }) =>
  async (input) => {
    const t = await readTournament(pools.worker, input.partition);
    const { model, method } = gameModelFor(t);
    const n = t.teams.length;
    const p = probabilityMatrix(
      model,
      t.teams.map((x) => x.rating),
    );
    const rows: unknown[][] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rows.push([input.partition, t.teams[i].key, t.teams[j].key, p[i * n + j]]);
    await withTransaction(pools.worker, (client) =>
      replacePartitionIn(
        client,
        { table: 'silver.game_predictions', columns: ['tournament_key', 'team_a', 'team_b', 'p_a_wins'] },
        { tournament_key: input.partition },
        rows,
      ),
    );
    const fit = t.historicalGames.length ? calibration(model, t.historicalGames) : null;
    const registered = await registerFittedModel(
      pools.worker,
      storage,
      { pipelineRunId: input.runId, partition: input.partition },
      {
        model: {
          name: 'tournament-games',
          task: 'classification',
          algorithm: 'logistic on rating difference',
          description: 'P(team A beats team B) in a tournament game',
        },
        hyperparameters: { method },
        metrics: [
          { name: 'historical_games', value: t.historicalGames.length },
          ...(fit
            ? [
                { name: 'log_loss', value: fit.logLoss },
                { name: 'brier', value: fit.brier },
              ]
            : []),
        ],
        artifact: { kind: 'logistic-rating-difference', ...model },
        featureNames: ['rating_a', 'rating_b'],
        classes: ['a_wins', 'b_wins'],
      },
    );
    return {
      read: { 'bronze.teams': n, 'bronze.historical_games': t.historicalGames.length },
      written: { 'silver.game_predictions': rows.length, 'registry.training_runs': 1, 'registry.model_versions': 1 },
      metrics: {
        model: method,
        scale: model.scale,
        historicalGames: t.historicalGames.length,
        logLoss: fit?.logLoss ?? null,
        brier: fit?.brier ?? null,
        registeredVersion: registered.version,
      },
    };
  };

/** Seasons of historical auctions whose field is a valid bracket, as (features, share of pool) rows. */
function historicalMarket(t: Awaited<ReturnType<typeof readTournament>>, model: ReturnType<typeof gameModelFor>['model']) {
  const seasons = new Map<number, { team: Team; amount: number }[]>();
  for (const a of t.historicalAuctions) seasons.set(a.season, [...(seasons.get(a.season) ?? []), a]);
  const x: number[][] = [];
  const y: number[] = [];
  let used = 0;
  for (const rows of seasons.values()) {
    const teams = rows.map((r) => r.team);
    const total = rows.reduce((s, r) => s + r.amount, 0);
    if (validateField(teams).length || !(total > 0)) continue;
    used++;
    x.push(...marketFeatureMatrix(teams, { model, payouts: t.calcutta.payouts }));
    y.push(...rows.map((r) => r.amount / total));
  }
  return { x, y, seasons: used };
}

export const predictMarket: StepFactory =
  ({ pools, storage }) =>
  async (input) => {
    const t = await readTournament(pools.worker, input.partition);
    const { model } = gameModelFor(t);
    const history = historicalMarket(t, model);
    let shares: Float64Array;
    let method: string;
    let oob: number | null = null;
    let artifact: unknown = { kind: 'prior', exponent: 0.8 };
    if (history.seasons >= 2) {
      const forest = await new RandomForestRegressor({ nEstimators: 200, minSamplesLeaf: 3, seed: 1 }).fit(history.x, history.y);
      oob = forest.oobScore;
      artifact = forest.toJSON();
      // Shares cannot be negative and must fill the pool: clip, then normalise.
      const raw = forest.predict(marketFeatureMatrix(t.teams, { model, payouts: t.calcutta.payouts })).map((v) => Math.max(v, 1e-6));
      const total = raw.reduce((a, b) => a + b, 0);
      shares = raw.map((v) => v / total);
      method = `random forest on ${history.seasons} historical auctions`;
    } else {
      shares = marketSharePrior(t.teams, { model, payouts: t.calcutta.payouts });
      method = 'prior: share ∝ expected value^0.8';
    }
    const rows = t.teams.map((team, i) => [input.partition, team.key, shares[i], method]);
    await withTransaction(pools.worker, (client) =>
      replacePartitionIn(
        client,
        { table: 'silver.market_predictions', columns: ['tournament_key', 'team_key', 'predicted_share', 'method'] },
        { tournament_key: input.partition },
        rows,
      ),
    );
    const registered = await registerFittedModel(
      pools.worker,
      storage,
      { pipelineRunId: input.runId, partition: input.partition },
      {
        model: {
          name: 'tournament-market',
          task: 'regression',
          algorithm: 'random forest regressor (lib/forest), or a prior',
          description: "A team's share of the auction pool",
        },
        hyperparameters: { method, ...(history.seasons >= 2 ? { nEstimators: 200, minSamplesLeaf: 3, seed: 1 } : {}) },
        metrics: [{ name: 'historical_seasons', value: history.seasons }, ...(oob === null ? [] : [{ name: 'oob_r2', value: oob }])],
        artifact,
        featureNames: [...MARKET_FEATURE_NAMES],
      },
    );
    return {
      read: { 'bronze.teams': t.teams.length, 'bronze.historical_auctions': t.historicalAuctions.length },
      written: { 'silver.market_predictions': rows.length, 'registry.training_runs': 1, 'registry.model_versions': 1 },
      metrics: { method, seasons: history.seasons, oobR2: oob, registeredVersion: registered.version },
    };
  };
