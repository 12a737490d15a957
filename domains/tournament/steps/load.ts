// Bronze step of the tournament pipeline (io queue): the landing folder <landingDir>/<tournament>/
// read, every file parsed and checked (lib/tournament/landing.ts), and each good file COPY-loaded
// in place of the rows it loaded before. A file with any bad row is rejected whole: none of its
// rows are written, and the step fails with the report (file, line, column, reason). Every file
// seen is recorded in bronze.landing_files with its checksum, status and problems.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { CopyFormatError } from '../../../lib/db/copy-format.ts';
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { withTransaction, type PoolClient } from '../../../lib/db/pool.ts';
import {
  checkTournamentFiles,
  formatProblems,
  isLandingKind,
  LANDING_FILES,
  parseLandingFile,
  type LandingKind,
  type ParsedFile,
  type Problem,
} from '../../../lib/tournament/landing.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';

type Row = Record<string, unknown> & { line: number };

/** Where each file's rows go and how a parsed row becomes a table row. */
const TARGETS: Record<LandingKind, { table: string; columns: string[]; row: (t: string, file: string, r: Row) => unknown[] }> = {
  'tournament.csv': { table: 'bronze.tournaments', columns: ['tournament_key', 'name', 'year', 'source_file'], row: (t, f, r) => [t, r.name, r.year, f] },
  'teams.csv': {
    table: 'bronze.teams',
    columns: ['tournament_key', 'team_key', 'name', 'region', 'seed', 'rating', 'play_in', 'source_file', 'line'],
    row: (t, f, r) => [t, r.team_key, r.name, r.region, r.seed, r.rating, r.play_in, f, r.line],
  },
  'calcutta.csv': {
    table: 'bronze.calcuttas',
    columns: ['tournament_key', 'calcutta_key', 'name', 'budget_per_entry', 'min_bid', 'max_teams_per_entry', 'source_file'],
    row: (t, f, r) => [t, r.calcutta_key, r.name, r.budget_per_entry, r.min_bid, r.max_teams_per_entry, f],
  },
  'payouts.csv': { table: 'bronze.payouts', columns: ['tournament_key', 'wins', 'share', 'source_file'], row: (t, f, r) => [t, r.wins, r.share, f] },
  'bids.csv': {
    table: 'bronze.entry_bids',
    columns: ['tournament_key', 'entry', 'team_key', 'amount', 'source_file', 'line'],
    row: (t, f, r) => [t, r.entry, r.team_key, r.amount, f, r.line],
  },
  'historical_games.csv': {
    table: 'bronze.historical_games',
    columns: ['tournament_key', 'season', 'rating_a', 'rating_b', 'a_won', 'source_file', 'line'],
    row: (t, f, r) => [t, r.season, r.rating_a, r.rating_b, r.a_won, f, r.line],
  },
  'historical_auctions.csv': {
    table: 'bronze.historical_auctions',
    columns: ['tournament_key', 'season', 'team_key', 'region', 'seed', 'rating', 'amount', 'play_in', 'source_file', 'line'],
    row: (t, f, r) => [t, r.season, r.team_key, r.region, r.seed, r.rating, r.amount, r.play_in, f, r.line],
  },
};

export const loadTournamentFiles: StepFactory =
  ({ pools, landingDir, log }) =>
  async (input) => {
    const tournament = input.partition;
    const dir = join(String(input.params.landingDir ?? landingDir), tournament);
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.csv')).sort();
    } catch {
      throw ApplicationFailure.nonRetryable(
        `no landing folder ${dir}: drop the tournament's CSV files there (see README, "Tournament landing files")`,
        'LandingFolderMissing',
      );
    }
    const parsed: Partial<Record<LandingKind, ParsedFile>> = {};
    const contents = new Map<string, string>();
    const unknown: Problem[] = [];
    for (const name of names) {
      const content = await readFile(join(dir, name), 'utf8');
      contents.set(name, content);
      if (isLandingKind(name)) parsed[name] = parseLandingFile(name, content);
      else unknown.push({ file: name, line: null, column: null, reason: `is not a landing file (expected ${Object.keys(LANDING_FILES).join(', ')})` });
    }
    checkTournamentFiles(tournament, parsed as never);
    const missing: Problem[] = (Object.keys(LANDING_FILES) as LandingKind[])
      .filter((k) => LANDING_FILES[k].required && !parsed[k])
      .map((k) => ({ file: k, line: null, column: null, reason: `is missing from ${dir}` }));
    const good = Object.values(parsed).filter((p) => !p.problems.length);
    const rejected = [...Object.values(parsed).filter((p) => p.problems.length)];
    const sha = (name: string) =>
      createHash('sha256')
        .update(contents.get(name) ?? '')
        .digest('hex');

    const loaded: ParsedFile[] = [];
    await withTransaction(pools.worker, async (client) => {
      for (const file of good) {
        const target = TARGETS[file.file];
        // A rule the parser missed but a table constraint catches rejects this file alone, saying so.
        await client.query('SAVEPOINT landing_file');
        try {
          const { inserted } = await replacePartitionIn(
            client,
            { table: target.table, columns: target.columns },
            { tournament_key: tournament },
            file.rows.map((r) => target.row(tournament, file.file, r as Row)),
          );
          await client.query('RELEASE SAVEPOINT landing_file');
          loaded.push(file);
          await recordFile(client, tournament, file.file, sha(file.file), 'loaded', inserted, []);
        } catch (e) {
          const err = e as Error & { code?: string; detail?: string };
          // The file's fault: text the COPY writer cannot encode, a data error (SQLSTATE class 22) or a
          // constraint violation (class 23). Anything else (a lost connection) is retried as usual.
          if (!(e instanceof CopyFormatError) && !(err.code && /^2[23]/.test(err.code))) throw e;
          await client.query('ROLLBACK TO SAVEPOINT landing_file');
          const at = e instanceof CopyFormatError ? unstorableText(file) : undefined;
          const reason =
            e instanceof CopyFormatError
              ? err.message.replace(/^column \S+: /, '')
              : `refused by the database: ${err.message}${err.detail ? ` (${err.detail})` : ''}`;
          file.problems.push({ file: file.file, line: at?.line ?? null, column: at?.column ?? null, reason });
          rejected.push(file);
        }
      }
      for (const file of rejected) await recordFile(client, tournament, file.file, sha(file.file), 'rejected', 0, file.problems);
      for (const p of unknown) await recordFile(client, tournament, p.file, sha(p.file), 'rejected', 0, [p]);
    });
    const recorded = loaded.length + rejected.length + unknown.length;

    const problems = [...missing, ...unknown, ...rejected.flatMap((f) => f.problems)];
    for (const f of loaded) log.info({ file: f.file, rows: f.rows.length }, `loaded ${f.file}: ${f.rows.length} rows`);
    for (const p of problems.slice(0, 200)) log.warn({ file: p.file, line: p.line, column: p.column }, `${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
    if (problems.length) {
      const files = [...new Set(problems.map((p) => p.file))];
      throw ApplicationFailure.nonRetryable(
        `landing files rejected for ${tournament} (${files.join(', ')}); nothing of them was loaded:\n${formatProblems(problems.slice(0, 50))}${problems.length > 50 ? `\n… and ${problems.length - 50} more` : ''}`,
        'LandingFilesRejected',
        { problems },
      );
    }
    return {
      written: { ...Object.fromEntries(loaded.map((f) => [TARGETS[f.file].table, f.rows.length])), 'bronze.landing_files': recorded },
      metrics: { files: good.length, teams: parsed['teams.csv']?.rows.length ?? 0, bids: parsed['bids.csv']?.rows.length ?? 0 },
    };
  };

async function recordFile(
  client: PoolClient,
  tournament: string,
  file: string,
  sha256: string,
  status: string,
  rows: number,
  problems: Problem[],
): Promise<void> {
  await client.query(
    `INSERT INTO bronze.landing_files (tournament_key, file_name, kind, sha256, status, rows, problems) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tournament_key, file_name) DO UPDATE SET kind = EXCLUDED.kind, sha256 = EXCLUDED.sha256, status = EXCLUDED.status,
       rows = EXCLUDED.rows, problems = EXCLUDED.problems, seen_at = now()`,
    [tournament, file, isLandingKind(file) ? file.replace(/\.csv$/, '') : 'unknown', sha256, status, rows, JSON.stringify(problems)],
  );
}

/** Where a file holds text PostgreSQL cannot store (a NUL, a lone surrogate), for the report. */
function unstorableText(file: ParsedFile): { line: number; column: string } | undefined {
  for (const row of file.rows as Row[]) {
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === 'string' && (value.includes('\0') || !value.isWellFormed())) return { line: row.line, column };
    }
  }
  return undefined;
}
