// Bad landing files at volume: the sample tournament's files, one of them mutated at random (bytes
// spliced in, a field replaced, a line dropped or duplicated), loaded by the real bronze step on
// the real stack. Every load either succeeds or fails with located problems, and a rejected file
// leaves none of its rows in bronze.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LandingKind } from '../../lib/tournament/landing.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';
import { tournamentPipeline } from '../../domains/tournament/pipeline.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const { long } = chaosScale();
let stack: TestStack;
let landingDir: string;
const sample = sampleTournament(2026);
const good = sampleLandingFiles(sample);
const TABLES: Record<LandingKind, string> = {
  'tournament.csv': 'bronze.tournaments',
  'teams.csv': 'bronze.teams',
  'calcutta.csv': 'bronze.calcuttas',
  'payouts.csv': 'bronze.payouts',
  'bids.csv': 'bronze.entry_bids',
  'historical_games.csv': 'bronze.historical_games',
  'historical_auctions.csv': 'bronze.historical_auctions',
};
const loadOnly = testPipeline('landing-fuzz', [tournamentPipeline.steps.find((s) => s.id === 'load')!], { kind: 'keys' });
const tally = { loads: 0, accepted: 0, rejected: 0, rowsFromRejectedFiles: 0 };

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers(['io']);
  landingDir = mkdtempSync(join(tmpdir(), 'refinery-landing-fuzz-'));
});
afterAll(async () => {
  await stack?.close();
  if (landingDir) rmSync(landingDir, { recursive: true, force: true });
});

const mutation = fc.record({
  file: fc.constantFrom(...(Object.keys(good) as LandingKind[])),
  kind: fc.constantFrom('splice', 'field', 'drop-line', 'duplicate-line'),
  text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('-1', '', 'NaN', '1e309', '"', ',,', '\n', '17', 'East', 'x'.repeat(300))),
  at: fc.nat(),
});

function mutate(content: string, m: { kind: string; text: string; at: number }): string {
  const lines = content.trim().split('\n');
  const line = 1 + (m.at % Math.max(1, lines.length - 1));
  if (m.kind === 'splice') {
    const i = m.at % (content.length + 1);
    return content.slice(0, i) + m.text + content.slice(i);
  }
  if (m.kind === 'field') {
    const fields = lines[line]!.split(',');
    fields[m.at % fields.length] = m.text;
    lines[line] = fields.join(',');
  } else if (m.kind === 'drop-line') lines.splice(line, 1);
  else lines.splice(line, 0, lines[line]!);
  return lines.join('\n') + '\n';
}

describe('landing file fuzzing', () => {
  it('loads or rejects every mutated folder, and a rejected file leaves no rows', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const key = `fuzz-${n++}`;
        const dir = join(landingDir, key);
        mkdirSync(dir, { recursive: true });
        const files = { ...good, 'tournament.csv': good['tournament.csv'].replace(sample.tournament.key, key) };
        files[m.file] = mutate(files[m.file], m);
        for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
        const summary = await runPipeline(stack, loadOnly, key, { landingDir });
        tally.loads++;
        const status = await stack.pools.owner.query(`SELECT file_name, status, rows, problems FROM bronze.landing_files WHERE tournament_key = $1`, [key]);
        const rejected = status.rows.filter((r) => r.status === 'rejected');
        if (summary.status === 'succeeded') {
          tally.accepted++;
          expect(rejected).toEqual([]);
        } else {
          tally.rejected++;
          const error = summary.steps[0]!.error ?? '';
          expect(rejected.length).toBeGreaterThan(0);
          for (const r of rejected) {
            expect(error).toContain(r.file_name);
            expect(r.problems.length).toBeGreaterThan(0);
            const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM ${TABLES[r.file_name as LandingKind]} WHERE tournament_key = $1`, [
              key,
            ]);
            tally.rowsFromRejectedFiles += rows[0].n;
            expect(rows[0].n).toBe(0);
          }
        }
        for (const r of status.rows.filter((x) => x.status === 'loaded')) {
          const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM ${TABLES[r.file_name as LandingKind]} WHERE tournament_key = $1`, [
            key,
          ]);
          expect(rows[0].n).toBe(r.rows);
        }
      }),
      { numRuns: long ? 150 : 12 },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    recordFigure('landing-fuzz', {
      scenario:
        'Bad landing files: one of the sample tournament\u2019s CSVs mutated at random (bytes spliced, a field replaced, a line dropped or duplicated), loaded by the real bronze step',
      command: 'npm run test:chaos -- landing-fuzz',
      loadsTried: tally.loads,
      accepted: tally.accepted,
      rejectedWithReport: tally.rejected,
      rowsFromRejectedFiles: tally.rowsFromRejectedFiles,
    });
  });
});
