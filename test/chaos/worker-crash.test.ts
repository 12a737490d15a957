// kill -9 of the worker in the middle of a large partition's COPY: the attempt's transaction dies
// with it, Temporal retries on a new worker, and the partition holds exactly the rows of a clean
// run (same count, same checksum), with nothing left half-written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import { testPipeline } from '../support/pipelines.ts';
import { workerFleet } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const ROWS = chaosScale().long ? 2_000_000 : 400_000;
let stack: TestStack;
const workers = workerFleet(() => stack);

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(async () => {
  await workers.stopAll();
  await stack?.close();
});

async function digest(partition: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids, md5(string_agg(event_id || ':' || source || ':' || value || ':' || occurred_at, '|' ORDER BY event_id)) AS digest
       FROM bronze.demo_events WHERE partition_date = $1`,
    [partition],
  );
  return rows[0];
}

describe('a worker killed during a large COPY', () => {
  it('ends with exactly the rows of a clean run', async () => {
    const pipeline = testPipeline('big-copy', [
      {
        id: 'land',
        activity: 'landDemoEvents',
        layer: 'bronze',
        params: { count: ROWS },
        heartbeatTimeout: '5 seconds',
        writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
      },
    ]);
    const worker = workers.start();
    await worker.waitFor(/worker running/);
    // The clean run, for the checksum, on another partition of the same generator.
    const clean = await startPipelineRun(stack.client, stack.config, pipeline, '2026-07-01', { params: { count: ROWS } });
    await clean.handle.result();

    const { handle } = await startPipelineRun(stack.client, stack.config, pipeline, '2026-07-02', { params: { count: ROWS } });
    // Wait until the COPY is well under way (rows are streaming inside the uncommitted transaction).
    for (;;) {
      const { rows } = await stack.pools.owner.query(
        `SELECT s.started_at FROM ops.step_runs s JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id WHERE r.workflow_id = 'big-copy/2026-07-02' AND s.status = 'running'`,
      );
      if (rows[0] && Date.now() - rows[0].started_at.getTime() > 400) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.kill('SIGKILL');
    const killedAt = Date.now();
    const halfWritten = await digest('2026-07-02');
    expect(halfWritten.n).toBe(0); // the dead attempt's rows never committed
    workers.start(); // the restarted worker finishes the run; afterAll stops every worker started
    const summary = await handle.result();
    expect(summary.status).toBe('succeeded');

    const [a, b] = [await digest('2026-07-01'), await digest('2026-07-02')];
    expect(b.n).toBe(ROWS);
    expect(b.ids).toBe(ROWS);
    // Same generator, different day: compare the partition against a fresh clean run of its own.
    const again = await startPipelineRun(stack.client, stack.config, pipeline, '2026-07-02', { params: { count: ROWS } });
    await again.handle.result();
    const cleanRerun = await digest('2026-07-02');
    expect(cleanRerun).toEqual(b);
    expect(a.n).toBe(ROWS);
    const { rows: attempts } = await stack.pools.owner.query(`SELECT attempt, status, error FROM ops.step_runs WHERE pipeline_run_id = $1 ORDER BY attempt`, [
      summary.runId,
    ]);
    expect(attempts.map((x) => x.status)).toEqual([...Array(attempts.length - 1).fill('failed'), 'succeeded']);
    expect(attempts[0].error).toMatch(/abandoned/);
    recordFigure('worker-crash-copy', {
      scenario: `Worker killed (SIGKILL) in the middle of a ${ROWS.toLocaleString('en-US')}-row COPY`,
      rowsExpected: ROWS,
      rowsAfterRecovery: b.n,
      rowsVisibleRightAfterTheKill: halfWritten.n,
      rowsLost: ROWS - b.ids,
      rowsDuplicated: b.n - b.ids,
      checksumEqualToCleanRun: cleanRerun.digest === b.digest ? 'yes' : 'no',
      secondsFromKillToDone: Math.round((Date.now() - killedAt) / 100) / 10,
      command: 'npm run test:chaos -- worker-crash',
    });
  }, 600_000);
});
