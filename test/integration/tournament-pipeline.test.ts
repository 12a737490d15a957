// The tournament pipeline end to end on the real stack: sample landing files → bronze → silver →
// simulations → optimisation → evaluation → gold; determinism and idempotent re-runs; and bad
// landing files rejected with a report that names file, line, column and reason, leaving no rows.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tournamentPipeline } from '../../domains/tournament/pipeline.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import type { LandingKind } from '../../lib/tournament/landing.ts';
import { runPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let landingDir: string;
const sample = sampleTournament(2026);
const KEY = sample.tournament.key;
const SIMS = 2_000;

function writeFolder(key: string, files: Partial<Record<LandingKind, string>>) {
  const dir = join(landingDir, key);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  landingDir = mkdtempSync(join(tmpdir(), 'refinery-landing-'));
  writeFolder(KEY, sampleLandingFiles(sample));
});
afterAll(async () => {
  await stack?.close();
  if (landingDir) rmSync(landingDir, { recursive: true, force: true });
});

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;
const checksum = async (table: string, where: string, order: string, params: unknown[]) =>
  (await q(`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY ${order})) AS sum FROM ${table} t WHERE ${where}`, params))[0];

describe('tournament pipeline', () => {
  let first: { outcomes: unknown; simulated: unknown; performance: unknown };

  it('runs the sample Calcutta from landing files to rankings and an investment report', async () => {
    const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir, simulations: SIMS });
    expect(summary.steps.filter((s) => s.status !== 'succeeded').map((s) => [s.stepId, s.error])).toEqual([]);

    const [counts] = await q(
      `SELECT (SELECT count(*)::int FROM bronze.teams WHERE tournament_key = $1) AS teams,
              (SELECT count(*)::int FROM bronze.entry_bids WHERE tournament_key = $1) AS bids,
              (SELECT count(*)::int FROM bronze.simulated_outcomes WHERE tournament_key = $1) AS simulated,
              (SELECT count(*)::int FROM silver.game_predictions WHERE tournament_key = $1) AS games,
              (SELECT max(max_abs_z) FROM silver.team_values WHERE tournament_key = $1) AS worst_z`,
      [KEY],
    );
    expect(counts).toMatchObject({ teams: 64, bids: sample.bids.length, simulated: SIMS * 64, games: 64 * 63 });
    expect(counts.worst_z).toBeLessThan(5);
    // The simulate steps made the tournament's own partition of bronze.simulated_outcomes (migrations/0092).
    const parts = await q(`SELECT DISTINCT tableoid::regclass::text AS part FROM bronze.simulated_outcomes WHERE tournament_key = $1`, [KEY]);
    expect(parts.map((p) => p.part)).toEqual([expect.stringMatching(/^bronze\.simulated_outcomes_.+_[0-9a-f]{8}$/)]);

    const [run] = await q(`SELECT * FROM gold.optimisation_runs WHERE tournament_key = $1 AND strategy = 'payout'`, [KEY]);
    expect(run).toMatchObject({ entry: 'refinery', method: 'greedy', simulations: SIMS });
    expect(run.spend).toBeLessThanOrEqual(run.budget);
    expect(run.baselines.ratioToExact).toBeGreaterThanOrEqual(0.99);
    expect(run.objective).toBeGreaterThan(run.baselines.proportional);
    expect(run.objective).toBeGreaterThan(run.baselines.favourite);
    const bids = await q(`SELECT sum(amount) AS spend, count(*)::int AS teams FROM gold.recommended_bids WHERE optimisation_run_id = $1`, [run.id]);
    expect(bids[0].spend).toBeCloseTo(run.spend, 9);
    expect(bids[0].teams).toBeLessThanOrEqual(sample.calcutta.maxTeamsPerEntry!);

    const entries = new Set(sample.bids.map((b) => b.entry)).size + 1;
    const perf = await q(`SELECT entry, ours, p_first, mean_normalised_payout FROM gold.entry_performance WHERE optimisation_run_id = $1`, [run.id]);
    expect(perf).toHaveLength(entries);
    expect(perf.filter((p) => p.ours).map((p) => p.entry)).toEqual(['refinery']);
    expect(perf.reduce((s, p) => s + p.p_first, 0)).toBeCloseTo(1, 9);
    const [outcomes] = await q(`SELECT count(*)::int AS n, count(DISTINCT simulation)::int AS sims FROM gold.entry_outcomes WHERE optimisation_run_id = $1`, [
      run.id,
    ]);
    expect(outcomes).toEqual({ n: SIMS * entries, sims: SIMS });
    const report = await q(`SELECT team_key, bid, ownership, roi FROM gold.investment_report WHERE optimisation_run_id = $1`, [run.id]);
    expect(report.length).toBe(bids[0].teams);
    for (const r of report) expect(r.ownership).toBeGreaterThan(0);

    const [t] = await q(`SELECT teams, entries, simulations, market_method FROM gold.tournaments WHERE tournament_key = $1`, [KEY]);
    expect(t).toMatchObject({ teams: 64, entries: entries - 1, simulations: SIMS });
    expect(t.market_method).toContain('random forest');

    first = {
      simulated: await checksum('bronze.simulated_outcomes', 'tournament_key = $1', 'simulation, team_key', [KEY]),
      outcomes: await checksum('gold.entry_outcomes', 'optimisation_run_id = $1', 'simulation, entry', [run.id]),
      performance: await checksum('gold.entry_performance', 'optimisation_run_id = $1', 'entry', [run.id]),
    };
  });

  it('stores one run per strategy with its parameters; finishing first wins more often and earns less than the payout strategy', async () => {
    const runs = await q(
      `SELECT r.id, r.strategy, r.strategy_params, r.strategy_score, r.method, p.p_first, p.mean_payout, p.spend
         FROM gold.optimisation_runs r JOIN gold.entry_performance p ON p.optimisation_run_id = r.id AND p.ours
        WHERE r.tournament_key = $1 AND r.simulations = $2 ORDER BY r.id`,
      [KEY, SIMS],
    );
    expect(runs.map((r) => [r.strategy, r.method])).toEqual([
      ['payout', 'greedy'],
      ['first', 'search'],
      ['mean-variance', 'search'],
    ]);
    const [payout, first, meanVariance] = runs;
    expect(first.strategy_params).toMatchObject({ kind: 'finish', place: 1, scenarios: 2_000 });
    expect(meanVariance.strategy_params).toMatchObject({ kind: 'mean-variance', risk: 1 });
    // Judged on the pipeline's simulations, which the strategies did not plan with.
    expect(first.p_first).toBeGreaterThan(payout.p_first + 0.03);
    expect(first.mean_payout).toBeLessThan(payout.mean_payout);
    expect(first.spend).toBe(payout.spend);
    // Every entry's portfolio is kept; ours is the investment report.
    const [portfolios] = await q(`SELECT count(DISTINCT entry)::int AS entries FROM gold.entry_portfolios WHERE optimisation_run_id = $1`, [first.id]);
    expect(portfolios.entries).toBe(new Set(sample.bids.map((b) => b.entry)).size + 1);
  });

  it('re-running the tournament leaves exactly the rows of a clean run (same seed, same rows)', async () => {
    const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir, simulations: SIMS });
    expect(summary.status).toBe('succeeded');
    const runs = await q(`SELECT id FROM gold.optimisation_runs WHERE tournament_key = $1 ORDER BY strategy = 'payout' DESC, id`, [KEY]);
    expect(runs).toHaveLength(3);
    expect(await checksum('bronze.simulated_outcomes', 'tournament_key = $1', 'simulation, team_key', [KEY])).toEqual(first.simulated);
    expect(await checksum('gold.entry_outcomes', 'optimisation_run_id = $1', 'simulation, entry', [runs[0].id])).toEqual(first.outcomes);
    expect(await checksum('gold.entry_performance', 'optimisation_run_id = $1', 'entry', [runs[0].id])).toEqual(first.performance);
    const [files] = await q(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'loaded')::int AS loaded FROM bronze.landing_files WHERE tournament_key = $1`,
      [KEY],
    );
    expect(files).toEqual({ n: 7, loaded: 7 });
  });

  it('registers the game and market models with versions, metrics and artifacts in storage', async () => {
    const versions = await q(
      `SELECT m.name, m.task, v.version, v.status, v.artifact_key, v.artifact_size, v.artifact_sha256, r.status AS run, r.partition_key
         FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id JOIN registry.training_runs r ON r.id = v.training_run_id
        ORDER BY m.name, v.version`,
    );
    // One version per model and pipeline run (two runs so far).
    expect(versions.map((v) => [v.name, v.version, v.status, v.run, v.partition_key])).toEqual([
      ['tournament-games', 1, 'candidate', 'succeeded', KEY],
      ['tournament-games', 2, 'candidate', 'succeeded', KEY],
      ['tournament-market', 1, 'candidate', 'succeeded', KEY],
      ['tournament-market', 2, 'candidate', 'succeeded', KEY],
    ]);
    for (const v of versions) expect(await stack.storage.head(v.artifact_key)).toMatchObject({ size: v.artifact_size, sha256: v.artifact_sha256 });
    const metrics = await q(
      `SELECT DISTINCT m.name AS model, x.name FROM registry.metrics x JOIN registry.training_runs r ON r.id = x.training_run_id
         JOIN registry.models m ON m.id = r.model_id WHERE x.name IN ('historical_games', 'historical_seasons') ORDER BY 1, 2`,
    );
    expect(metrics).toEqual([
      { model: 'tournament-games', name: 'historical_games' },
      { model: 'tournament-market', name: 'historical_seasons' },
    ]);
  });

  it('a smaller re-run replaces the simulations instead of leaving stale ones', async () => {
    const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir, simulations: 1_000, seed: 5 });
    expect(summary.status).toBe('succeeded');
    const [n] = await q(`SELECT count(*)::int AS n, max(simulation) AS last FROM bronze.simulated_outcomes WHERE tournament_key = $1`, [KEY]);
    expect(n).toEqual({ n: 1_000 * 64, last: 999 });
    // Different parameters are another optimisation run; the first one's rows are untouched.
    expect(await q(`SELECT simulations, strategy FROM gold.optimisation_runs WHERE tournament_key = $1 ORDER BY id`, [KEY])).toEqual(
      [SIMS, 1_000].flatMap((simulations) => ['payout', 'first', 'mean-variance'].map((strategy) => ({ simulations, strategy }))),
    );
  });
});

describe('bad landing files', () => {
  const good = sampleLandingFiles(sample);
  const tournamentCsv = (key: string) => good['tournament.csv'].replace(KEY, key);
  const teamsLines = good['teams.csv'].trim().split('\n');
  const cases: { name: string; key: string; files: Partial<Record<LandingKind, string>>; expect: RegExp; empty: string }[] = [
    {
      name: 'a missing team',
      key: 'bad-missing-team',
      files: { 'teams.csv': teamsLines.slice(0, -1).join('\n') + '\n' },
      expect: /teams\.csv seed: region Midwest has no 16 seed[\s\S]*teams\.csv: the field has 63 teams; supported fields have 64, or 68/,
      empty: 'bronze.teams',
    },
    {
      name: 'three regions',
      key: 'bad-three-regions',
      files: { 'teams.csv': good['teams.csv'].replaceAll(',Midwest,', ',East,') },
      expect: /teams\.csv:\d+ seed: region East already has a 1 seed \("[a-z-]+"\)[\s\S]*has 3 regions/,
      empty: 'bronze.teams',
    },
    {
      name: 'a negative bid',
      key: 'bad-negative-bid',
      files: { 'bids.csv': good['bids.csv'].replace(/\n([a-z]+),([a-z0-9.-]+),(\d+)\n/, '\n$1,$2,-5\n') },
      expect: /bids\.csv:\d+ amount: "-5" must not be negative/,
      empty: 'bronze.entry_bids',
    },
    {
      // Not a parser rule: the COPY writer refuses the byte PostgreSQL cannot store, and the loader
      // turns that into a located rejection of this file alone.
      name: 'a NUL byte in a team name',
      key: 'bad-nul-byte',
      files: { 'teams.csv': good['teams.csv'].replace(`,${sample.teams[3].name},`, `,${sample.teams[3].name}\u0000,`) },
      expect: /teams\.csv:5 name: text contains a NUL character/,
      empty: 'bronze.teams',
    },
    {
      name: 'payout shares not summing to 1',
      key: 'bad-shares',
      files: { 'payouts.csv': good['payouts.csv'].replace('6,0.12', '6,0.2') },
      expect: /payouts\.csv share: shares pay out 1\.08 of the pool/,
      empty: 'bronze.payouts',
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with the file, line, column and reason, and loads none of its rows`, async () => {
      writeFolder(c.key, { ...good, 'tournament.csv': tournamentCsv(c.key), ...c.files });
      const summary = await runPipeline(stack, tournamentPipeline, c.key, { landingDir, simulations: 500 });
      expect(summary.status).toBe('failed');
      const load = summary.steps.find((s) => s.stepId === 'load')!;
      expect(load.status).toBe('failed');
      expect(load.error).toMatch(c.expect);
      expect(summary.steps.filter((s) => s.stepId !== 'load').every((s) => s.status === 'skipped')).toBe(true);
      const [rows] = await q(`SELECT count(*)::int AS n FROM ${c.empty} WHERE tournament_key = $1`, [c.key]);
      expect(rows.n).toBe(0);
      const rejected = await q(`SELECT file_name, problems FROM bronze.landing_files WHERE tournament_key = $1 AND status = 'rejected'`, [c.key]);
      expect(rejected.length).toBeGreaterThan(0);
      for (const r of rejected) expect(r.problems.length).toBeGreaterThan(0);
    });
  }
});
