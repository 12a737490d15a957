// `refinery tournament sample`: writes the sample Calcutta (64 teams, ~20 entries, payouts, past
// games and auctions) as landing files, ready for `refinery run tournament --partition KEY`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../lib/config.ts';
import { sampleLandingFiles } from '../../lib/tournament/sample-files.ts';
import { sampleTournament } from '../../lib/tournament/sample.ts';

export function writeSampleTournament(landingDir: string, seed: number): { key: string; dir: string; files: string[] } {
  const sample = sampleTournament(seed);
  const dir = join(landingDir, sample.tournament.key);
  mkdirSync(dir, { recursive: true });
  const files = sampleLandingFiles(sample);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return { key: sample.tournament.key, dir, files: Object.keys(files) };
}

export function registerTournamentCommands(program: Command): void {
  const tournament = program.command('tournament').description('tournament landing files');
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
    .action((o: { dir?: string; seed: number }) => {
      const written = writeSampleTournament(o.dir ?? loadConfig().landingDir, o.seed);
      console.log(`wrote ${written.files.join(', ')} to ${written.dir}\nload it: refinery run tournament --partition ${written.key}`);
    });
}
