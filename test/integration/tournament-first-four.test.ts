// A 68-team field end to end: landing files with four First Four pairs → simulations that play the
// First Four first (byes recorded) → values checked against the exact program → gold; real team
// names intact in gold; and a 67-team field refused at the line that is wrong, loading nothing.
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
const sample = sampleTournament(2025, { firstFour: true });
const KEY = sample.tournament.key;
const SIMS = 2_000;
const files = sampleLandingFiles(sample);

function writeFolder(key: string, content: Partial<Record<LandingKind, string>>) {
  const dir = join(landingDir, key);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(content)) writeFileSync(join(dir, name), text);
}

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  landingDir = mkdtempSync(join(tmpdir(), 'refinery-landing-'));
  writeFolder(KEY, files);
});
afterAll(async () => {
  await stack?.close();
  if (landingDir) rmSync(landingDir, { recursive: true, force: true });
});

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;

describe('a 68-team tournament', () => {
  it('runs from landing files to rankings, playing the First Four first and recording byes', async () => {
    const summary = await runPipeline(stack, tournamentPipeline, KEY, { landingDir, simulations: SIMS });
    expect(summary.steps.filter((s) => s.status !== 'succeeded').map((s) => [s.stepId, s.error])).toEqual([]);

    const [bronze] = await q(
      `SELECT (SELECT count(*)::int FROM bronze.teams WHERE tournament_key = $1) AS teams,
              (SELECT count(*)::int FROM bronze.teams WHERE tournament_key = $1 AND play_in) AS play_in,
              (SELECT count(*)::int FROM bronze.simulated_outcomes WHERE tournament_key = $1) AS rows,
              (SELECT count(*)::int FROM bronze.simulated_outcomes WHERE tournament_key = $1 AND eliminated_round = 0) AS first_four_losers,
              (SELECT sum(byes)::int FROM bronze.simulated_outcomes WHERE tournament_key = $1) AS byes,
              (SELECT count(*)::int FROM silver.game_predictions WHERE tournament_key = $1) AS games`,
      [KEY],
    );
    expect(bronze).toEqual({ teams: 68, play_in: 8, rows: SIMS * 68, first_four_losers: 4 * SIMS, byes: 60 * SIMS, games: 68 * 67 });
    // Every simulation: 67 games, one champion, every First Four loser a play-in team with no wins and no bye.
    const [games] = await q(
      `SELECT min(w)::int AS min, max(w)::int AS max, sum(c)::int AS champions FROM (
         SELECT simulation, sum(wins) AS w, count(*) FILTER (WHERE eliminated_round = 7) AS c FROM bronze.simulated_outcomes WHERE tournament_key = $1 GROUP BY 1) s`,
      [KEY],
    );
    expect(games).toEqual({ min: 67, max: 67, champions: SIMS });
    const [losers] = await q(
      `SELECT count(*)::int AS n FROM bronze.simulated_outcomes o JOIN bronze.teams t USING (tournament_key, team_key)
        WHERE o.tournament_key = $1 AND o.eliminated_round = 0 AND (NOT t.play_in OR o.wins <> 0 OR o.byes <> 0)`,
      [KEY],
    );
    expect(losers.n).toBe(0);

    const values = await q(`SELECT max(max_abs_z) AS z, min(cardinality(exact_wins))::int AS width FROM silver.team_values WHERE tournament_key = $1`, [KEY]);
    expect(values[0].width).toBe(8);
    expect(values[0].z).toBeLessThan(5);

    // A play-in team reaches the round of 64 exactly when it wins its First Four game.
    const pairs = await q(
      `SELECT tt.team_key, tt.p_round_of_64, g.p_a_wins FROM gold.tournament_teams tt
         JOIN bronze.teams a ON a.tournament_key = tt.tournament_key AND a.team_key = tt.team_key
         JOIN bronze.teams b ON b.tournament_key = a.tournament_key AND b.region = a.region AND b.seed = a.seed AND b.team_key <> a.team_key
         JOIN silver.game_predictions g ON g.tournament_key = a.tournament_key AND g.team_a = a.team_key AND g.team_b = b.team_key
        WHERE tt.tournament_key = $1 AND tt.play_in`,
      [KEY],
    );
    expect(pairs).toHaveLength(8);
    for (const r of pairs) expect(r.p_round_of_64).toBeCloseTo(r.p_a_wins, 12);
    const [sums] = await q(
      `SELECT sum(p_advance[6]) AS champion, sum(p_round_of_64) AS in_64, count(*) FILTER (WHERE p_round_of_64 = 1)::int AS straight_in
         FROM gold.tournament_teams WHERE tournament_key = $1`,
      [KEY],
    );
    expect(sums.champion).toBeCloseTo(1, 9);
    expect(sums.in_64).toBeCloseTo(64, 9);
    expect(sums.straight_in).toBe(60);

    const names = await q(`SELECT name FROM gold.tournament_teams WHERE tournament_key = $1 ORDER BY name`, [KEY]);
    expect(names.map((r) => r.name)).toEqual(sample.teams.map((t) => t.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(names.map((r) => r.name)).toEqual(
      expect.arrayContaining(['Maryland, Baltimore County', "Mount St. Mary's", 'Texas A&M–Corpus Christi', 'San José State']),
    );

    const perf = await q(
      `SELECT sum(p.p_first) AS p_first, count(*)::int AS entries FROM gold.entry_performance p JOIN gold.optimisation_runs r ON r.id = p.optimisation_run_id
        WHERE r.tournament_key = $1 GROUP BY r.id`,
      [KEY],
    );
    for (const p of perf) expect(p.p_first).toBeCloseTo(1, 9);
  });

  it('refuses a 67-team field with the line of the team left without its First Four partner, loading none of it', async () => {
    const key = 'ncaa-67-teams';
    const lines = files['teams.csv'].trimEnd().split('\n');
    const dropped = lines.findIndex((l) => l.endsWith(',true'));
    const partner = lines[dropped + 1].split(',')[0];
    writeFolder(key, {
      ...files,
      'tournament.csv': files['tournament.csv'].replace(KEY, key),
      'teams.csv': lines.filter((_, i) => i !== dropped).join('\n') + '\n',
    });
    const summary = await runPipeline(stack, tournamentPipeline, key, { landingDir, simulations: 500 });
    const load = summary.steps.find((s) => s.stepId === 'load')!;
    expect(load.status).toBe('failed');
    // The partner moved up a line when its pair's first team was dropped.
    expect(load.error).toContain(`teams.csv:${dropped + 1} play_in: "${partner}" is marked as a First Four team but is region`);
    expect(load.error).toContain('teams.csv: the field has 67 teams; supported fields have 64, or 68 with 4 First Four pairs');
    const [rows] = await q(`SELECT count(*)::int AS n FROM bronze.teams WHERE tournament_key = $1`, [key]);
    expect(rows.n).toBe(0);
  });
});
