// `refinery run PIPELINE --partition P`: starts (or attaches to) one partition's run and follows
// its steps live; exits 1 when the run fails. `--from-failure` and `--steps` run part of it,
// reusing the rest from earlier runs; what would be reused is checked before anything starts.
import type { Command } from 'commander';
import { planPartialRuns } from '../../engine/history/partial-runs.ts';
import type { Selection } from '../../engine/pipeline/rerun.ts';
import type { RunSummary } from '../../engine/pipeline/types.ts';
import { temporalWorkflowUrl } from '../../engine/temporal/links.ts';
import { outcomeOf, startPipelineRun } from '../../engine/temporal/runs.ts';
import { runStateQuery } from '../../engine/workflows/index.ts';
import {
  asUserError,
  collectParam,
  formatMs,
  pipelineNamed,
  POLL_DEADLINE_MS,
  printJson,
  startPolling,
  withClient,
  withReaderPool,
  examples,
} from '../context.ts';
import { UserError } from '../user-error.ts';

export const marks: Record<string, string> = {
  succeeded: '✓',
  failed: '✗',
  skipped: '–',
  cancelled: '⊘',
  running: '…',
  waiting: '◌',
  reused: '↺',
  pending: ' ',
};

/** `--from-failure` / `--steps` as a selection (they exclude each other), or undefined for a full run. */
export function selectionOf(opts: { fromFailure?: boolean; steps?: string }, fullIfNeverRun = false): Selection | undefined {
  if (opts.fromFailure && opts.steps) throw new UserError('give --from-failure or --steps, not both');
  if (opts.fromFailure) return fullIfNeverRun ? { fromFailure: true, fullIfNeverRun } : { fromFailure: true };
  if (opts.steps !== undefined) return { steps: opts.steps.split(',').map((s) => s.trim()) };
  return undefined;
}

export function priorityOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 5) throw new UserError(`--priority: must be a whole number from 1 (first) to 5 (got "${value}")`);
  return n;
}

interface RunOptions {
  partition: string;
  param: Record<string, unknown>;
  fromFailure?: boolean;
  steps?: string;
  priority?: number;
  wait: boolean;
  json?: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run <pipeline>')
    .description('run one partition of a pipeline and follow its steps (attaches if it is already running)')
    .addHelpText(
      'after',
      examples(
        'refinery run demo --partition 2026-11-23',
        'refinery run tournament --partition ncaa-tournament-2026 --param simulations=100000',
        'refinery run sensor --partition 2026-11-23 --no-wait',
        'refinery run sensor --partition 2026-11-23 --from-failure            # only what failed, reusing the rest',
        'refinery run tournament --partition ncaa-tournament-2026 --steps evaluate+',
      ),
    )
    .requiredOption('--partition <key>', 'the partition: a date (YYYY-MM-DD) or a key')
    .option('--param <key=value>', 'a run parameter (repeatable)', collectParam, {})
    .option('--from-failure', 'run only the steps that failed or were skipped in the last run, reusing what succeeded')
    .option('--steps <list>', 'run only these steps (train+ = train and everything downstream), reusing the rest')
    .option('--priority <n>', 'task priority, 1 (first) to 5 (default 2, ahead of backfills)', priorityOption)
    .option('--no-wait', 'start and return without following the run')
    .option('--json', 'print the run summary as JSON')
    .action(async (name: string, opts: RunOptions) => {
      const pipeline = pipelineNamed(name);
      const selection = selectionOf(opts);
      if (selection) {
        const plans = await withReaderPool((pool) => planPartialRuns(pool, pipeline, [opts.partition], selection)).catch(asUserError);
        const plan = plans.get(opts.partition)!;
        const reused = Object.entries(plan.reuse).map(([step, run]) => `${step} (run ${run})`);
        if (!opts.json) console.log(`running ${plan.run.join(', ')}${reused.length ? `; reusing ${reused.join(', ')}` : ''}`);
      }
      await withClient(async (client, config) => {
        const { handle, started, runId } = await startPipelineRun(client, config, pipeline, opts.partition, {
          params: opts.param,
          selection,
          priority: opts.priority,
        }).catch(asUserError);
        if (!opts.json) console.log(started ? `started ${handle.workflowId}` : `${handle.workflowId} is already running; following that run`);
        const link = temporalWorkflowUrl(config.temporal.uiUrl, config.temporal.namespace, handle.workflowId, runId);
        if (link && !opts.json) console.log(`  ${link}`);
        if (!opts.wait) return;
        const shown = new Map<string, string>();
        const follow = startPolling(async () => {
          const state = await client.withDeadline(Date.now() + POLL_DEADLINE_MS, () => handle.query(runStateQuery));
          for (const [step, status] of Object.entries(state.steps)) {
            if (shown.get(step) !== status && status !== 'pending' && !opts.json) console.log(`  ${marks[status] ?? '?'} ${step} ${status}`);
            shown.set(step, status);
          }
        }, 300);
        let summary: RunSummary;
        try {
          ({ summary } = await outcomeOf(handle.result()));
        } finally {
          await follow.stop();
        }
        if (opts.json) printJson(summary);
        else {
          console.log(`${summary.pipeline} ${summary.partition}: ${summary.status} (run ${summary.runId})`);
          for (const s of summary.steps) {
            const took = s.startedAt && s.endedAt ? formatMs(Date.parse(s.endedAt) - Date.parse(s.startedAt)) : '';
            const rows = s.rowsWritten !== undefined ? `${s.rowsWritten} rows` : '';
            const note = s.error ? `  ${s.error}` : s.reusedFrom ? `  from run ${s.reusedFrom}` : '';
            console.log(`  ${marks[s.status]} ${s.stepId.padEnd(16)} ${s.status.padEnd(10)} ${took.padEnd(9)} ${rows}${note}`);
            for (const w of s.warnings ?? []) console.log(`      ! ${w.check}: ${w.detail} (warn)`);
          }
        }
        if (summary.status !== 'succeeded') process.exitCode = 1;
      });
    });
}
