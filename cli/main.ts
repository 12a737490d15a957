// The operator CLI: `refinery <command>`. Errors a user can fix print one line and exit 1.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../lib/config.ts';
import { DatabaseUnreachable } from '../lib/db/pool.ts';
import { TemporalUnreachable } from '../engine/temporal/client.ts';
import { registerAlertsCommand } from './commands/alerts.ts';
import { registerApiCommand } from './commands/api.ts';
import { registerBackfillCommands } from './commands/backfill.ts';
import { registerDevCommand } from './commands/dev.ts';
import { registerKeysCommands } from './commands/keys.ts';
import { registerMigrateCommands } from './commands/migrate.ts';
import { registerNotifyCommands } from './commands/notify.ts';
import { registerReconcileCommands } from './commands/reconcile.ts';
import { registerRetentionCommands } from './commands/retention.ts';
import { registerRolesCommands } from './commands/roles.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerRunsCommands } from './commands/runs.ts';
import { registerScheduleCommands } from './commands/schedule.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerStaleCommands } from './commands/stale.ts';
import { registerTemporalCommands } from './commands/temporal.ts';
import { registerTournamentCommands } from './commands/tournament.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import { examples } from './context.ts';
import { UserError } from './user-error.ts';

// grpc-js hands an IP address to TLS as the server name, which Node flags (DEP0123) on every TLS
// connection to 127.0.0.1; the check it warns about is done on the IP SAN anyway. Keep it out of
// the CLI's output, which should be one line when something fails.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((...args: unknown[]) => {
  if (args.includes('DEP0123')) return;
  emitWarning(...args);
}) as typeof process.emitWarning;

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const program = new Command('refinery')
  .description('Refinery: medallion data pipelines on Temporal and PostgreSQL')
  .version(version, '-v, --version', 'print the version')
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    examples(
      'refinery dev                                   # the whole stack on this machine (npm start)',
      'refinery run demo --partition 2026-11-23',
      'refinery backfill demo --from 2026-01-01 --to 2026-03-31 --concurrency 8',
      'refinery runs list --status failed --since 1d',
      'refinery worker --queue compute                # one more worker; run as many as you like',
    ) + '\n\nSettings come from the environment (README "Configuration"); `refinery <command> --help` for more.',
  );

registerDevCommand(program);
registerRunCommand(program);
registerBackfillCommands(program);
registerScheduleCommands(program);
registerRunsCommands(program);
registerNotifyCommands(program);
registerAlertsCommand(program);
registerStaleCommands(program);
registerReconcileCommands(program);
registerSimulateCommand(program);
registerMigrateCommands(program);
registerRetentionCommands(program);
registerWorkerCommand(program);
registerApiCommand(program);
registerKeysCommands(program);
registerRolesCommands(program);
registerTemporalCommands(program);
registerTournamentCommands(program);

const readable = [ConfigError, DatabaseUnreachable, TemporalUnreachable, UserError];

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  const err = e as Error;
  if (readable.some((type) => err instanceof type)) {
    console.error(`refinery: ${err.message}`);
  } else {
    console.error(`refinery: ${err.message}`);
    if (process.env.REFINERY_DEBUG) console.error(err.stack);
  }
  process.exit(1);
}
