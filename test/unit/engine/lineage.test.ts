// A step reports rows per declared table; the step runner derives totals and lineage from them and
// refuses a table the step did not declare, failing the step for good with a message that names it.
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/activity';
import { describe, expect, it } from 'vitest';
import { runStep } from '../../../engine/activities/step-runner.ts';
import type { ActivityDeps } from '../../../engine/activities/deps.ts';
import { resolveStepRows, UndeclaredTableError } from '../../../engine/pipeline/lineage.ts';
import type { StepInput } from '../../../engine/pipeline/types.ts';
import { createLogger } from '../../../lib/log.ts';

const day = (table: string) => ({ table, partitionColumn: 'partition_date' });
const step = {
  stepId: 'predict',
  partition: '2026-03-01',
  reads: [day('silver.imu_windows'), { table: 'registry.model_versions' }],
  writes: [day('gold.window_predictions')],
};

describe('rows per declared table', () => {
  it('derives totals and lineage: the run partition for partitioned tables, the whole table otherwise', () => {
    const rows = resolveStepRows(step, { read: { 'silver.imu_windows': 120, 'registry.model_versions': 1 }, written: { 'gold.window_predictions': 120 } });
    expect(rows).toEqual({
      rowsRead: 121,
      rowsWritten: 120,
      lineage: {
        reads: [
          { table: 'silver.imu_windows', partition: '2026-03-01', rows: 120 },
          { table: 'registry.model_versions', partition: null, rows: 1 },
        ],
        writes: [{ table: 'gold.window_predictions', partition: '2026-03-01', rows: 120 }],
      },
    });
  });

  it('lists every declared table, without counts, when the step reports none in that direction', () => {
    const rows = resolveStepRows(step, { written: { 'gold.window_predictions': 5 } });
    expect(rows.rowsRead).toBeUndefined();
    expect(rows.lineage.reads.map((e) => [e.table, e.partition, e.rows])).toEqual([
      ['silver.imu_windows', '2026-03-01', undefined],
      ['registry.model_versions', null, undefined],
    ]);
  });

  it('takes other partitions from the step when it read several days', () => {
    const rows = resolveStepRows(step, {
      read: { 'silver.imu_windows': 300 },
      partitions: { reads: ['2026-02-27', '2026-02-28'].map((p) => ({ table: 'silver.imu_windows', partition: p })) },
    });
    expect(rows.lineage.reads).toEqual([
      { table: 'silver.imu_windows', partition: '2026-02-27', rows: undefined },
      { table: 'silver.imu_windows', partition: '2026-02-28', rows: undefined },
    ]);
    expect(rows.rowsRead).toBe(300);
  });

  it('refuses a table outside the declaration, naming the step, the table and what was declared', () => {
    expect(() => resolveStepRows(step, { written: { 'gold.window_predictions': 5, 'registry.predictions': 1 } })).toThrow(
      new UndeclaredTableError(
        'step "predict" wrote registry.predictions, which is not in its writes (declared: gold.window_predictions); declare it in the pipeline definition',
      ),
    );
    expect(() => resolveStepRows({ ...step, writes: [] }, { partitions: { writes: [{ table: 'gold.x', partition: null }] } })).toThrow(
      /step "predict" wrote gold\.x, which is not in its writes \(declared: none\)/,
    );
    expect(() => resolveStepRows(step, { read: { 'silver.imu_windows': -1 } })).toThrow(/reported -1 rows for silver\.imu_windows/);
  });
});

describe('the step runner', () => {
  const environment = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  const deps = {
    // Recording is best effort: a database that refuses every query must not change the outcome.
    pools: {
      worker: {
        query: async () => {
          throw new Error('no database in this test');
        },
      },
    },
    log: createLogger('silent', 'test'),
  } as unknown as ActivityDeps;
  const input: StepInput = { pipeline: 'p', layer: 'gold', runId: 1, params: {}, ...step, checks: [] };

  it('fails a step that reports an undeclared table, for good (no retry)', async () => {
    const activity = runStep('predictExerciseWindows', async () => ({ written: { 'registry.predictions': 1 } }), deps);
    const failure = await environment()
      .run(activity, input)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).type).toBe('UndeclaredTableError');
    expect((failure as ApplicationFailure).message).toMatch(/^step "predict" wrote registry\.predictions, which is not in its writes/);
  });

  it('returns the totals and lineage of a step that stays within its declaration', async () => {
    const activity = runStep('predictExerciseWindows', async () => ({ written: { 'gold.window_predictions': 7 }, metrics: { model: 'm' } }), deps);
    const report = await environment().run(activity, input);
    expect(report).toMatchObject({ rowsWritten: 7, metrics: { model: 'm' }, checks: [], lineage: { writes: [{ table: 'gold.window_predictions', rows: 7 }] } });
  });
});
