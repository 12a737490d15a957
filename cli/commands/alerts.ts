// `refinery alerts`: missed deadlines and exceeded freshness, open until the partition succeeds or
// fresher data lands (--all shows resolved ones too).
import type { Command } from 'commander';
import { listAlerts } from '../../engine/history/alerts.ts';
import { positiveInt, printJson, withReaderPool } from '../context.ts';

export function registerAlertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('open alerts: missed deadlines and stale data (--all: resolved ones too)')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--all', 'include resolved alerts')
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 100)
    .option('--json', 'print JSON')
    .action(async (opts: { pipeline?: string; all?: boolean; limit: number; json?: boolean }) => {
      const alerts = await withReaderPool((pool) => listAlerts(pool, { pipeline: opts.pipeline, open: !opts.all, limit: opts.limit }));
      if (opts.json) return printJson(alerts);
      if (!alerts.length) return console.log(opts.all ? 'no alerts' : 'no open alerts');
      for (const a of alerts) {
        const state = a.resolvedAt ? `resolved ${a.resolvedAt.toISOString().slice(0, 19)}` : 'OPEN';
        console.log(`${state.padEnd(28)} ${a.kind.padEnd(9)} ${a.pipeline.padEnd(12)} ${(a.partition ?? '').padEnd(12)} ${a.detail}`);
      }
    });
}
