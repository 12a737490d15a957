// Pools on the real stack: 20 runs started at once never have more steps inside a 2-slot pool than
// it has slots (counted by the steps themselves, in PostgreSQL); a worker killed with SIGKILL while
// its step holds the only slot does not leak it, and neither does a holder that is terminated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import { poolStateQuery } from '../../engine/workflows/index.ts';
import { summaryOf, testPipeline } from '../support/pipelines.ts';
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

async function peak(probe: string) {
  const { rows } = await stack.pools.owner.query('SELECT peak, entries FROM ops.concurrency_peaks WHERE probe = $1', [probe]);
  return rows[0] as { peak: number; entries: number };
}

const pooled = (name: string, pool: { name: string; slots: number }, ms: number) =>
  testPipeline(name, [
    { id: 'prepare', activity: 'noop', layer: 'bronze' },
    { id: 'load', activity: 'probe', layer: 'silver', dependsOn: ['prepare'], pool, params: { probe: pool.name, ms }, heartbeatTimeout: '2 seconds' },
  ]);

describe('pools', () => {
  it('never lets more steps into a pool than it has slots, across 20 concurrent runs', async () => {
    const running = await stack.startWorkers();
    const pipeline = pooled('warehouse_loads', { name: 'warehouse', slots: 2 }, 300);
    const started = await Promise.all(
      Array.from({ length: 20 }, (_, i) => startPipelineRun(stack.client, stack.config, pipeline, `2026-01-${String(i + 1).padStart(2, '0')}`)),
    );
    const summaries = await Promise.all(started.map((s) => summaryOf(s.handle.result())));
    expect(summaries.every((s) => s.status === 'succeeded')).toBe(true);
    expect(await peak('warehouse')).toEqual({ peak: 2, entries: 20 });
    const state = await stack.client.workflow.getHandle('pool/warehouse').query(poolStateQuery);
    expect(state).toMatchObject({ name: 'warehouse', slots: 2, holders: [], waiting: [], granted: 20 });
    await running.stop();
  }, 120_000);

  it("gets a SIGKILLed worker's slot back, and a terminated holder's", async () => {
    const first = startRefinery(['worker', '--queue', 'all'], stackEnv(stack));
    workers.push(first);
    await first.waitFor(/worker running/);
    const pipeline = pooled('kiln_loads', { name: 'kiln', slots: 1 }, 4000);
    const holder = await startPipelineRun(stack.client, stack.config, pipeline, '2026-02-01');
    // Wait until the holder's step is inside the pool, on the first worker.
    for (;;) {
      const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM ops.concurrency_probes WHERE probe = 'kiln'`);
      if (rows[0].n === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const waiter = await startPipelineRun(stack.client, stack.config, pipeline, '2026-02-02');
    await first.kill('SIGKILL');
    const second = startRefinery(['worker', '--queue', 'all'], stackEnv(stack));
    workers.push(second);
    await second.waitFor(/worker running/);

    const [held, waited] = await Promise.all([summaryOf(holder.handle.result()), summaryOf(waiter.handle.result())]);
    expect([held.status, waited.status]).toEqual(['succeeded', 'succeeded']);
    // The killed attempt was retried under the same lease; the slot was never handed out twice.
    expect(held.steps.find((s) => s.stepId === 'load')!.attempt).toBe(2);
    expect((await peak('kiln')).peak).toBe(1);

    // A holder terminated mid-step never releases: the pool finds it gone and hands the slot on.
    const doomed = await startPipelineRun(stack.client, stack.config, pooled('kiln_loads', { name: 'kiln', slots: 1 }, 60_000), '2026-02-03');
    for (;;) {
      const state = await stack.client.workflow.getHandle('pool/kiln').query(poolStateQuery);
      if (state.holders.some((h) => h.holder.workflowId === doomed.handle.workflowId)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const next = await startPipelineRun(stack.client, stack.config, pipeline, '2026-02-04');
    await doomed.handle.terminate('test: a holder that dies without releasing');
    // The terminated step's probe row stays behind (its process never counted out); drop it so the
    // next step's count is its own.
    await stack.pools.owner.query(`DELETE FROM ops.concurrency_probes WHERE probe = 'kiln'`);
    const after = await summaryOf(next.handle.result());
    expect(after.status).toBe('succeeded');
    const state = await stack.client.workflow.getHandle('pool/kiln').query(poolStateQuery);
    expect(state.holders).toEqual([]);
  }, 180_000);
});
