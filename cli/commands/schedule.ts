// `refinery schedule create|list|pause|resume|trigger|delete`: pipeline schedules on Temporal.
import type { Command } from 'commander';
import { ScheduleAlreadyRunning } from '@temporalio/client';
import { PartitionError } from '../../engine/pipeline/partitions.ts';
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  overlapPolicies,
  pauseSchedule,
  resumeSchedule,
  ScheduleError,
  showSchedule,
  triggerSchedule,
  type OverlapPolicy,
} from '../../engine/temporal/schedules.ts';
import { collectParam, pipelineNamed, printJson, withClient, examples } from '../context.ts';
import { UserError } from '../user-error.ts';

function userErrors<T>(p: Promise<T>): Promise<T> {
  return p.catch((e) => {
    if (e instanceof ScheduleError || e instanceof PartitionError) throw new UserError(e.message);
    if (e instanceof ScheduleAlreadyRunning) throw new UserError('a schedule for this pipeline exists already (delete it first, or pause/resume it)');
    throw e;
  });
}

export function registerScheduleCommands(program: Command): void {
  const cmd = program
    .command('schedule')
    .description('pipeline schedules (Temporal Schedules)')
    .addHelpText(
      'after',
      examples(
        'refinery schedule create demo --cron "0 1 * * *" --timezone Europe/Paris',
        'refinery schedule pause demo --note "db maintenance"',
        'refinery schedule trigger demo',
      ),
    );
  cmd
    .command('create <pipeline>')
    .description('schedule a daily pipeline; each run processes the interval that just closed')
    .option('--cron <expr>', 'cron, e.g. "0 1 * * *" (default: the pipeline\'s suggestion)')
    .option('--every <interval>', 'an interval instead of cron, e.g. "6 hours"')
    .option('--timezone <tz>', "IANA time zone of the cron (default: the pipeline's)")
    .option('--catchup-window <duration>', 'how far back missed runs are caught up after downtime', '1 day')
    .option('--overlap <policy>', `what to do when a run is still going: ${overlapPolicies.join(', ')}`, 'skip')
    .option('--jitter <duration>', 'random delay added to each run, e.g. "5 minutes"')
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note shown with the schedule')
    .option('--param <key=value>', 'a run parameter (repeatable)', collectParam, {})
    .action(
      async (
        name: string,
        opts: {
          cron?: string;
          every?: string;
          timezone?: string;
          catchupWindow: string;
          overlap: string;
          jitter?: string;
          paused?: boolean;
          note?: string;
          param: Record<string, unknown>;
        },
      ) => {
        const pipeline = pipelineNamed(name);
        if (!overlapPolicies.includes(opts.overlap as OverlapPolicy)) throw new UserError(`--overlap: must be one of ${overlapPolicies.join(', ')}`);
        await withClient(async (client, config) => {
          const id = await userErrors(
            createSchedule(client, config, pipeline, {
              cron: opts.cron,
              every: opts.every,
              timezone: opts.timezone,
              catchupWindow: opts.catchupWindow,
              overlap: opts.overlap as OverlapPolicy,
              jitter: opts.jitter,
              paused: opts.paused,
              note: opts.note,
              params: opts.param,
            }),
          );
          const s = await showSchedule(client, name);
          console.log(`created ${id}: ${s.spec} (${s.timezone})${s.paused ? ', paused' : ''}; next: ${s.nextRuns[0] ?? '—'}`);
        });
      },
    );
  cmd
    .command('list')
    .description('schedules with their next run times')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withClient(async (client) => {
        const schedules = await listSchedules(client);
        if (opts.json) return printJson(schedules);
        if (!schedules.length) return console.log('no schedules: refinery schedule create PIPELINE');
        for (const s of schedules) {
          console.log(
            `${s.pipeline.padEnd(16)} ${s.spec} (${s.timezone})  ${s.paused ? 'PAUSED' : 'active'}  overlap ${s.overlap}  next ${s.nextRuns[0] ?? '—'}${s.note ? `  “${s.note}”` : ''}`,
          );
        }
      });
    });
  for (const [verb, description, fn] of [
    ['pause', 'pause a schedule (with --note why)', pauseSchedule],
    ['resume', 'resume a paused schedule', resumeSchedule],
  ] as const) {
    cmd
      .command(`${verb} <pipeline>`)
      .description(description)
      .option('--note <text>', 'why')
      .action(async (name: string, opts: { note?: string }) => {
        await withClient(async (client) => {
          await userErrors(fn(client, name, opts.note));
          console.log(`${verb === 'pause' ? 'paused' : 'resumed'} schedule/${name}`);
        });
      });
  }
  cmd
    .command('trigger <pipeline>')
    .description('run the schedule now (processes the interval that closed before now)')
    .action(async (name: string) => {
      await withClient(async (client) => {
        await userErrors(triggerSchedule(client, name));
        console.log(`triggered schedule/${name}`);
      });
    });
  cmd
    .command('delete <pipeline>')
    .description('delete a schedule (runs already started go on)')
    .action(async (name: string) => {
      await withClient(async (client) => {
        await userErrors(deleteSchedule(client, name));
        console.log(`deleted schedule/${name}`);
      });
    });
}
