// Pipeline schedules on Temporal Schedules: one schedule per pipeline (id `schedule/<pipeline>`),
// cron with time zone, catch-up window, overlap policy, jitter, pause/resume with a note.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleDescription } from '@temporalio/client';
import type { Config } from '../../lib/config.ts';
import { partitionForScheduledStart } from '../pipeline/partitions.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { scheduledRun } from '../workflows/index.ts';
import { searchAttributes } from './identity.ts';

export const overlapPolicies = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'] as const;
export type OverlapPolicy = (typeof overlapPolicies)[number];

export function scheduleId(pipeline: string): string {
  return `schedule/${pipeline}`;
}

export class ScheduleError extends Error {
  override name = 'ScheduleError';
}

export interface ScheduleRequest {
  /** Standard 5-field cron, e.g. "0 1 * * *" (01:00 every day). */
  cron?: string;
  /** Or an interval such as "1 hour" or "30 seconds" (used instead of cron). */
  every?: string;
  timezone?: string;
  /** How far back missed runs are caught up after downtime, e.g. "1 day" (Temporal's default: 1 year). */
  catchupWindow?: string;
  overlap?: OverlapPolicy;
  /** Random delay added to each run, e.g. "5 minutes", to spread load. */
  jitter?: string;
  paused?: boolean;
  note?: string;
  params?: Record<string, unknown>;
  taskQueues?: Config['taskQueues'];
}

export async function createSchedule(client: Client, config: Config, pipeline: PipelineDefinition, request: ScheduleRequest): Promise<string> {
  // Refuse what can never run (key-partitioned pipelines have no "interval that just closed").
  partitionForScheduledStart(pipeline.partitioning, new Date(0), pipeline.name);
  const cron = request.cron ?? (request.every ? undefined : pipeline.schedule?.cron);
  if (!cron && !request.every) throw new ScheduleError(`${pipeline.name}: give --cron or --every (the pipeline suggests none)`);
  const timezone = request.timezone ?? pipeline.schedule?.timezone ?? (pipeline.partitioning.kind === 'keys' ? 'UTC' : pipeline.partitioning.timezone);
  const overlap = request.overlap ?? 'skip';
  if (!overlapPolicies.includes(overlap)) throw new ScheduleError(`--overlap: must be one of ${overlapPolicies.join(', ')}`);
  const queues = request.taskQueues ?? config.taskQueues;
  const id = scheduleId(pipeline.name);
  await client.schedule.create({
    scheduleId: id,
    spec: {
      cronExpressions: cron ? [cron] : undefined,
      intervals: request.every ? [{ every: request.every as never }] : undefined,
      timezone,
      jitter: request.jitter as never,
    },
    action: {
      type: 'startWorkflow',
      workflowType: scheduledRun,
      taskQueue: queues.io,
      workflowId: `scheduled/${pipeline.name}`,
      args: [{ pipeline: pipeline.name, computeQueue: queues.compute, params: request.params }],
      typedSearchAttributes: searchAttributes(pipeline.name, 'schedule'),
    },
    policies: {
      overlap: overlap.toUpperCase().replace(/-/g, '_') as (typeof ScheduleOverlapPolicy)[keyof typeof ScheduleOverlapPolicy],
      catchupWindow: (request.catchupWindow ?? '1 day') as never,
    },
    state: { paused: request.paused ?? false, note: request.note ?? `created by refinery for ${pipeline.name}` },
    // Temporal compiles cron into calendar specs; keep what the operator wrote, to show it back.
    memo: { spec: cron ? `cron ${cron}` : `every ${request.every}` },
  });
  return id;
}

export interface ScheduleSummary {
  id: string;
  pipeline: string;
  spec: string;
  timezone: string;
  paused: boolean;
  note?: string;
  overlap: string;
  nextRuns: string[];
  recentRuns: { scheduledAt: string; workflowId: string }[];
}

function summarise(id: string, d: ScheduleDescription): ScheduleSummary {
  const spec = typeof d.memo?.spec === 'string' ? d.memo.spec : `${(d.spec.calendars ?? []).length} calendar specs`;
  const args = d.action.type === 'startWorkflow' ? (d.action.args?.[0] as { pipeline?: string } | undefined) : undefined;
  return {
    id,
    pipeline: args?.pipeline ?? id.replace(/^schedule\//, ''),
    spec,
    timezone: d.spec.timezone ?? 'UTC',
    paused: d.state.paused,
    note: d.state.note,
    overlap: String(d.policies.overlap).toLowerCase().replace(/_/g, '-'),
    nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
    recentRuns: d.info.recentActions.slice(-3).map((a) => ({
      scheduledAt: a.scheduledAt.toISOString(),
      workflowId: a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : '',
    })),
  };
}

async function describe(client: Client, pipeline: string) {
  const handle = client.schedule.getHandle(scheduleId(pipeline));
  try {
    return { handle, description: await handle.describe() };
  } catch (e) {
    if (e instanceof ScheduleNotFoundError) throw new ScheduleError(`no schedule for pipeline "${pipeline}"`);
    throw e;
  }
}

export async function listSchedules(client: Client): Promise<ScheduleSummary[]> {
  const out: ScheduleSummary[] = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith('schedule/')) continue;
    // The list comes from visibility, which trails a deletion: a schedule listed may be gone.
    const description = await client.schedule
      .getHandle(s.scheduleId)
      .describe()
      .catch((e: unknown) => {
        if (e instanceof ScheduleNotFoundError) return null;
        throw e;
      });
    if (description) out.push(summarise(s.scheduleId, description));
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export async function showSchedule(client: Client, pipeline: string): Promise<ScheduleSummary> {
  const { description } = await describe(client, pipeline);
  return summarise(scheduleId(pipeline), description);
}

export async function pauseSchedule(client: Client, pipeline: string, note?: string): Promise<void> {
  const { handle } = await describe(client, pipeline);
  await handle.pause(note ?? 'paused with refinery');
}

export async function resumeSchedule(client: Client, pipeline: string, note?: string): Promise<void> {
  const { handle } = await describe(client, pipeline);
  await handle.unpause(note ?? 'resumed with refinery');
}

/** Starts the scheduled action now (its partition derives from now, as for a tick at this time). */
export async function triggerSchedule(client: Client, pipeline: string): Promise<void> {
  const { handle } = await describe(client, pipeline);
  await handle.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
}

export async function deleteSchedule(client: Client, pipeline: string): Promise<void> {
  const { handle } = await describe(client, pipeline);
  await handle.delete();
}
