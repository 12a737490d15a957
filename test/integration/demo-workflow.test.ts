// End to end on the real servers: a workflow runs an activity that COPY-writes rows to bronze.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoEvents } from '../../lib/demo-events.ts';
import { landDemoEventsWorkflow } from '../../workflows/index.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers(['io']);
});
afterAll(() => stack?.close());

async function land(partition: string, count: number) {
  return stack.client.workflow.execute(landDemoEventsWorkflow, {
    taskQueue: stack.taskQueues.io,
    workflowId: `demo-events/${partition}/${Math.random()}`,
    args: [{ partition, count }],
  });
}

describe('the foundation workflow', () => {
  it('lands a partition in bronze through Temporal, with exactly the generated rows', async () => {
    const result = await land('2026-11-01', 25_000);
    expect(result).toEqual({ rowsWritten: 25_000, rowsReplaced: 0 });
    const { rows } = await stack.pools.owner.query(
      "SELECT event_id, source, value, attributes, occurred_at FROM bronze.demo_events WHERE partition_date = '2026-11-01' ORDER BY event_id",
    );
    const expected = [...demoEvents('2026-11-01', 25_000)];
    expect(rows).toHaveLength(expected.length);
    for (const i of [0, 1, 777, 24_999]) {
      expect(rows[i]).toEqual({
        event_id: expected[i]!.eventId,
        source: expected[i]!.source,
        value: expected[i]!.value,
        attributes: expected[i]!.attributes,
        occurred_at: expected[i]!.occurredAt,
      });
    }
  });

  it('is idempotent: running a partition again leaves the rows of one clean run', async () => {
    await land('2026-11-02', 1000);
    const again = await land('2026-11-02', 1000);
    expect(again).toEqual({ rowsWritten: 1000, rowsReplaced: 1000 });
    const { rows } = await stack.pools.owner.query(
      "SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS ids FROM bronze.demo_events WHERE partition_date = '2026-11-02'",
    );
    expect(rows[0]).toEqual({ n: 1000, ids: 1000 });
  });
});
