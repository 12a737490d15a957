// `refinery reconcile start|status|stop`: the reconcilers that run triggered partitions and re-run
// late data, one long-lived Temporal workflow per pipeline with triggers or a late-data policy.
// `refinery dev` starts them; on a cluster, run `refinery reconcile start` once per deployment.
import type { Command } from 'commander';
import { definitions } from '../../domains/index.ts';
import { durationMs, formatDuration } from '../../engine/pipeline/durations.ts';
import type { PolicyOverrides } from '../../engine/staleness/plan.ts';
import { reconciledPipelines, reconcilerState, startReconcilers, stopReconciler } from '../../engine/temporal/reconcilers.ts';
import { examples, pipelineNamed, printJson, withClient } from '../context.ts';
import { UserError } from '../user-error.ts';

function duration(flag: string) {
  return (value: string): string => {
    if (Number.isNaN(durationMs(value))) throw new UserError(`${flag}: expected a duration such as "30 seconds" or "10 minutes" (got "${value}")`);
    return value;
  };
}

interface StartOptions {
  tick?: string;
  quietPeriod?: string;
  lookback?: string;
  maxDelay?: string;
  settle?: string;
  restart?: boolean;
}

export function registerReconcileCommands(program: Command): void {
  const cmd = program
    .command('reconcile')
    .description('reconcilers: data-aware triggers and late-data re-runs')
    .addHelpText(
      'after',
      examples(
        'refinery reconcile start                                  # every pipeline with triggers or a late-data policy',
        'refinery reconcile start sensor --quiet-period "2 minutes" --restart',
        'refinery reconcile status',
        'refinery reconcile stop sensor',
      ),
    );
  cmd
    .command('start [pipelines...]')
    .description('start the reconciler of every pipeline with triggers or a late-data policy (or of the ones named); keeps running ones')
    .option('--tick <duration>', 'how often it looks (default 15 seconds)', duration('--tick'))
    .option('--quiet-period <duration>', "override the pipelines' late-data quiet period", duration('--quiet-period'))
    .option('--lookback <duration>', "override the pipelines' late-data lookback", duration('--lookback'))
    .option('--max-delay <duration>', "override the pipelines' late-data max delay", duration('--max-delay'))
    .option('--settle <duration>', "override the pipelines' trigger settle time", duration('--settle'))
    .option('--restart', 'replace running reconcilers (to apply new settings)')
    .action(async (names: string[], opts: StartOptions) => {
      const chosen = names.length ? names.map(pipelineNamed) : reconciledPipelines(definitions);
      const none = chosen.filter((p) => !p.triggers && !p.lateData);
      if (none.length) throw new UserError(`${none.map((p) => p.name).join(', ')}: no triggers or late-data policy to reconcile`);
      const overrides: PolicyOverrides = { quietPeriod: opts.quietPeriod, lookback: opts.lookback, maxDelay: opts.maxDelay, settle: opts.settle };
      await withClient(async (client, config) => {
        const started = await startReconcilers(client, config, chosen, { tick: opts.tick, overrides, restart: opts.restart });
        for (const s of started) console.log(`${s.workflowId}: ${s.started ? 'started' : 'already running (--restart to apply new settings)'}`);
      });
    });
  cmd
    .command('status')
    .description('each reconciler: running or not, ticks, runs started, and its last decisions')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withClient(async (client) => {
        const states = [];
        for (const p of reconciledPipelines(definitions)) states.push({ pipeline: p.name, state: await reconcilerState(client, p.name) });
        if (opts.json) return printJson(states);
        for (const { pipeline, state } of states) {
          if (!state) {
            console.log(`${pipeline}: not running (refinery reconcile start ${pipeline})`);
            continue;
          }
          const last = state.lastTick;
          console.log(
            `${pipeline}: running, every ${formatDuration(state.tickMs)}; ${state.ticks} ticks, ${state.started} runs started${last ? `; last looked ${last.checkedAt}` : ''}`,
          );
          for (const d of last?.decisions ?? []) console.log(`  ${d.partition}  ${d.action === 'launch' ? `started (${d.trigger})` : d.next}`);
        }
      });
    });
  cmd
    .command('stop <pipeline>')
    .description("stop a pipeline's reconciler (runs it started go on)")
    .action(async (name: string) => {
      pipelineNamed(name);
      await withClient(async (client) => {
        console.log((await stopReconciler(client, name)) ? `stopped reconcile/${name}` : `reconcile/${name} was not running`);
      });
    });
}
