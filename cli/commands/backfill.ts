// `refinery backfill PIPELINE --from --to` (or --keys), `backfill status ID`, `backfill cancel ID`:
// bounded-concurrency backfills with a live progress bar.
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { planPartialRuns } from '../../engine/history/partial-runs.ts';
import { partitionsToRedo } from '../../engine/history/run-queries.ts';
import { expandPartitions, type PartitionRange } from '../../engine/pipeline/partitions.ts';
import { outcomeOf, startBackfill } from '../../engine/temporal/runs.ts';
import { backfillProgressQuery, type BackfillProgress } from '../../engine/workflows/backfill.ts';
import {
  asUserError,
  collectParam,
  pipelineNamed,
  POLL_DEADLINE_MS,
  positiveInt,
  printJson,
  startPolling,
  withClient,
  withReaderPool,
  examples,
} from '../context.ts';
import { UserError } from '../user-error.ts';
import { archivedInputs } from '../../lib/archive/guard.ts';
import { loadConfig } from '../../lib/config.ts';
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';
import { priorityOption, selectionOf } from './run.ts';

interface BackfillOptions {
  from?: string;
  to?: string;
  keys?: string;
  concurrency: number;
  onlyFailed?: boolean;
  fromFailure?: boolean;
  steps?: string;
  priority?: number;
  dryRun?: boolean;
  param: Record<string, unknown>;
  wait: boolean;
  json?: boolean;
}

function rangeOf(opts: BackfillOptions): PartitionRange {
  if (opts.keys)
    return {
      keys: opts.keys
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    };
  if (opts.from && opts.to) return { from: opts.from, to: opts.to };
  throw new UserError('give --from and --to (daily pipelines) or --keys a,b,c (keyed pipelines)');
}

/**
 * A daily backfill over days archived by retention refuses before it starts, naming the days and
 * the restore command (each run would refuse anyway). Skipped when no database is configured.
 */
async function refuseArchivedInputs(pipeline: PipelineDefinition, range: PartitionRange): Promise<void> {
  if (!('from' in range) || pipeline.partitioning.kind !== 'daily') return;
  const config = loadConfig();
  if (!config.apiDatabaseUrl && !config.databaseUrl) return;
  const written = new Set(pipeline.steps.flatMap((s) => (s.writes ?? []).map((w) => w.table)));
  const reads = [...new Set(pipeline.steps.flatMap((s) => (s.reads ?? []).map((r) => r.table)))].filter((t) => !written.has(t));
  const archived = await withReaderPool((pool) => archivedInputs(pool, reads, range.from, range.to));
  if (archived.length) throw new UserError(archived.map((e) => e.message).join('\n'));
}

async function follow(client: Client, id: string, json: boolean): Promise<void> {
  const handle = client.workflow.getHandle(id);
  const bar = json
    ? undefined
    : new SingleBar(
        { format: ' {bar} {value}/{total} partitions | {succeeded} ok {failed} failed {running} running | {eta_formatted} left', hideCursor: true },
        Presets.shades_classic,
      );
  let last: BackfillProgress | undefined;
  const poll = async () => {
    try {
      last = await client.withDeadline(Date.now() + POLL_DEADLINE_MS, () => handle.query(backfillProgressQuery));
      const done = last.succeeded + last.failed + last.skipped + last.cancelled;
      if (bar) {
        if (!bar.isActive) bar.start(last.total, done, last);
        bar.setTotal(last.total);
        bar.update(done, last);
      }
    } catch {
      /* between continue-as-new runs, or finished */
    }
  };
  await poll();
  const timer = startPolling(poll, 1000);
  let failed: boolean;
  try {
    ({ summary: last, failed } = await outcomeOf(handle.result() as Promise<BackfillProgress>));
  } catch (e) {
    // A failure that carries no progress: report the last progress polled, if any.
    failed = true;
    if (!last) throw e;
  } finally {
    await timer.stop();
    await poll().catch(() => {});
    bar?.stop();
  }
  report(last!, json);
  if (failed) process.exitCode = 1;
}

function report(p: BackfillProgress, json: boolean): void {
  if (json) return printJson(p);
  console.log(
    `${p.backfillId}: ${p.total} partitions — ${p.succeeded} succeeded, ${p.failed} failed, ${p.skipped} skipped, ${p.cancelled} cancelled, ${p.pending} pending, ${p.running} running`,
  );
  for (const f of p.failures.slice(0, 20)) console.log(`  ✗ ${f.partition}: ${f.error}`);
  if (p.failures.length > 20) console.log(`  … and ${p.failures.length - 20} more`);
}

export function registerBackfillCommands(program: Command): void {
  const cmd = program
    .command('backfill')
    .description('run a pipeline over a range of partitions with bounded concurrency')
    .addHelpText(
      'after',
      examples(
        'refinery backfill demo --from 2026-01-01 --to 2026-03-31 --concurrency 8',
        'refinery backfill demo --from 2026-01-01 --to 2026-03-31 --only-failed --dry-run   # read-only: API_DATABASE_URL is enough',
        'refinery backfill tournament --keys ncaa-tournament-2025,ncaa-tournament-2026',
        'refinery backfill status backfill/demo/2026-01-01..2026-03-31/1a2b3c --watch',
      ),
    )
    .argument('[pipeline]', 'the pipeline to backfill')
    .option('--from <date>', 'first partition (daily pipelines)')
    .option('--to <date>', 'last partition, inclusive')
    .option('--keys <list>', 'comma-separated partition keys (keyed pipelines)')
    .option('--concurrency <n>', 'partitions running at once', positiveInt('--concurrency'), 4)
    .option('--only-failed', 'only partitions whose last run is missing or failed')
    .option('--from-failure', 'only partitions whose last run is missing or failed, each repaired from its failure')
    .option('--steps <list>', 'run only these steps of each partition (evaluate+ = evaluate and downstream), reusing the rest')
    .option('--priority <n>', 'task priority of its runs, 1 (first) to 5 (default 4, behind manual and scheduled runs)', priorityOption)
    .option('--dry-run', 'list the partitions and start nothing')
    .option('--param <key=value>', 'a run parameter (repeatable)', collectParam, {})
    .option('--no-wait', 'start and return the backfill id without following it')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, opts: BackfillOptions) => {
      if (!name) throw new UserError('which pipeline? refinery backfill PIPELINE --from … --to …');
      const pipeline = pipelineNamed(name);
      const range = rangeOf(opts);
      const selection = selectionOf(opts, true);
      const onlyFailed = opts.onlyFailed || opts.fromFailure;
      await refuseArchivedInputs(pipeline, range);
      if (opts.dryRun || selection) {
        let partitions: string[];
        try {
          partitions = expandPartitions(pipeline.partitioning, range, pipeline.name);
        } catch (e) {
          asUserError(e);
        }
        // Refuse before anything runs when a partition lacks the inputs of the steps asked for.
        const plans = await withReaderPool(async (pool) => {
          if (onlyFailed) partitions = await partitionsToRedo(pool, pipeline.name, partitions);
          return selection ? planPartialRuns(pool, pipeline, partitions, selection) : undefined;
        }).catch(asUserError);
        if (opts.dryRun) {
          if (opts.json) return printJson({ pipeline: pipeline.name, partitions, plans: plans ? Object.fromEntries(plans) : undefined });
          console.log(`${partitions.length} partitions would run (concurrency ${opts.concurrency}):`);
          for (const p of partitions) {
            const plan = plans?.get(p);
            console.log(
              `  ${p}${plan ? `  runs ${plan.run.join(', ')}${Object.keys(plan.reuse).length ? `; reuses ${Object.keys(plan.reuse).join(', ')}` : ''}` : ''}`,
            );
          }
          return;
        }
      }
      await withClient(async (client, config) => {
        const handle = await startBackfill(client, config, pipeline, {
          range,
          concurrency: opts.concurrency,
          onlyFailed,
          params: opts.param,
          selection,
          priority: opts.priority,
        }).catch(asUserError);
        if (!opts.json) console.log(`started ${handle.workflowId}`);
        else if (!opts.wait) printJson({ backfillId: handle.workflowId });
        if (opts.wait) await follow(client, handle.workflowId, Boolean(opts.json));
      });
    });

  cmd
    .command('status <id>')
    .description('progress of a backfill (follow it with --watch)')
    .option('--watch', 'follow until it ends')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { watch?: boolean; json?: boolean }) => {
      await withClient(async (client) => {
        if (opts.watch) return follow(client, id, Boolean(opts.json));
        try {
          report(await client.workflow.getHandle(id).query(backfillProgressQuery), Boolean(opts.json));
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) throw new UserError(`no backfill ${id}`);
          throw e;
        }
      });
    });

  cmd
    .command('cancel <id>')
    .description('cancel a backfill: running partitions are cancelled, nothing new starts')
    .action(async (id: string) => {
      await withClient(async (client) => {
        try {
          await client.workflow.getHandle(id).cancel();
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) throw new UserError(`no running backfill ${id}`);
          throw e;
        }
        console.log(`cancelling ${id}`);
      });
    });
}
