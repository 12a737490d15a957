// `refinery tournament sample` writes the sample Calcutta (64 teams, or 68 with --teams 68; ~20
// entries, payouts, past games and auctions) as landing files, ready for `refinery run tournament
// --partition KEY`; `refinery tournament import` loads seed 003's Parquet outputs into a loaded tournament.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../lib/config.ts';
import { formatProblems } from '../../lib/tournament/landing.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';
import { importTournamentFiles, ImportRejected } from '../../domains/tournament/import.ts';
import { MissingTournamentData } from '../../domains/tournament/sql/tournament.ts';
import { withWorkerPool } from '../context.ts';
import { UserError } from '../user-error.ts';

export function writeSampleTournament(landingDir: string, seed: number, teams: 64 | 68 = 64): { key: string; dir: string; files: string[] } {
  const sample = sampleTournament(seed, { firstFour: teams === 68 });
  const dir = join(landingDir, sample.tournament.key);
  mkdirSync(dir, { recursive: true });
  const files = sampleLandingFiles(sample);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { key: sample.tournament.key, dir, files: Object.keys(files) };
}

export function registerTournamentCommands(program: Command): void {
  const tournament = program.command('tournament').description('tournament landing files and imports');
  registerImportCommand(tournament);
  tournament
    .command('sample')
    .description('write the sample Calcutta as landing files under REFINERY_LANDING_DIR (or --dir)')
    .option('--dir <path>', 'landing directory (default: REFINERY_LANDING_DIR, or <REFINERY_HOME>/landing)')
    .option(
      '--seed <year>',
      'sample seed; 1985–2100 is also the tournament year',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--seed must be a positive integer');
        return n;
      },
      2026,
    )
    .option(
      '--teams <n>',
      '64, or 68 for a field with a First Four',
      (v) => {
        if (v !== '64' && v !== '68') throw new InvalidArgumentError('--teams must be 64 or 68');
        return Number(v) as 64 | 68;
      },
      64,
    )
    .action((o: { dir?: string; seed: number; teams: 64 | 68 }) => {
      const written = writeSampleTournament(o.dir ?? loadConfig().landingDir, o.seed, o.teams);
      console.log(`wrote ${written.files.join(', ')} to ${written.dir}\nload it: refinery run tournament --partition ${written.key}`);
    });
}

export function registerImportCommand(tournament: Command): void {
  tournament
    .command('import')
    .description(
      "load seed 003's Parquet outputs into a loaded tournament: simulations.parquet (or simulated_tournaments.parquet) into bronze, " +
        'recommended_entry_bids.parquet with entry_performance.parquet as an imported optimisation run in gold',
    )
    .argument('<tournament>', 'tournament key (its landing files must have been loaded)')
    .argument('<files...>', 'Parquet files, known by their names')
    .option('--entry <name>', 'our entry, whose bids recommended_entry_bids.parquet holds', 'refinery')
    .option('--json', 'print the summary as JSON')
    .action(async (key: string, paths: string[], o: { entry: string; json?: boolean }) => {
      const files = paths.map((path) => {
        try {
          return { name: path, bytes: readFileSync(path) };
        } catch (e) {
          throw new UserError(`${path}: ${(e as Error).message}`);
        }
      });
      try {
        const summary = await withWorkerPool((pool) => importTournamentFiles(pool, key, files, { entry: o.entry }));
        if (o.json) console.log(JSON.stringify(summary));
        else {
          for (const f of summary.files) console.log(`loaded ${f.name} (${f.kind}): ${f.rows.toLocaleString('en-US')} rows`);
          if (summary.simulations !== null) console.log(`${key}: ${summary.simulations.toLocaleString('en-US')} simulations in bronze`);
          if (summary.optimisationRunId !== null)
            console.log(`${key}: imported optimisation run #${summary.optimisationRunId} (GET /v1/optimisation-runs/${summary.optimisationRunId}/rankings)`);
        }
      } catch (e) {
        if (e instanceof ImportRejected) throw new UserError(`nothing was loaded; fix these and import again:\n${formatProblems(e.problems)}`);
        if (e instanceof MissingTournamentData) throw new UserError(`${e.message}: load its landing files first (refinery run tournament --partition ${key})`);
        throw e;
      }
    });
}
