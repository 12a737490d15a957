// Recording a step attempt's success in ops, on the real database: one statement writes the attempt,
// its checks and its lineage and marks abandoned predecessors; recording it again (a retried or
// racing recording) replaces the checks and lineage exactly, never leaving a second row for the attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABANDONED, recordAttemptStart, recordAttemptSuccess, recordRunStart, type StepKey } from '../../engine/history/run-history.ts';
import type { CheckResult } from '../../engine/pipeline/types.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let key: StepKey;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  const runId = await recordRunStart(stack.pools.worker, {
    workflowId: 'wf-record',
    runId: 'r1',
    pipeline: 'demo',
    partition: '2026-01-01',
    trigger: 'manual',
    params: {},
  });
  key = { runId, stepId: 'clean', activity: 'cleanDemoEvents', taskQueue: 'compute', layer: 'silver' };
});
afterAll(() => stack?.close());

const check = (name: string, passed: boolean, observed: number): CheckResult => ({
  check: name,
  severity: 'error',
  passed,
  observed,
  detail: `${observed} seen`,
});

async function recorded() {
  const db = stack.pools.owner;
  const { rows: attempts } = await db.query(
    'SELECT attempt, status, error, rows_written FROM ops.step_runs WHERE pipeline_run_id = $1 AND step_id = $2 ORDER BY attempt',
    [key.runId, key.stepId],
  );
  const { rows: checks } = await db.query(
    `SELECT c.position, c.name, c.passed, c.observed FROM ops.check_results c JOIN ops.step_runs s ON s.id = c.step_run_id
      WHERE s.pipeline_run_id = $1 AND s.attempt = 2 ORDER BY c.position`,
    [key.runId],
  );
  const { rows: lineage } = await db.query(
    `SELECT l.direction, l.table_name, l.partition_key, l.rows::int AS rows FROM ops.lineage l JOIN ops.step_runs s ON s.id = l.step_run_id
      WHERE s.pipeline_run_id = $1 AND s.attempt = 2 ORDER BY l.direction, l.table_name, l.partition_key`,
    [key.runId],
  );
  return { attempts, checks, lineage };
}

describe('recording an attempt that succeeded', () => {
  it('writes the attempt, its checks and its lineage, and marks an earlier attempt still running abandoned', async () => {
    await recordAttemptStart(stack.pools.worker, key, 1);
    await recordAttemptSuccess(stack.pools.worker, key, {
      attempt: 2,
      rows: {
        rowsWritten: 7,
        lineage: {
          reads: [{ table: 'bronze.demo_events', partition: '2026-01-01', rows: 10 }],
          // Named twice: the last count is kept.
          writes: [
            { table: 'silver.demo_events_clean', partition: '2026-01-01', rows: 5 },
            { table: 'silver.demo_events_clean', partition: '2026-01-01', rows: 7 },
            { table: 'gold.unpartitioned', partition: null },
          ],
        },
      },
      checks: [check('rowCount', true, 7), check('unique', true, 0), check('range', false, 2)],
    });
    const r = await recorded();
    expect(r.attempts).toEqual([
      { attempt: 1, status: 'failed', error: ABANDONED, rows_written: null },
      { attempt: 2, status: 'succeeded', error: null, rows_written: 7 },
    ]);
    expect(r.checks).toEqual([
      { position: 0, name: 'rowCount', passed: true, observed: 7 },
      { position: 1, name: 'unique', passed: true, observed: 0 },
      { position: 2, name: 'range', passed: false, observed: 2 },
    ]);
    expect(r.lineage).toEqual([
      { direction: 'read', table_name: 'bronze.demo_events', partition_key: '2026-01-01', rows: 10 },
      { direction: 'write', table_name: 'gold.unpartitioned', partition_key: null, rows: null },
      { direction: 'write', table_name: 'silver.demo_events_clean', partition_key: '2026-01-01', rows: 7 },
    ]);
  });

  it('recorded again, replaces its checks and lineage exactly (fewer of each) and keeps one row for the attempt', async () => {
    await recordAttemptSuccess(stack.pools.worker, key, {
      attempt: 2,
      rows: { rowsWritten: 8, lineage: { reads: [], writes: [{ table: 'silver.demo_events_clean', partition: '2026-01-01', rows: 8 }] } },
      checks: [check('notNull', false, 1)],
    });
    const r = await recorded();
    expect(r.attempts.map((a) => [a.attempt, a.status, a.rows_written])).toEqual([
      [1, 'failed', null],
      [2, 'succeeded', 8],
    ]);
    expect(r.checks).toEqual([{ position: 0, name: 'notNull', passed: false, observed: 1 }]);
    expect(r.lineage).toEqual([{ direction: 'write', table_name: 'silver.demo_events_clean', partition_key: '2026-01-01', rows: 8 }]);
  });

  it('without checks (an older recording) keeps the checks on record; racing recordings leave one record', async () => {
    const again = () =>
      recordAttemptSuccess(stack.pools.worker, key, {
        attempt: 2,
        rows: { rowsWritten: 9, lineage: { reads: [{ table: 'bronze.demo_events', partition: '2026-01-01', rows: 10 }], writes: [] } },
      });
    await Promise.all([again(), again(), again()]);
    const r = await recorded();
    expect(r.attempts.map((a) => [a.attempt, a.status, a.rows_written])).toEqual([
      [1, 'failed', null],
      [2, 'succeeded', 9],
    ]);
    expect(r.checks).toEqual([{ position: 0, name: 'notNull', passed: false, observed: 1 }]);
    expect(r.lineage).toEqual([{ direction: 'read', table_name: 'bronze.demo_events', partition_key: '2026-01-01', rows: 10 }]);
  });
});
