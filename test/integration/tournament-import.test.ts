// `refinery tournament import` over Parquet files written by pyarrow (zstd, several row groups): seed
// 003's simulated tournaments into bronze and a report into gold as an imported optimisation run;
// bad files rejected whole with their rows and columns named, leaving bronze and gold as they were.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { importTournamentFiles, ImportRejected } from '../../domains/tournament/import.ts';
import { tournamentPipeline } from '../../domains/tournament/pipeline.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { fieldBracket } from '../../lib/tournament/bracket.ts';
import { DEFAULT_GAME_MODEL, probabilityMatrix } from '../../lib/tournament/game-model.ts';
import { formatProblems } from '../../lib/tournament/landing.ts';
import { outcomeBatches } from '../../lib/tournament/outcome-rows.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';
import { writeParquet, type ParquetType } from '../support/parquet.ts';
import { runPipeline } from '../support/pipelines.ts';
import { stackEnv } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/refinery', import.meta.url));
let stack: TestStack;
let dir: string;
const sample = sampleTournament(2025, { firstFour: true });
const KEY = sample.tournament.key;
const SIMS = 300;

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;
const bronzeSimulations = async () =>
  (
    await q(
      `SELECT count(*)::int AS n, md5(string_agg(concat_ws(',', simulation, team_key, wins, byes, eliminated_round), '|' ORDER BY simulation, team_key)) AS sum
         FROM bronze.simulated_outcomes WHERE tournament_key = $1`,
      [KEY],
    )
  )[0];

/** Seed 003's simulation columns for SIMS brackets of the sample field, from our simulator. */
function simulationColumns(seed: number) {
  const bracket = fieldBracket(sample.teams);
  const p = probabilityMatrix(
    DEFAULT_GAME_MODEL,
    sample.teams.map((t) => t.rating),
  );
  const data: Record<string, unknown[]> = { sim_id: [], team_key: [], wins: [], byes: [], eliminated: [] };
  for (const rows of outcomeBatches({ tournament: KEY, bracket, p, keys: sample.teams.map((t) => t.key), seed, from: 0, to: SIMS })) {
    for (const [, sim, team, wins, byes, round] of rows as [string, number, string, number, number, number][]) {
      data.sim_id.push(sim);
      data.team_key.push(team);
      data.wins.push(wins);
      data.byes.push(byes);
      data.eliminated.push(round !== 7);
    }
  }
  return data;
}
const SIM_COLUMNS: [string, ParquetType][] = [
  ['sim_id', 'int64'],
  ['team_key', 'string'],
  ['wins', 'int32'],
  ['byes', 'int32'],
  ['eliminated', 'bool'],
];
const file = (name: string) => ({ name, bytes: readFileSync(join(dir, name)) });

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  dir = mkdtempSync(join(tmpdir(), 'refinery-import-'));
  mkdirSync(join(dir, 'landing', KEY), { recursive: true });
  for (const [name, text] of Object.entries(sampleLandingFiles(sample))) writeFileSync(join(dir, 'landing', KEY, name), text);
  const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir: join(dir, 'landing'), simulations: 500, scenarios: 200 });
  expect(summary.status).toBe('succeeded');
}, 300_000);
afterAll(async () => {
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('importing simulations', () => {
  let imported: { n: number; sum: string };

  it('loads seed 003 simulations from a zstd Parquet file of several row groups into bronze, byes and all', async () => {
    const data = simulationColumns(42);
    writeParquet(join(dir, 'simulations.parquet'), SIM_COLUMNS, data, { compression: 'zstd', rowGroupSize: 5_000 });
    const summary = await importTournamentFiles(stack.pools.worker, KEY, [file('simulations.parquet')], { entry: 'refinery' });
    expect(summary).toEqual({ files: [{ name: 'simulations.parquet', kind: 'simulations', rows: SIMS * 68 }], simulations: SIMS, optimisationRunId: null });
    imported = await bronzeSimulations();
    expect(imported.n).toBe(SIMS * 68);
    const [check] = await q(
      `SELECT count(*) FILTER (WHERE eliminated_round = 0)::int AS first_four, sum(byes)::int AS byes FROM bronze.simulated_outcomes WHERE tournament_key = $1`,
      [KEY],
    );
    expect(check).toEqual({ first_four: 4 * SIMS, byes: 60 * SIMS });
    // The same rows the simulate step would write for that seed.
    const expected = simulationColumns(42);
    const [row] = await q(`SELECT wins, byes FROM bronze.simulated_outcomes WHERE tournament_key = $1 AND simulation = 7 AND team_key = $2`, [
      KEY,
      expected.team_key[7 * 68 + 3],
    ]);
    expect(row).toEqual({ wins: expected.wins[7 * 68 + 3], byes: expected.byes[7 * 68 + 3] });
    const [landing] = await q(`SELECT status, rows, kind FROM bronze.landing_files WHERE tournament_key = $1 AND file_name = 'simulations.parquet'`, [KEY]);
    expect(landing).toEqual({ status: 'loaded', rows: SIMS * 68, kind: 'simulations' });
  });

  it('rejects a file with bad rows whole, naming each row and column, and leaves bronze as it was', async () => {
    const data = simulationColumns(43);
    const byesRow = data.byes.findIndex((b) => b === 1);
    data.byes[byesRow] = 0;
    data.wins[10] = 9;
    data.team_key[20] = 'nobody';
    data.wins[30] = null;
    writeParquet(join(dir, 'simulated_tournaments.parquet'), SIM_COLUMNS, data);
    const error = await importTournamentFiles(stack.pools.worker, KEY, [file('simulated_tournaments.parquet')], { entry: 'refinery' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRejected);
    const text = formatProblems((error as ImportRejected).problems);
    // Values first (a missing value), then the rows against the field.
    expect(text).toBe('simulated_tournaments.parquet:31 wins: is empty');
    data.wins[30] = 0;
    writeParquet(join(dir, 'simulated_tournaments.parquet'), SIM_COLUMNS, data);
    const again = (await importTournamentFiles(stack.pools.worker, KEY, [file('simulated_tournaments.parquet')], { entry: 'refinery' }).catch(
      (e: unknown) => e,
    )) as ImportRejected;
    const lines = formatProblems(again.problems).split('\n');
    expect(lines).toContain(`simulated_tournaments.parquet:${byesRow + 1} byes: 0: "${data.team_key[byesRow]}" skips the First Four, so byes is 1`);
    expect(lines).toContain('simulated_tournaments.parquet:11 wins: 9 is more than a team can win (6)');
    expect(lines).toContain(`simulated_tournaments.parquet:21 team_key: "nobody" is not a team of ${KEY}`);
    expect(await bronzeSimulations()).toEqual(imported);
    const [landing] = await q(`SELECT status, problems FROM bronze.landing_files WHERE tournament_key = $1 AND file_name = 'simulated_tournaments.parquet'`, [
      KEY,
    ]);
    expect(landing.status).toBe('rejected');
    expect(landing.problems.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a missing column, a column of the wrong type and an unknown column before reading any row', async () => {
    const data = simulationColumns(44);
    writeParquet(
      join(dir, 'simulations.parquet'),
      [
        ['sim_id', 'int64'],
        ['team_key', 'string'],
        ['wins', 'float64'],
        ['eliminated', 'int32'],
        ['colour', 'string'],
      ],
      { ...data, wins: data.wins.map(Number), eliminated: data.eliminated.map((e) => (e ? 1 : 0)), colour: data.team_key },
    );
    const error = (await importTournamentFiles(stack.pools.worker, KEY, [file('simulations.parquet')], { entry: 'refinery' }).catch(
      (e: unknown) => e,
    )) as ImportRejected;
    expect(formatProblems(error.problems).split('\n')).toEqual([
      'simulations.parquet wins: has Parquet type DOUBLE; expected int (INT32 or INT64)',
      'simulations.parquet eliminated: has Parquet type INT32; expected bool (BOOLEAN)',
      'simulations.parquet colour: is not a column of simulations.parquet (expected sim_id, team_key, wins, byes, eliminated)',
      'simulations.parquet byes: column is missing',
    ]);
    expect(await bronzeSimulations()).toEqual(imported);
  });
});

describe('importing a report', () => {
  const entries = [...new Set(sample.bids.map((b) => b.entry))];
  const ours = [sample.teams[0].key, sample.teams[5].key, sample.teams[20].key];
  function write(pTop1: number[] = [...entries.map(() => 0.9 / entries.length), 0.1], entryKeys = [...entries, 'refinery']) {
    writeParquet(
      join(dir, 'recommended_entry_bids.parquet'),
      [
        ['team_key', 'string'],
        ['bid_amount', 'float64'],
      ],
      { team_key: ours, bid_amount: [50, 30, 20] },
    );
    writeParquet(
      join(dir, 'entry_performance.parquet'),
      [
        ['entry_key', 'string'],
        ['mean_normalized_payout', 'float64'],
        ['mean_payout', 'float64'],
        ['p_top1', 'float64'],
        ['percentile_rank', 'float64'],
      ],
      {
        entry_key: entryKeys,
        mean_normalized_payout: entryKeys.map((_, i) => 0.5 + i / 40),
        mean_payout: entryKeys.map((_, i) => 50 + i),
        p_top1: pTop1,
        percentile_rank: entryKeys.map((_, i) => i / (entryKeys.length - 1)),
      },
    );
  }

  it('loads recommended bids and entry performance as an imported optimisation run the API ranks', async () => {
    write();
    const summary = await importTournamentFiles(stack.pools.worker, KEY, [file('recommended_entry_bids.parquet'), file('entry_performance.parquet')], {
      entry: 'refinery',
    });
    const id = summary.optimisationRunId!;
    const [runRow] = await q(`SELECT strategy, method, spend, entry FROM gold.optimisation_runs WHERE id = $1`, [id]);
    expect(runRow).toEqual({ strategy: 'imported', method: 'import', spend: 100, entry: 'refinery' });
    const app = createApp({
      readPool: stack.pools.api,
      ingestPool: stack.pools.ingest,
      log: createLogger('silent', 'test'),
      ready: { postgres: async () => {}, temporal: async () => {} },
    });
    const reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
    const rankings: any = await (
      await app.request(`/v1/optimisation-runs/${id}/rankings?limit=200`, { headers: { authorization: `Bearer ${reader}` } })
    ).json();
    expect(rankings.items).toHaveLength(entries.length + 1);
    expect(rankings.items[0]).toMatchObject({ rank: 1, entry: 'refinery', ours: true, pFirst: 0.1 });
    // Importing the same files again replaces the run rather than adding one.
    const again = await importTournamentFiles(stack.pools.worker, KEY, [file('recommended_entry_bids.parquet'), file('entry_performance.parquet')], {
      entry: 'refinery',
    });
    expect(again.optimisationRunId).toBe(id);
  });

  it('rejects a report whose P(first) does not add up or that names an unknown entry, and half a report, writing nothing', async () => {
    const runs = (await q(`SELECT count(*)::int AS n FROM gold.optimisation_runs`))[0].n;
    write([...entries.map(() => 0.8 / entries.length), 0.1], [...entries.slice(0, -1), 'stranger', 'refinery']);
    const error = (await importTournamentFiles(stack.pools.worker, KEY, [file('recommended_entry_bids.parquet'), file('entry_performance.parquet')], {
      entry: 'refinery',
    }).catch((e: unknown) => e)) as ImportRejected;
    expect(formatProblems(error.problems).split('\n')).toEqual([
      `entry_performance.parquet:${entries.length} entry_key: "stranger" is neither refinery nor an entry in bids.csv`,
      'entry_performance.parquet p_top1: adds up to 0.9; one entry finishes first, so it must add up to 1',
    ]);
    const half = (await importTournamentFiles(stack.pools.worker, KEY, [file('recommended_entry_bids.parquet')], { entry: 'refinery' }).catch(
      (e: unknown) => e,
    )) as ImportRejected;
    expect(formatProblems(half.problems)).toBe('recommended_entry_bids.parquet: is half of a report: import it with entry_performance.parquet');
    expect((await q(`SELECT count(*)::int AS n FROM gold.optimisation_runs`))[0].n).toBe(runs);
  });
});

describe('refinery tournament import', () => {
  it('prints what it loaded, and exits 1 with every located problem when a file is bad', async () => {
    writeParquet(join(dir, 'simulations.parquet'), SIM_COLUMNS, simulationColumns(45));
    const env = { ...stackEnv(stack), LOG_LEVEL: 'silent' };
    const { stdout } = await run(process.execPath, [bin, 'tournament', 'import', KEY, join(dir, 'simulations.parquet')], { env });
    expect(stdout).toContain(`loaded simulations.parquet (simulations): ${(SIMS * 68).toLocaleString('en-US')} rows`);
    expect(stdout).toContain(`${KEY}: ${SIMS} simulations in bronze`);
    writeFileSync(join(dir, 'bids.parquet'), 'not parquet');
    const failed = await run(process.execPath, [bin, 'tournament', 'import', KEY, join(dir, 'bids.parquet'), join(dir, 'simulations.parquet')], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain('nothing was loaded; fix these and import again:');
    expect((failed as { stderr: string }).stderr).toContain('bids.parquet: is not an import file (expected simulations.parquet, simulated_tournaments.parquet');
  });
});
