// The uptime pipeline (CONTRIBUTING.md's example) on a real PostgreSQL and Temporal: batches in
// bronze as devices posted them → arrivals per device and hour → each device's hours reporting and
// longest silence; the day's edges respected, lineage recorded, a re-run the same as a clean run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPipeline } from '../../domains/index.ts';
import { runPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  // wrist-1 posts at 00, 01, 02 and 10 h (a 7-hour gap, then 13 quiet hours to midnight); wrist-2
  // every hour; one session batch (counted as a batch, not as readings); batches just outside the day.
  const batches: [string, string, string, number, string][] = [
    ...[0, 1, 2, 10].map(
      (h) => ['wrist-1', 'readings', `2026-05-04T${String(h).padStart(2, '0')}:20:00Z`, 250, `w1-${h}`] as [string, string, string, number, string],
    ),
    ['wrist-1', 'session', '2026-05-04T10:40:00Z', 1, 'w1-session'],
    ...Array.from(
      { length: 24 },
      (_, h) => ['wrist-2', 'readings', `2026-05-04T${String(h).padStart(2, '0')}:05:00Z`, 100, `w2-${h}`] as [string, string, string, number, string],
    ),
    ['wrist-1', 'readings', '2026-05-03T23:59:59.999Z', 999, 'w1-before'],
    ['wrist-2', 'readings', '2026-05-05T00:00:00Z', 999, 'w2-after'],
  ];
  for (const [device, kind, at, items, batch] of batches) {
    await stack.pools.owner.query(
      `INSERT INTO bronze.ingest_batches (device_id, batch_id, kind, items, key_id, received_at) VALUES ($1, $2, $3, $4, 'test-key', $5)`,
      [device, batch, kind, items, at],
    );
  }
});
afterAll(() => stack?.close());

const uptime = async () =>
  (
    await stack.pools.owner.query(
      `SELECT device_id, hours_reporting, longest_silence_hours, batches, readings FROM gold.device_uptime WHERE partition_date = '2026-05-04' ORDER BY device_id`,
    )
  ).rows;

describe('uptime pipeline', () => {
  it("turns a day's batches into each device's hours reporting and longest silence", async () => {
    const summary = await runPipeline(stack, getPipeline('uptime'), '2026-05-04');
    expect(summary.status).toBe('succeeded');
    expect(await uptime()).toEqual([
      { device_id: 'wrist-1', hours_reporting: 4, longest_silence_hours: 13, batches: 5, readings: 1000 },
      { device_id: 'wrist-2', hours_reporting: 24, longest_silence_hours: 0, batches: 24, readings: 2400 },
    ]);
    const { rows: hourly } = await stack.pools.owner.query(
      `SELECT hour, batches, readings FROM silver.device_hourly_arrivals WHERE partition_date = '2026-05-04' AND device_id = 'wrist-1' ORDER BY hour`,
    );
    expect(hourly).toEqual([
      { hour: 0, batches: 1, readings: 250 },
      { hour: 1, batches: 1, readings: 250 },
      { hour: 2, batches: 1, readings: 250 },
      { hour: 10, batches: 2, readings: 250 },
    ]);
  });

  it('records what each step read and wrote, per table and partition', async () => {
    const { rows } = await stack.pools.owner.query(
      `SELECT s.step_id, l.direction, l.table_name, l.partition_key, l.rows FROM ops.lineage l
         JOIN ops.step_runs s ON s.id = l.step_run_id JOIN ops.pipeline_runs r ON r.id = s.pipeline_run_id
        WHERE r.pipeline = 'uptime' ORDER BY s.step_id DESC, l.direction, l.table_name`,
    );
    expect(rows).toEqual([
      { step_id: 'uptime', direction: 'read', table_name: 'silver.device_hourly_arrivals', partition_key: '2026-05-04', rows: null },
      { step_id: 'uptime', direction: 'write', table_name: 'gold.device_uptime', partition_key: '2026-05-04', rows: 2 },
      { step_id: 'arrivals', direction: 'read', table_name: 'bronze.ingest_batches', partition_key: '2026-05-04', rows: 29 },
      { step_id: 'arrivals', direction: 'write', table_name: 'silver.device_hourly_arrivals', partition_key: '2026-05-04', rows: 28 },
    ]);
  });

  it('leaves exactly the rows of a clean run when the day is run again after more batches arrived', async () => {
    await stack.pools.owner.query(
      `INSERT INTO bronze.ingest_batches (device_id, batch_id, kind, items, key_id, received_at) VALUES ('wrist-1', 'w1-late', 'readings', 50, 'test-key', '2026-05-04T17:00:00Z')`,
    );
    expect((await runPipeline(stack, getPipeline('uptime'), '2026-05-04')).status).toBe('succeeded');
    expect(await uptime()).toEqual([
      { device_id: 'wrist-1', hours_reporting: 5, longest_silence_hours: 7, batches: 6, readings: 1050 },
      { device_id: 'wrist-2', hours_reporting: 24, longest_silence_hours: 0, batches: 24, readings: 2400 },
    ]);
  });
});
