// Bad landing files at volume: the sample tournament's files, one of them mutated at random (bytes
// spliced in, a field replaced, a line dropped or duplicated), loaded by the real bronze step on
// the real stack. Every load either succeeds or fails with located problems, a rejected file leaves
// none of its rows in bronze, and an accepted file lands every record it holds. Where the file
// format alone decides (a duplicated key, a dropped required row, a word in a number column), an
// oracle written from the format says whether the load must fail, without asking the loader.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
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
const tally = { loads: 0, accepted: 0, rejected: 0, rowsFromRejectedFiles: 0, mustReject: 0, mustAccept: 0, undecided: 0 };

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

// From the landing format: columns holding numbers (or true/false), files whose rows are keyed (a
// repeated row is a duplicate key), files that must hold exactly one row or a complete set.
const NUMBER_COLUMNS = new Set(['year', 'seed', 'rating', 'budget_per_entry', 'min_bid', 'max_teams_per_entry', 'wins', 'share', 'amount', 'season']);
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const UNKEYED: LandingKind[] = ['historical_games.csv'];
const COMPLETE: LandingKind[] = ['tournament.csv', 'calcutta.csv', 'teams.csv', 'payouts.csv'];

/** Whether the load must fail or succeed, decided from the mutation and the format alone; undefined when the text decides. */
function mustBe(file: LandingKind, m: { kind: string; text: string; at: number }, before: string, after: string): 'rejected' | 'accepted' | undefined {
  if (after === before) return 'accepted';
  if (m.kind === 'duplicate-line') return UNKEYED.includes(file) ? 'accepted' : 'rejected';
  if (m.kind === 'drop-line') return COMPLETE.includes(file) ? 'rejected' : 'accepted';
  if (m.kind === 'field') {
    const lines = before.trim().split('\n');
    const header = lines[0]!.split(',');
    const column = header[m.at % header.length]!;
    const value = m.text.trim();
    if (/[,"\n\r]/.test(m.text)) return 'rejected'; // the row no longer has the header's shape
    if (value === '' && column !== 'max_teams_per_entry') return 'rejected';
    if (NUMBER_COLUMNS.has(column) && value !== '' && !NUMBER.test(value)) return 'rejected';
  }
  return undefined;
}

/** Records in a CSV text, header excluded, counted by a plain CSV parse. */
function records(content: string): number {
  return (parse(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as unknown[]).length - 1;
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
        const before = files[m.file];
        files[m.file] = mutate(before, m);
        const expected = mustBe(m.file, m, before, files[m.file]);
        if (expected === 'rejected') tally.mustReject++;
        else if (expected === 'accepted') tally.mustAccept++;
        else tally.undecided++;
        for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
        const summary = await runPipeline(stack, loadOnly, key, { landingDir });
        tally.loads++;
        const status = await stack.pools.owner.query(`SELECT file_name, status, rows, problems FROM bronze.landing_files WHERE tournament_key = $1`, [key]);
        const rejected = status.rows.filter((r) => r.status === 'rejected');
        if (expected) expect(summary.status === 'succeeded' ? 'accepted' : 'rejected', `${m.kind} in ${m.file}: ${JSON.stringify(m)}`).toBe(expected);
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
        // A loaded file lands every record it holds, counted from the file, not from the loader.
        for (const r of status.rows.filter((x) => x.status === 'loaded')) {
          const file = r.file_name as LandingKind;
          const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM ${TABLES[file]} WHERE tournament_key = $1`, [key]);
          expect(rows[0].n, file).toBe(records(files[file]));
        }
      }),
      { numRuns: long ? 150 : 12 },
    );
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.mustReject + tally.mustAccept).toBeGreaterThan(0);
    recordFigure('landing-fuzz', {
      scenario:
        'Bad landing files: one of the sample tournament\u2019s CSVs mutated at random (bytes spliced, a field replaced, a line dropped or duplicated), loaded by the real bronze step',
      command: 'npm run test:chaos -- landing-fuzz',
      loadsTried: tally.loads,
      accepted: tally.accepted,
      rejectedWithReport: tally.rejected,
      rowsFromRejectedFiles: tally.rowsFromRejectedFiles,
      loadsThatMustFailByFormatAndDid: tally.mustReject,
      loadsThatMustSucceedByFormatAndDid: tally.mustAccept,
      loadsLeftToTheLoader: tally.undecided,
    });
  });
});
