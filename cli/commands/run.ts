// `refinery run PIPELINE --partition P`: starts (or attaches to) one partition's run and follows
// its steps live; exits 1 when the run fails.
import type { Command } from 'commander';
import type { RunSummary } from '../../engine/pipeline/types.ts';
import { outcomeOf, startPipelineRun } from '../../engine/temporal/runs.ts';
import { runStateQuery } from '../../engine/workflows/index.ts';
import { asUserError, collectParam, formatMs, pipelineNamed, POLL_DEADLINE_MS, printJson, startPolling, withClient, examples } from '../context.ts';

const marks: Record<string, string> = { succeeded: '✓', failed: '✗', skipped: '–', cancelled: '⊘', running: '…', pending: ' ' };

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
      ),
    )
    .requiredOption('--partition <key>', 'the partition: a date (YYYY-MM-DD) or a key')
    .option('--param <key=value>', 'a run parameter (repeatable)', collectParam, {})
    .option('--no-wait', 'start and return without following the run')
    .option('--json', 'print the run summary as JSON')
    .action(async (name: string, opts: { partition: string; param: Record<string, unknown>; wait: boolean; json?: boolean }) => {
      const pipeline = pipelineNamed(name);
      await withClient(async (client, config) => {
        const { handle, started } = await startPipelineRun(client, config, pipeline, opts.partition, { params: opts.param }).catch(asUserError);
        if (!opts.json) console.log(started ? `started ${handle.workflowId}` : `${handle.workflowId} is already running; following that run`);
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
            console.log(`  ${marks[s.status]} ${s.stepId.padEnd(16)} ${s.status.padEnd(10)} ${took.padEnd(9)} ${rows}${s.error ? `  ${s.error}` : ''}`);
          }
        }
        if (summary.status !== 'succeeded') process.exitCode = 1;
      });
    });
}
