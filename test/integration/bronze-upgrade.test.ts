// Upgrading to the lean bronze (migrations/0070) keeps every reading: rows of the old flat table,
// full doubles, missing magnetometers and a batch crossing midnight included, come back through
// the bronze.imu_readings view exactly as stored, each day in its own partition, as silver windows
// do in theirs (0071); and reverting the migrations gives the flat rows back.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../lib/db/migrate.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

/** Migrations from 0070 on, to revert down to the flat table. */
const fromLean = readdirSync(new URL('../../migrations/', import.meta.url)).filter((f) => /^\d{4}_.*\.sql$/.test(f) && f >= '0070').length;

const COLUMNS = 'device_id, batch_id, session_id, ts, ax, ay, az, gx, gy, gz, mx, my, mz, received_at';
const readAll = async () => (await stack.pools.owner.query(`SELECT ${COLUMNS} FROM bronze.imu_readings ORDER BY device_id, batch_id, ts`)).rows;
const windowsAll = async () => (await stack.pools.owner.query(`SELECT *, tableoid::regclass::text AS part FROM silver.imu_windows ORDER BY 1, 2, 4`)).rows;

describe('upgrading bronze readings to the lean layout', () => {
  it('keeps every reading exactly, in its day’s partition, and gives them back when reverted', async () => {
    await migrate(stack.urls.owner, { direction: 'down', count: fromLean });
    const { rows: kind } = await stack.pools.owner.query(`SELECT relkind FROM pg_class WHERE oid = 'bronze.imu_readings'::regclass`);
    expect(kind[0].relkind).toBe('r');
    // 600 readings of 2 devices in 6 batches, one in five without a session: full-precision doubles,
    // every third without a magnetometer, across a midnight (one segment per day, device, batch and session).
    await stack.pools.owner.query(
      `INSERT INTO bronze.imu_readings (${COLUMNS})
       SELECT 'up-' || (i % 2), 'b-' || (i / 100), CASE WHEN i % 5 = 0 THEN NULL ELSE 's-1' END,
              timestamptz '2025-03-01 23:59:50+00' + i * interval '20 milliseconds',
              sin(i) * 9.81, cos(i) / 3, 9.80665 + i * 1e-9, -0.0001 * i, pi() * i, 1.0 / (i + 1),
              CASE WHEN i % 3 = 0 THEN NULL ELSE 21.5 + i END, CASE WHEN i % 3 = 0 THEN NULL ELSE -4.25 END, CASE WHEN i % 3 = 0 THEN NULL ELSE sqrt(i) END,
              timestamptz '2025-03-02 00:01:00+00' + (i / 100) * interval '1 second'
         FROM generate_series(0, 599) i`,
    );
    const before = await readAll();
    expect(before).toHaveLength(600);
    await stack.pools.owner.query(
      `INSERT INTO silver.imu_windows SELECT date '2025-03-01' + (i % 3), 'up-0', 's-1', i, now(), now(), 200, 50, ARRAY[i / 7.0, pi()] FROM generate_series(0, 29) i`,
    );
    const windows = (await windowsAll()).map(({ part, ...w }) => (expect(part).toBe('silver.imu_windows'), w));

    await migrate(stack.urls.owner, { direction: 'up' });
    expect(await readAll()).toEqual(before);
    // Silver windows (migrations/0071) move into day partitions too.
    const windowsAfter = await windowsAll();
    expect(windowsAfter.map(({ part: _, ...w }) => w)).toEqual(windows);
    expect(new Set(windowsAfter.map((w) => w.part))).toEqual(
      new Set(['silver.imu_windows_20250301', 'silver.imu_windows_20250302', 'silver.imu_windows_20250303']),
    );
    const { rows: parts } = await stack.pools.owner.query(
      `SELECT tableoid::regclass::text AS part, count(*)::int AS segments, sum(cardinality(ms))::int AS readings FROM bronze.imu_segments GROUP BY 1 ORDER BY 1`,
    );
    expect(parts).toEqual([
      { part: 'bronze.imu_segments_20250301', segments: 20, readings: 500 },
      { part: 'bronze.imu_segments_20250302', segments: 4, readings: 100 },
    ]);

    await migrate(stack.urls.owner, { direction: 'down', count: fromLean });
    expect(await readAll()).toEqual(before);
    expect((await windowsAll()).map(({ part: _, ...w }) => w)).toEqual(windows);
    await migrate(stack.urls.owner, { direction: 'up' });
    expect(await readAll()).toEqual(before);
  });
});
