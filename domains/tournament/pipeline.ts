// The tournament pipeline (seed 003), one partition per tournament: landing files → bronze; game
// and market predictions → silver; the simulations split over four parallel compute steps → bronze;
// team values checked against the exact round probabilities; the bid optimisation, the evaluation
// of every entry in every simulation, and the published tournament → gold.
import type { PipelineDefinition, StepDefinition } from '../../engine/pipeline/types.ts';

const byTournament = (table: string) => ({ table, partitionColumn: 'tournament_key' });
const CHUNKS = 4;

const simulateSteps: StepDefinition[] = Array.from({ length: CHUNKS }, (_, chunk) => ({
  id: `simulate_${chunk + 1}`,
  activity: 'simulateTournamentChunk',
  layer: 'bronze',
  queue: 'compute',
  dependsOn: ['games'],
  heartbeatTimeout: '1 minute',
  startToCloseTimeout: '30 minutes',
  params: { chunk, chunks: CHUNKS },
  reads: [byTournament('silver.game_predictions')],
  writes: [byTournament('bronze.simulated_outcomes')],
}));

/** One row per team of the field (64 or 68), or `perField` (an expression of n) rows for a field of n teams. */
const sizedByField = (table: string, what: string, perField = 'n') => ({
  kind: 'sql' as const,
  name: `${what} for a field of n teams`,
  query: `SELECT abs(count(*) - (SELECT ${perField} FROM (SELECT count(*) AS n FROM bronze.teams WHERE tournament_key = $1) f)) AS failures
            FROM ${table} WHERE tournament_key = $1`,
});

const forRun = (table: string, condition: string) =>
  `SELECT count(*) AS failures FROM ${table} x JOIN gold.optimisation_runs r ON r.id = x.optimisation_run_id WHERE r.tournament_key = $1 AND NOT (${condition})`;

export const tournamentPipeline: PipelineDefinition = {
  name: 'tournament',
  description: 'Calcutta landing files → game and market predictions → Monte Carlo simulation → bid optimisation → entry rankings and investment report',
  partitioning: { kind: 'keys' },
  // Runs when a tournament's landing files appear or change (once they have been still for 30 s).
  inputs: [{ kind: 'landing' }],
  triggers: { on: ['landing'], settle: '30 seconds' },
  steps: [
    {
      id: 'load',
      activity: 'loadTournamentFiles',
      layer: 'bronze',
      retry: { maximumAttempts: 3 },
      writes: [
        'bronze.tournaments',
        'bronze.teams',
        'bronze.calcuttas',
        'bronze.payouts',
        'bronze.entry_bids',
        'bronze.historical_games',
        'bronze.historical_auctions',
        'bronze.landing_files',
      ].map(byTournament),
      checks: [
        { kind: 'rowCount', table: 'bronze.teams', min: 64, max: 68 },
        {
          kind: 'sql',
          name: '4 regions of seeds 1–16, four First Four pairs in a 68-team field',
          query: `SELECT CASE WHEN count(DISTINCT region) = 4 AND count(DISTINCT (region, seed)) = 64 AND min(seed) = 1 AND max(seed) = 16
                               AND count(*) FILTER (WHERE play_in) = 2 * (count(*) - 64) THEN 0 ELSE 1 END AS failures
                    FROM bronze.teams WHERE tournament_key = $1`,
        },
        { kind: 'range', table: 'bronze.entry_bids', column: 'amount', min: 0 },
        {
          kind: 'sql',
          name: 'payout shares pay out the whole pool',
          query: `SELECT CASE WHEN abs(coalesce(sum(share * 2 ^ (6 - wins)), 0) - 1) < 1e-9 THEN 0 ELSE 1 END AS failures FROM bronze.payouts WHERE tournament_key = $1`,
        },
      ],
    },
    {
      id: 'games',
      activity: 'predictGames',
      layer: 'silver',
      queue: 'compute',
      dependsOn: ['load'],
      reads: [byTournament('bronze.teams'), byTournament('bronze.historical_games')],
      writes: [byTournament('silver.game_predictions'), { table: 'registry.training_runs' }, { table: 'registry.model_versions' }],
      checks: [
        { kind: 'rowCount', table: 'silver.game_predictions', min: 64 * 63, max: 68 * 67 },
        sizedByField('silver.game_predictions', 'n × (n − 1) pairings', 'n * (n - 1)'),
        { kind: 'range', table: 'silver.game_predictions', column: 'p_a_wins', min: 0, max: 1 },
        {
          kind: 'sql',
          name: 'P(a beats b) + P(b beats a) = 1',
          query: `SELECT count(*) AS failures FROM silver.game_predictions x JOIN silver.game_predictions y
                    ON y.tournament_key = x.tournament_key AND y.team_a = x.team_b AND y.team_b = x.team_a
                   WHERE x.tournament_key = $1 AND abs(x.p_a_wins + y.p_a_wins - 1) > 1e-9`,
        },
      ],
    },
    {
      id: 'market',
      activity: 'predictMarket',
      layer: 'silver',
      queue: 'compute',
      dependsOn: ['games'],
      reads: [byTournament('bronze.teams'), byTournament('bronze.historical_auctions')],
      writes: [byTournament('silver.market_predictions'), { table: 'registry.training_runs' }, { table: 'registry.model_versions' }],
      checks: [
        { kind: 'rowCount', table: 'silver.market_predictions', min: 64, max: 68 },
        sizedByField('silver.market_predictions', 'one prediction per team'),
        {
          kind: 'sql',
          name: 'shares fill the pool',
          query: `SELECT CASE WHEN abs(sum(predicted_share) - 1) < 1e-9 THEN 0 ELSE 1 END AS failures FROM silver.market_predictions WHERE tournament_key = $1`,
        },
      ],
    },
    ...simulateSteps,
    {
      id: 'values',
      activity: 'valueTeams',
      layer: 'silver',
      queue: 'compute',
      dependsOn: simulateSteps.map((s) => s.id),
      reads: [byTournament('bronze.simulated_outcomes'), byTournament('silver.game_predictions')],
      writes: [byTournament('silver.team_values')],
      checks: [
        { kind: 'rowCount', table: 'silver.team_values', min: 64, max: 68 },
        sizedByField('silver.team_values', 'one value per team'),
        // Simulated round probabilities within sampling error of the exact ones (448 cells; 5 SE).
        { kind: 'range', table: 'silver.team_values', column: 'max_abs_z', max: 5 },
        {
          kind: 'sql',
          name: 'one simulation count for all teams',
          query: `SELECT count(DISTINCT simulations) - 1 AS failures FROM silver.team_values WHERE tournament_key = $1`,
        },
      ],
    },
    {
      id: 'optimise',
      activity: 'optimiseTournamentBids',
      layer: 'gold',
      queue: 'compute',
      dependsOn: ['values', 'market'],
      reads: [
        byTournament('silver.team_values'),
        byTournament('silver.market_predictions'),
        byTournament('bronze.calcuttas'),
        // The finish and mean–variance strategies simulate their own scenarios from the game model.
        byTournament('silver.game_predictions'),
      ],
      writes: [byTournament('gold.optimisation_runs'), { table: 'gold.recommended_bids' }],
      checks: [
        {
          kind: 'sql',
          name: 'spend within budget',
          query: `SELECT count(*) AS failures FROM gold.optimisation_runs WHERE tournament_key = $1 AND spend > budget + 1e-9`,
        },
        { kind: 'sql', name: 'positive bids', query: forRun('gold.recommended_bids', 'x.amount > 0') },
      ],
    },
    {
      id: 'evaluate',
      activity: 'evaluateEntries',
      layer: 'gold',
      queue: 'compute',
      dependsOn: ['optimise'],
      heartbeatTimeout: '1 minute',
      startToCloseTimeout: '30 minutes',
      reads: [byTournament('bronze.simulated_outcomes'), byTournament('bronze.entry_bids'), { table: 'gold.recommended_bids' }],
      writes: [{ table: 'gold.entry_outcomes' }, { table: 'gold.entry_performance' }, { table: 'gold.entry_portfolios' }],
      checks: [
        {
          kind: 'sql',
          name: 'P(first) sums to 1 over entries',
          query: `SELECT count(*) AS failures FROM (SELECT r.id FROM gold.optimisation_runs r JOIN gold.entry_performance p ON p.optimisation_run_id = r.id
                   WHERE r.tournament_key = $1 GROUP BY r.id HAVING abs(sum(p.p_first) - 1) > 1e-9) bad`,
        },
        { kind: 'sql', name: 'ranks within the field', query: forRun('gold.entry_performance', 'x.mean_rank >= 1 AND x.mean_percentile BETWEEN 0 AND 1') },
      ],
    },
    {
      id: 'publish',
      activity: 'publishTournament',
      layer: 'gold',
      dependsOn: ['values', 'market'],
      reads: [byTournament('silver.team_values'), byTournament('silver.market_predictions'), byTournament('silver.game_predictions')],
      writes: [byTournament('gold.tournament_teams'), byTournament('gold.tournaments'), byTournament('gold.matchups')],
      checks: [
        { kind: 'rowCount', table: 'gold.tournament_teams', min: 64, max: 68 },
        sizedByField('gold.tournament_teams', 'one row per team'),
        sizedByField('gold.matchups', 'n × (n − 1) matchups', 'n * (n - 1)'),
        {
          kind: 'sql',
          name: 'champion probabilities sum to 1',
          query: `SELECT CASE WHEN abs(sum(p_advance[6]) - 1) < 1e-9 THEN 0 ELSE 1 END AS failures FROM gold.tournament_teams WHERE tournament_key = $1`,
        },
      ],
    },
  ],
};
