// `refinery runs list|show`: run history from ops (no need to ask Temporal).
import type { Command } from 'commander';
import { getRun, listRuns } from '../../engine/history/run-queries.ts';
import { temporalWorkflowUrl } from '../../engine/temporal/links.ts';
import { formatMs, positiveInt, printJson, withReaderPool, examples } from '../context.ts';
import { UserError } from '../user-error.ts';
import { registerRunGridCommand } from './runs-grid.ts';
import { registerRunLogsCommand } from './runs-logs.ts';

const statuses = ['running', 'succeeded', 'failed', 'cancelled'];

function since(value: string): Date {
  const rel = /^(\d+)\s*(m|h|d)$/.exec(value);
  if (rel) return new Date(Date.now() - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd']);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UserError(`--since: expected a date/time or 30m, 12h, 7d (got "${value}")`);
  return d;
}

export function registerRunsCommands(program: Command): void {
  const cmd = program
    .command('runs')
    .description('run history')
    .addHelpText(
      'after',
      examples(
        'refinery runs list --pipeline demo --status failed --since 7d',
        'refinery runs show demo/2026-11-23',
        'refinery runs logs demo/2026-11-23 --step clean',
        'refinery runs grid demo --from 2026-11-01 --to 2026-11-30',
        'API_DATABASE_URL=postgres://refinery_api_login:…@db/refinery refinery runs list   # read-only login',
      ),
    );
  cmd
    .command('list')
    .description('recent pipeline runs, newest first')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--status <status>', `only runs in this state: ${statuses.join(', ')}`)
    .option('--since <when>', 'only runs started since (a date, or 30m, 12h, 7d)', since)
    .option('--backfill <id>', 'only the runs of this backfill')
    .option('--limit <n>', 'at most this many', positiveInt('--limit'), 50)
    .option('--json', 'print JSON')
    .action(async (opts: { pipeline?: string; status?: string; since?: Date; backfill?: string; limit: number; json?: boolean }) => {
      if (opts.status && !statuses.includes(opts.status)) throw new UserError(`--status: must be one of ${statuses.join(', ')}`);
      const runs = await withReaderPool((pool) =>
        listRuns(pool, { pipeline: opts.pipeline, status: opts.status, since: opts.since, backfillId: opts.backfill, limit: opts.limit }),
      );
      if (opts.json) return printJson(runs);
      if (!runs.length) return console.log('no runs match');
      for (const r of runs) {
        console.log(
          `${String(r.id).padStart(6)}  ${r.pipeline.padEnd(12)} ${r.partition.padEnd(12)} ${r.status.padEnd(10)} ${r.trigger.padEnd(10)} ${r.startedAt.toISOString()}  ${formatMs(r.durationMs).padEnd(9)} ${r.error ?? ''}`,
        );
      }
    });
  cmd
    .command('show <id>')
    .description('one run (by id or workflow id, e.g. demo/2026-11-23) with steps, timings, rows and lineage')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { run, link } = await withReaderPool(async (pool, config) => {
        const found = await getRun(pool, id);
        return { run: found, link: found && temporalWorkflowUrl(config.temporal.uiUrl, config.temporal.namespace, found.workflowId, found.runId) };
      });
      if (!run) throw new UserError(`no run ${id}`);
      if (opts.json) return printJson({ ...run, temporalUrl: link ?? null });
      console.log(`run ${run.id}: ${run.pipeline} ${run.partition} — ${run.status} (${run.trigger}), ${formatMs(run.durationMs)}`);
      console.log(`  temporal: ${link ?? `${run.workflowId} / ${run.runId}`}`);
      if (run.selection) console.log(`  partial run: ${JSON.stringify(run.selection)}`);
      if (run.reason) console.log(`  why: ${run.reason}`);
      if (run.error) console.log(`  error: ${run.error}`);
      for (const s of run.steps) {
        const rows = [s.rowsRead !== null ? `${s.rowsRead} read` : '', s.rowsWritten !== null ? `${s.rowsWritten} written` : ''].filter(Boolean).join(', ');
        const note = s.reusedFrom ? `  reused from run ${s.reusedFrom}` : s.error ? `  ${s.error}` : '';
        console.log(`  ${s.stepId.padEnd(16)} ${s.status.padEnd(10)} attempts ${s.attempts}  ${formatMs(s.durationMs).padEnd(9)} ${rows}${note}`);
        for (const c of s.checks) {
          const mark = c.passed ? '✓' : c.severity === 'warn' ? '!' : '✗';
          console.log(`      ${mark} ${c.name}: ${c.detail}${c.severity === 'warn' ? ' (warn)' : ''}`);
        }
        for (const l of s.lineage)
          console.log(
            `      ${l.direction === 'read' ? '←' : '→'} ${l.table}${l.partition ? `[${l.partition}]` : ''}${l.rows !== null ? ` ${l.rows} rows` : ''}`,
          );
      }
    });
  registerRunLogsCommand(cmd);
  registerRunGridCommand(cmd);
}
