// The pipeline-run workflow on the real Temporal dev server and PostgreSQL: ordering, parallelism,
// retries, skips, checks, cancellation, idempotent re-runs and the run history in ops.
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
});
afterAll(() => stack?.close());

async function stepRows(runId: number) {
  const { rows } = await stack.pools.owner.query(
    `SELECT step_id, attempt, status, started_at, ended_at, error, task_queue FROM ops.step_runs WHERE pipeline_run_id = $1 ORDER BY step_id, attempt`,
    [runId],
  );
  return rows as { step_id: string; attempt: number; status: string; started_at: Date; ended_at: Date; error: string | null; task_queue: string }[];
}

async function tableDigest(table: string, partition: string): Promise<{ n: number; digest: string }> {
  const { rows } = await stack.pools.owner.query(
    `SELECT count(*)::int AS n, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${table} t WHERE partition_date = $1`,
    [partition],
  );
  return rows[0];
}

describe('pipeline runs', () => {
  it('runs the demo pipeline through every layer and records steps and lineage in ops', async () => {
    const summary = await runPipeline(stack, getPipeline('demo'), '2026-11-01');
    expect(summary.status).toBe('succeeded');
    expect(summary.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['land', 'succeeded'],
      ['clean', 'succeeded'],
      ['by_source', 'succeeded'],
      ['by_hour', 'succeeded'],
      ['summary', 'succeeded'],
    ]);
    const { rows: gold } = await stack.pools.owner.query(`SELECT events, sources FROM gold.demo_daily_summary WHERE partition_date = '2026-11-01'`);
    const silver = await tableDigest('silver.demo_events_clean', '2026-11-01');
    expect(gold).toEqual([{ events: silver.n, sources: 5 }]);

    const { rows: run } = await stack.pools.owner.query('SELECT status, trigger, workflow_id, ended_at FROM ops.pipeline_runs WHERE id = $1', [summary.runId]);
    expect(run[0]).toMatchObject({ status: 'succeeded', trigger: 'manual', workflow_id: 'demo/2026-11-01' });
    const steps = await stepRows(summary.runId);
    expect(steps.map((s) => [s.step_id, s.attempt, s.status])).toEqual([
      ['by_hour', 1, 'succeeded'],
      ['by_source', 1, 'succeeded'],
      ['clean', 1, 'succeeded'],
      ['land', 1, 'succeeded'],
      ['summary', 1, 'succeeded'],
    ]);
    expect(steps.find((s) => s.step_id === 'clean')!.task_queue).toBe(stack.taskQueues.compute);
    const { rows: lineage } = await stack.pools.owner.query(
      `SELECT s.step_id, l.direction, l.table_name, l.partition_key, l.rows FROM ops.lineage l JOIN ops.step_runs s ON s.id = l.step_run_id
        WHERE s.pipeline_run_id = $1 AND s.step_id = 'clean' ORDER BY l.direction`,
      [summary.runId],
    );
    expect(lineage).toEqual([
      { step_id: 'clean', direction: 'read', table_name: 'bronze.demo_events', partition_key: '2026-11-01', rows: 10_000 },
      { step_id: 'clean', direction: 'write', table_name: 'silver.demo_events_clean', partition_key: '2026-11-01', rows: silver.n },
    ]);
  });

  it('leaves exactly the rows of a clean run when a partition is run again', async () => {
    await runPipeline(stack, getPipeline('demo'), '2026-11-02');
    const tables = ['bronze.demo_events', 'silver.demo_events_clean', 'gold.demo_source_daily', 'gold.demo_hourly', 'gold.demo_daily_summary'];
    const first = await Promise.all(tables.map((t) => tableDigest(t, '2026-11-02')));
    await runPipeline(stack, getPipeline('demo'), '2026-11-02');
    const second = await Promise.all(tables.map((t) => tableDigest(t, '2026-11-02')));
    expect(second).toEqual(first);
    expect(first.every((d) => d.n > 0)).toBe(true);
  });

  it('runs independent steps in parallel and never starts a step before its dependencies end', async () => {
    const pipeline = testPipeline('diamond', [
      { id: 'a', activity: 'sleep', layer: 'bronze', params: { ms: 300 } },
      { id: 'b', activity: 'sleep', layer: 'silver', dependsOn: ['a'], params: { ms: 1500 } },
      { id: 'c', activity: 'sleep', layer: 'silver', dependsOn: ['a'], params: { ms: 1500 }, queue: 'compute' },
      { id: 'd', activity: 'sleep', layer: 'gold', dependsOn: ['b', 'c'], params: { ms: 100 } },
    ]);
    const summary = await runPipeline(stack, pipeline, '2026-11-03');
    expect(summary.status).toBe('succeeded');
    const steps = Object.fromEntries((await stepRows(summary.runId)).map((s) => [s.step_id, s]));
    const { a, b, c, d } = steps as Record<string, { started_at: Date; ended_at: Date }>;
    expect(b!.started_at.getTime()).toBeGreaterThanOrEqual(a!.ended_at.getTime());
    expect(c!.started_at.getTime()).toBeGreaterThanOrEqual(a!.ended_at.getTime());
    // b and c overlap: each starts before the other ends.
    expect(b!.started_at.getTime()).toBeLessThan(c!.ended_at.getTime());
    expect(c!.started_at.getTime()).toBeLessThan(b!.ended_at.getTime());
    expect(d!.started_at.getTime()).toBeGreaterThanOrEqual(Math.max(b!.ended_at.getTime(), c!.ended_at.getTime()));
  });

  it('retries a step that fails twice and then succeeds, recording every attempt', async () => {
    const pipeline = testPipeline('flaky', [
      { id: 'shaky', activity: 'flaky', layer: 'silver', params: { failTimes: 2 }, retry: { maximumAttempts: 5, initialInterval: '100 milliseconds' } },
      { id: 'after', activity: 'noop', layer: 'gold', dependsOn: ['shaky'] },
    ]);
    const summary = await runPipeline(stack, pipeline, '2026-11-04');
    expect(summary.status).toBe('succeeded');
    const steps = await stepRows(summary.runId);
    expect(steps.filter((s) => s.step_id === 'shaky').map((s) => [s.attempt, s.status, s.error])).toEqual([
      [1, 'failed', 'flaky step failed on attempt 1 of 3'],
      [2, 'failed', 'flaky step failed on attempt 2 of 3'],
      [3, 'succeeded', null],
    ]);
  });

  it('runs inline steps on the workflow worker, with every attempt and its log recorded as for any step', async () => {
    const pipeline = testPipeline('inline', [
      {
        id: 'shaky',
        activity: 'flaky',
        layer: 'silver',
        inline: true,
        params: { failTimes: 1 },
        retry: { maximumAttempts: 3, initialInterval: '100 milliseconds' },
      },
      { id: 'after', activity: 'noop', layer: 'gold', inline: true, dependsOn: ['shaky'] },
    ]);
    const { handle } = await startPipelineRun(stack.client, stack.config, pipeline, '2026-11-04');
    const summary = await handle.result();
    expect(summary.status).toBe('succeeded');
    const steps = await stepRows(summary.runId);
    expect(steps.map((s) => [s.step_id, s.attempt, s.status, s.error])).toEqual([
      ['after', 1, 'succeeded', null],
      ['shaky', 1, 'failed', 'flaky step failed on attempt 1 of 2'],
      ['shaky', 2, 'succeeded', null],
    ]);
    // The failed attempt's log holds its error, as for a step dispatched through a queue.
    const { rows: logs } = await stack.pools.owner.query(
      `SELECT l.message FROM ops.step_logs l JOIN ops.step_runs s ON s.id = l.step_run_id
        WHERE s.pipeline_run_id = $1 AND s.step_id = 'shaky' AND s.attempt = 1 AND l.level = 'error'`,
      [summary.runId],
    );
    expect(logs.map((l) => l.message)).toEqual(['flaky step failed on attempt 1 of 2']);
    // No activity task went through a queue: both steps ran inside the run's workflow tasks.
    const history = await handle.fetchHistory();
    expect(history.events?.filter((e) => e.eventType === 10 /* ACTIVITY_TASK_SCHEDULED */)).toEqual([]);
  });

  it('fails the run when a step keeps failing, skips its downstream, and keeps the error in ops', async () => {
    const pipeline = testPipeline('broken', [
      { id: 'ok', activity: 'noop', layer: 'bronze' },
      {
        id: 'bad',
        activity: 'fail',
        layer: 'silver',
        dependsOn: ['ok'],
        params: { message: 'disk on fire' },
        retry: { maximumAttempts: 2, initialInterval: '100 milliseconds' },
      },
      { id: 'side', activity: 'noop', layer: 'silver', dependsOn: ['ok'] },
      { id: 'down', activity: 'noop', layer: 'gold', dependsOn: ['bad'] },
      { id: 'further', activity: 'noop', layer: 'gold', dependsOn: ['down', 'side'] },
    ]);
    const summary = await runPipeline(stack, pipeline, '2026-11-05');
    expect(summary.status).toBe('failed');
    expect(Object.fromEntries(summary.steps.map((s) => [s.stepId, s.status]))).toEqual({
      ok: 'succeeded',
      bad: 'failed',
      side: 'succeeded',
      down: 'skipped',
      further: 'skipped',
    });
    const steps = await stepRows(summary.runId);
    expect(steps.filter((s) => s.step_id === 'bad').map((s) => [s.attempt, s.status, s.error])).toEqual([
      [1, 'failed', 'disk on fire'],
      [2, 'failed', 'disk on fire'],
    ]);
    expect(steps.find((s) => s.step_id === 'down')).toMatchObject({ attempt: 0, status: 'skipped', error: 'upstream bad did not succeed' });
    const { rows } = await stack.pools.owner.query('SELECT status, error FROM ops.pipeline_runs WHERE id = $1', [summary.runId]);
    expect(rows[0]).toEqual({ status: 'failed', error: 'bad: disk on fire' });
  });

  it('fails a step whose data-quality check fails, without retrying, and blocks its downstream', async () => {
    const pipeline = testPipeline('checked', [
      {
        id: 'land',
        activity: 'landDemoEvents',
        layer: 'bronze',
        params: { count: 50 },
        writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
        checks: [
          { kind: 'rowCount', table: 'bronze.demo_events', min: 1000 },
          { kind: 'range', table: 'bronze.demo_events', column: 'value', min: 0 },
        ],
      },
      { id: 'next', activity: 'noop', layer: 'silver', dependsOn: ['land'] },
    ]);
    const summary = await runPipeline(stack, pipeline, '2026-11-06');
    expect(summary.status).toBe('failed');
    const land = summary.steps.find((s) => s.stepId === 'land')!;
    expect(land.error).toMatch(
      /^data-quality check failed: rowCount\(bronze\.demo_events\): 50 rows \(expected ≥ 1000\); range\(bronze\.demo_events\.value\): \d+ rows with value outside \[0, ∞\]$/,
    );
    expect(summary.steps.find((s) => s.stepId === 'next')!.status).toBe('skipped');
    expect((await stepRows(summary.runId)).filter((s) => s.step_id === 'land')).toHaveLength(1);
  });

  it('never runs one partition twice at once: a second start attaches to the running run', async () => {
    const pipeline = testPipeline('slow', [{ id: 'wait', activity: 'sleep', layer: 'silver', params: { ms: 1500 } }]);
    const first = await startPipelineRun(stack.client, stack.config, pipeline, '2026-11-07');
    const second = await startPipelineRun(stack.client, stack.config, pipeline, '2026-11-07');
    expect(first.started).toBe(true);
    expect(second.started).toBe(false);
    expect(second.handle.workflowId).toBe('slow/2026-11-07');
    const [a, b] = await Promise.all([first.handle.result(), second.handle.result()]);
    expect(b.runId).toBe(a.runId);
    const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM ops.pipeline_runs WHERE workflow_id = 'slow/2026-11-07'`);
    expect(rows[0].n).toBe(1);
  });

  it('honours cancellation: the running step is cancelled and nothing downstream starts', async () => {
    const pipeline = testPipeline('cancel', [
      { id: 'long', activity: 'sleep', layer: 'silver', params: { ms: 60_000 }, heartbeatTimeout: '5 seconds' },
      { id: 'after', activity: 'noop', layer: 'gold', dependsOn: ['long'] },
    ]);
    const { handle } = await startPipelineRun(stack.client, stack.config, pipeline, '2026-11-08');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await stack.pools.owner.query(
        `SELECT 1 FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.workflow_id = 'cancel/2026-11-08' AND s.status = 'running'`,
      );
      if (rows.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const started = Date.now();
    await handle.cancel();
    const error = await handle.result().catch((e) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(error.cause).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(15_000);
    const { rows } = await stack.pools.owner.query(`SELECT id, status FROM ops.pipeline_runs WHERE workflow_id = 'cancel/2026-11-08'`);
    expect(rows.map((r) => r.status)).toEqual(['cancelled']);
    const steps = await stepRows(rows[0].id);
    expect(steps.map((s) => [s.step_id, s.attempt, s.status])).toEqual([
      ['after', 0, 'cancelled'],
      ['long', 1, 'cancelled'],
    ]);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });
});
