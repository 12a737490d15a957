// Backfills on the real servers: a bounded sliding window of partition runs, only-failed mode,
// cancellation, and continue-as-new over hundreds of partitions.
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureSummary, startBackfill } from '../../engine/temporal/runs.ts';
import { backfillProgressQuery, type BackfillProgress } from '../../engine/workflows/backfill.ts';
import { testPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
});
afterAll(() => stack?.close());

async function runsOf(backfillId: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT partition_key, status, started_at, ended_at FROM ops.pipeline_runs WHERE backfill_id = $1 ORDER BY partition_key`,
    [backfillId],
  );
  return rows as { partition_key: string; status: string; started_at: Date; ended_at: Date | null }[];
}

/** The largest number of runs whose [started_at, ended_at] intervals overlap at one instant. */
function maxOverlap(runs: { started_at: Date; ended_at: Date | null }[]): number {
  const events = runs.flatMap((r) => [
    [r.started_at.getTime(), 1],
    [(r.ended_at ?? new Date()).getTime(), -1],
  ]) as [number, number][];
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of events) max = Math.max(max, (now += d));
  return max;
}

async function failureOf(p: Promise<unknown>): Promise<BackfillProgress> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  expect(e).toBeInstanceOf(WorkflowFailedError);
  return failureSummary<BackfillProgress>(e)!;
}

describe('backfills', () => {
  it('keeps at most N partition runs going at once', async () => {
    const pipeline = testPipeline('window', [{ id: 'work', activity: 'sleep', layer: 'silver', params: { ms: 400 } }]);
    const handle = await startBackfill(stack.client, stack.config, pipeline, { range: { from: '2026-01-01', to: '2026-02-01' }, concurrency: 3 });
    const result = await handle.result();
    expect(result).toMatchObject({ total: 32, succeeded: 32, failed: 0, pending: 0, running: 0 });
    const runs = await runsOf(handle.workflowId);
    expect(runs).toHaveLength(32);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    expect(maxOverlap(runs)).toBe(3);
    const { rows } = await stack.pools.owner.query('SELECT status, partitions, concurrency, counts FROM ops.backfills WHERE id = $1', [handle.workflowId]);
    expect(rows[0]).toMatchObject({ status: 'succeeded', partitions: 32, concurrency: 3, counts: { succeeded: 32, failed: 0 } });
  });

  it('re-runs exactly the failed partitions in only-failed mode', async () => {
    const pipeline = testPipeline('patchy', [{ id: 'maybe', activity: 'fail', layer: 'silver', retry: { maximumAttempts: 1 } }]);
    const broken = ['2026-03-03', '2026-03-07'];
    const first = await startBackfill(stack.client, stack.config, pipeline, {
      range: { from: '2026-03-01', to: '2026-03-10' },
      concurrency: 4,
      params: { partitions: broken },
    });
    const progress = await failureOf(first.result());
    expect(progress).toMatchObject({ total: 10, succeeded: 8, failed: 2 });
    expect(progress.failures.map((f) => f.partition).sort()).toEqual(broken);

    const retry = await startBackfill(stack.client, stack.config, pipeline, {
      range: { from: '2026-03-01', to: '2026-03-10' },
      concurrency: 4,
      onlyFailed: true,
      params: { partitions: [] },
    });
    expect(await retry.result()).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    expect((await runsOf(retry.workflowId)).map((r) => r.partition_key)).toEqual(broken);
  });

  it('stops on cancel: running partitions are cancelled and nothing new starts', async () => {
    const pipeline = testPipeline('stoppable', [{ id: 'long', activity: 'sleep', layer: 'silver', params: { ms: 30_000 }, heartbeatTimeout: '5 seconds' }]);
    const handle = await startBackfill(stack.client, stack.config, pipeline, { range: { from: '2026-04-01', to: '2026-04-10' }, concurrency: 2 });
    for (let i = 0; i < 100; i++) {
      const p = await handle.query(backfillProgressQuery).catch(() => undefined);
      if (p?.running === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.cancel();
    const error = await handle.result().then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(error.cause).toBeInstanceOf(CancelledFailure);
    const runs = await runsOf(handle.workflowId);
    expect(runs).toHaveLength(2);
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    const { rows } = await stack.pools.owner.query('SELECT status, counts FROM ops.backfills WHERE id = $1', [handle.workflowId]);
    expect(rows[0]).toMatchObject({ status: 'cancelled', counts: { cancelled: 2, pending: 8, succeeded: 0 } });
  });

  it('continues as new over hundreds of partitions and finishes them all', async () => {
    const pipeline = testPipeline('long-range', [{ id: 'tick', activity: 'noop', layer: 'bronze' }], { kind: 'keys' });
    const keys = Array.from({ length: 310 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    const handle = await startBackfill(stack.client, stack.config, pipeline, { range: { keys }, concurrency: 12, childrenPerRun: 100 });
    const result = await handle.result();
    expect(result).toMatchObject({ total: 310, succeeded: 310, failed: 0, pending: 0 });
    expect(result.continuedAsNew).toBe(3);
    const runs = await runsOf(handle.workflowId);
    expect(runs.map((r) => r.partition_key)).toEqual(keys);
    expect(maxOverlap(runs)).toBeLessThanOrEqual(12);
  }, 300_000);
});
