// `refinery migrate up|down`: applies or reverts the SQL migrations as the owner role.
import type { Command } from 'commander';
import { loadConfig, requireUrl } from '../../lib/config.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { checkConnection } from '../../lib/db/pool.ts';
import { UserError } from '../user-error.ts';
import { examples } from '../context.ts';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--count: must be a whole number ≥ 1 (got "${value}")`);
  return n;
}

export function registerMigrateCommands(program: Command): void {
  const cmd = program
    .command('migrate')
    .description('apply (up) or revert (down) database migrations')
    .addHelpText('after', examples('DATABASE_URL=postgres://owner:…@db/refinery refinery migrate up', 'refinery migrate down --count 1'));
  for (const direction of ['up', 'down'] as const) {
    cmd
      .command(direction)
      .description(direction === 'up' ? 'apply every pending migration (a no-op when up to date)' : 'revert the last migration')
      .option('--count <n>', 'how many migrations', count)
      .action(async (opts: { count?: number }) => {
        const url = requireUrl(loadConfig(), 'owner');
        await checkConnection(url, 'DATABASE_URL');
        const names = await migrate(url, { direction, count: opts.count });
        console.log(names.length ? `${direction === 'up' ? 'applied' : 'reverted'}: ${names.join(', ')}` : 'nothing to do: the database is up to date');
      });
  }
}
