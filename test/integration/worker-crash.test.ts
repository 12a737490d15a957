// kill -9 of the worker process in the middle of a backfill: a new worker picks the work up, the
// backfill finishes, no partition runs twice at once, and the tables hold the rows of a clean run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { testPipeline } from '../support/pipelines.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
const workers: RefineryProcess[] = [];
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await stack?.close();
});

function startWorker(): RefineryProcess {
  const worker = startRefinery(['worker', '--queue', 'all'], stackEnv(stack));
  workers.push(worker);
  return worker;
}

describe('a worker killed during a backfill', () => {
  it('loses nothing: a new worker finishes the backfill with exactly one run and one copy of every partition', async () => {
    const pipeline = testPipeline('crashy', [
      {
        id: 'land',
        activity: 'landDemoEvents',
        layer: 'bronze',
        params: { count: 3000 },
        heartbeatTimeout: '3 seconds',
        writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
        checks: [{ kind: 'unique', table: 'bronze.demo_events', columns: ['event_id'] }],
      },
      { id: 'settle', activity: 'sleep', layer: 'silver', dependsOn: ['land'], params: { ms: 700 }, heartbeatTimeout: '3 seconds' },
    ]);
    const first = startWorker();
    await first.waitFor(/worker running/);
    const handle = await startBackfill(stack.client, stack.config, pipeline, { range: { from: '2026-05-01', to: '2026-05-20' }, concurrency: 3 });

    // Let a few partitions finish, then kill -9 while a 700 ms step has just started (so it is cut short).
    for (;;) {
      const { rows } = await stack.pools.owner.query(
        `SELECT (SELECT count(*) FROM ops.pipeline_runs WHERE backfill_id = $1 AND status = 'succeeded')::int AS done,
                (SELECT count(*) FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id
                  WHERE r.backfill_id = $1 AND s.step_id = 'settle' AND s.status = 'running' AND s.started_at > now() - interval '250 milliseconds')::int AS fresh`,
        [handle.workflowId],
      );
      if (rows[0].done >= 4 && rows[0].fresh > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.kill('SIGKILL');
    const second = startWorker();
    await second.waitFor(/worker running/);

    const result = await handle.result();
    expect(result).toMatchObject({ total: 20, succeeded: 20, failed: 0 });

    const { rows: runs } = await stack.pools.owner.query(
      `SELECT partition_key, count(*)::int AS runs, bool_and(status = 'succeeded') AS ok FROM ops.pipeline_runs WHERE backfill_id = $1 GROUP BY 1`,
      [handle.workflowId],
    );
    expect(runs).toHaveLength(20);
    expect(runs.every((r) => r.runs === 1 && r.ok)).toBe(true);
    const { rows: data } = await stack.pools.owner.query(
      `SELECT partition_date::text AS day, count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM bronze.demo_events
        WHERE partition_date BETWEEN '2026-05-01' AND '2026-05-20' GROUP BY 1 ORDER BY 1`,
    );
    expect(data).toHaveLength(20);
    expect(data.every((d) => d.n === 3000 && d.ids === 3000)).toBe(true);
    // Attempts cut short by the kill are on record as abandoned, and none is left "running".
    const { rows: attempts } = await stack.pools.owner.query(
      `SELECT s.status, s.error FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.backfill_id = $1 AND s.attempt > 1`,
      [handle.workflowId],
    );
    expect(attempts.length).toBeGreaterThan(0);
    const { rows: stale } = await stack.pools.owner.query(
      `SELECT count(*)::int AS n FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.backfill_id = $1 AND s.status = 'running'`,
      [handle.workflowId],
    );
    expect(stale[0].n).toBe(0);
  }, 240_000);
});
