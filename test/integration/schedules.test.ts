// Pipeline schedules on real Temporal Schedules: a triggered run processes the interval that closed
// before its scheduled time, pause stops new runs, resume starts them again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { partitionForScheduledStart } from '../../engine/pipeline/partitions.ts';
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  showSchedule,
  triggerSchedule,
} from '../../engine/temporal/schedules.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
});
afterAll(async () => {
  await deleteSchedule(stack.client, 'demo').catch(() => {});
  await stack?.close();
});

async function scheduledRuns() {
  const { rows } = await stack.pools.owner.query(
    `SELECT partition_key, status, scheduled_start FROM ops.pipeline_runs WHERE trigger = 'schedule' ORDER BY started_at`,
  );
  return rows as { partition_key: string; status: string; scheduled_start: Date }[];
}

describe('schedules', () => {
  it('triggered now, runs the partition that closed before the scheduled time', async () => {
    const demo = getPipeline('demo');
    await createSchedule(stack.client, stack.config, demo, { cron: '0 1 * * *', timezone: 'UTC', taskQueues: stack.taskQueues, note: 'nightly' });
    const shown = await showSchedule(stack.client, 'demo');
    expect(shown).toMatchObject({ pipeline: 'demo', spec: 'cron 0 1 * * *', timezone: 'UTC', paused: false, overlap: 'skip', note: 'nightly' });
    expect(new Date(shown.nextRuns[0]!).getUTCHours()).toBe(1);

    const before = Date.now();
    await triggerSchedule(stack.client, 'demo');
    const run = await until('the scheduled run to finish', async () => (await scheduledRuns()).find((r) => r.status !== 'running'));
    expect(run.status).toBe('succeeded');
    expect(run.scheduled_start.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(run.partition_key).toBe(partitionForScheduledStart(demo.partitioning, run.scheduled_start));
    expect(run.partition_key).toBe(new Date(run.scheduled_start.getTime() - 86_400_000).toISOString().slice(0, 10));
    await deleteSchedule(stack.client, 'demo');
    expect(await listSchedules(stack.client)).toEqual([]);
  });

  it('starts no runs while paused, and starts them again when resumed', async () => {
    await createSchedule(stack.client, stack.config, getPipeline('demo'), { every: '2 seconds', taskQueues: stack.taskQueues });
    const initial = (await scheduledRuns()).length;
    await until('a run from the schedule', async () => ((await scheduledRuns()).length > initial ? true : undefined));
    await pauseSchedule(stack.client, 'demo', 'maintenance window');
    expect(await showSchedule(stack.client, 'demo')).toMatchObject({ paused: true, note: 'maintenance window' });
    await until('in-flight runs to end', async () => ((await scheduledRuns()).every((r) => r.status !== 'running') ? true : undefined));
    const paused = (await scheduledRuns()).length;
    await new Promise((r) => setTimeout(r, 6000));
    expect((await scheduledRuns()).length).toBe(paused);
    await resumeSchedule(stack.client, 'demo', 'back');
    await until('a run after resuming', async () => ((await scheduledRuns()).length > paused ? true : undefined));
  }, 90_000);
});
