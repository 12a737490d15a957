// `refinery stale list [--pipeline P]`: partitions whose inputs changed since their last success
// (and, for triggered pipelines, those ready to run), with why and what happens next.
// `refinery stale run [--pipeline P] [--partition X…]`: run them now, through the pipeline's
// reconciler, so a partition never starts twice.
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { pipelines } from '../../domains/index.ts';
import { formatDuration } from '../../engine/pipeline/durations.ts';
import { checkPartition } from '../../engine/pipeline/partitions.ts';
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';
import type { EffectivePolicy } from '../../engine/staleness/plan.ts';
import { staleReport, type StaleReport } from '../../engine/staleness/report.ts';
import { connectClient } from '../../engine/temporal/client.ts';
import { reconcileNow, reconcilerRunning } from '../../engine/temporal/reconcilers.ts';
import { loadConfig } from '../../lib/config.ts';
import { asUserError, examples, pipelineNamed, printJson, withClient, withReaderPool } from '../context.ts';
import { UserError } from '../user-error.ts';

/** The pipeline asked for, or every pipeline that declares inputs. */
function watched(name?: string): PipelineDefinition[] {
  return name ? [pipelineNamed(name)] : [...pipelines.values()].filter((p) => p.inputs?.length);
}

function policyLine(policy: EffectivePolicy, reconciler: boolean | undefined): string {
  const parts: string[] = [];
  const late = policy.lateData;
  if (late) {
    parts.push(
      `late data re-runs after ${formatDuration(late.quietPeriodMs)} quiet, ${formatDuration(late.lookbackMs)} back, ${late.concurrency} at once, priority ${late.priority}${late.maxDelayMs !== null ? `, at the latest after ${formatDuration(late.maxDelayMs)}` : ''}`,
    );
  }
  if (policy.triggers) parts.push(`runs on ${policy.triggers.on.join(' and ')} changes`);
  if (!parts.length) parts.push('no late-data policy or triggers: re-run by hand');
  else parts.push(reconciler === undefined ? 'reconciler: unknown (Temporal did not answer)' : reconciler ? 'reconciler running' : 'NO RECONCILER RUNNING');
  return parts.join('; ');
}

const ago = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));

function printReport(r: StaleReport): void {
  console.log(`${r.pipeline}: ${policyLine(r.policy, r.reconciler)}`);
  if (!r.items.length) {
    console.log('  nothing stale');
    return;
  }
  for (const i of r.items) {
    console.log(`  ${i.partition}  ${i.state.toUpperCase()}  ${i.reason}`);
    const facts = [
      i.watermark ? `last good run ${i.watermark.runId} at ${i.watermark.succeededAt}` : 'never succeeded',
      `inputs quiet for ${ago(i.quietForMs)}`,
      i.staleForMs !== null ? `noticed ${ago(i.staleForMs)} ago` : '',
      i.latestRun && i.latestRun.id !== i.watermark?.runId ? `latest run ${i.latestRun.id} ${i.latestRun.status} (${i.latestRun.trigger})` : '',
    ].filter(Boolean);
    console.log(`      ${facts.join(' · ')}`);
    console.log(`      next: ${i.next}`);
  }
}

/** Temporal's view of the reconcilers, when it answers; staleness itself needs only PostgreSQL. */
async function tryClient(): Promise<Client | undefined> {
  try {
    return await connectClient(loadConfig());
  } catch {
    return undefined;
  }
}

export function registerStaleCommands(program: Command): void {
  const cmd = program
    .command('stale')
    .description('partitions whose inputs changed since their last successful run')
    .addHelpText(
      'after',
      examples(
        'refinery stale list                                        # every pipeline with inputs',
        'refinery stale list --pipeline sensor --json',
        'refinery stale run --pipeline sensor --partition 2026-11-23   # now, ignoring the quiet period',
      ),
    );
  cmd
    .command('list')
    .description('stale partitions with why and what happens next (every pipeline with inputs, or one)')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--json', 'print JSON')
    .action(async (opts: { pipeline?: string; json?: boolean }) => {
      const chosen = watched(opts.pipeline);
      const client = await tryClient();
      try {
        const reports = await withReaderPool(async (pool) => {
          const out: StaleReport[] = [];
          for (const p of chosen) out.push(await staleReport(pool, p, client ? await reconcilerRunning(client, p.name).catch(() => undefined) : undefined));
          return out;
        });
        if (opts.json) return printJson(reports);
        reports.forEach(printReport);
      } finally {
        await client?.connection.close();
      }
    });
  cmd
    .command('run')
    .description('run stale (and ready) partitions now, ignoring quiet periods; never one that is running')
    .option('--pipeline <name>', 'only this pipeline')
    .option('--partition <key>', 'only this partition (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--json', 'print JSON')
    .action(async (opts: { pipeline?: string; partition?: string[]; json?: boolean }) => {
      if (opts.partition && !opts.pipeline) throw new UserError('--partition: give --pipeline too');
      const chosen = watched(opts.pipeline);
      try {
        for (const p of opts.partition ?? []) checkPartition(chosen[0]!.partitioning, p, chosen[0]!.name);
      } catch (e) {
        asUserError(e);
      }
      await withClient(async (client, config) => {
        const results = [];
        for (const p of chosen) results.push(await reconcileNow(client, config, p.name, { partitions: opts.partition }));
        if (opts.json) return printJson(results);
        for (const r of results) {
          if (!r.decisions.length) console.log(`${r.pipeline}: nothing stale`);
          for (const d of r.decisions) {
            console.log(
              d.workflowId
                ? `${r.pipeline} ${d.partition}: started ${d.workflowId} (${d.trigger}) — ${d.reason}`
                : `${r.pipeline} ${d.partition}: not started: ${d.next}`,
            );
          }
          for (const asked of opts.partition ?? []) {
            if (!r.decisions.some((d) => d.partition === asked)) console.log(`${r.pipeline} ${asked}: not stale (its last success saw its inputs as they are)`);
          }
        }
      });
    });
}
