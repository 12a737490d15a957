// Bronze's lean, day-partitioned readings (migrations/0070) against a real PostgreSQL, written by the
// ingest writer as the ingest role: every value comes back exactly as sent (short decimals stored
// as real, anything else as float8, a magnetometer missing or partial), a batch crossing midnight
// lands in two days' partitions, and a reading for a day without a partition still lands: in a new
// partition, or in the default one while the partition cannot be made or the day is long past.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestWriter } from '../../domains/sensor/ingest/writer.ts';
import type { ReadingsBatch } from '../../domains/sensor/ingest/schema.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let writer: IngestWriter;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  writer = new IngestWriter(stack.pools.ingest, { trackArrivals: false });
});
afterAll(() => stack?.close());

const DAY = 86_400_000;

/** Readings whose values are drawn by `value` (seeded, so a failure can be replayed). */
function readings(n: number, start: number, value: (i: number, c: number) => number | undefined) {
  return Array.from({ length: n }, (_, i) => {
    const r: Record<string, number> = { timestamp: start + i * 20 };
    ['ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz'].forEach((c, k) => {
      const v = value(i, k);
      if (v !== undefined) r[c] = v;
    });
    return r as unknown as ReadingsBatch['readings'][number];
  });
}

function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}

async function stored(deviceId: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT (extract(epoch FROM ts) * 1000)::float8 AS t, ax, ay, az, gx, gy, gz, mx, my, mz FROM bronze.imu_readings WHERE device_id = $1 ORDER BY ts`,
    [deviceId],
  );
  return rows.map((r) => ({
    timestamp: r.t,
    ...Object.fromEntries(['ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz'].filter((c) => r[c] !== null).map((c) => [c, r[c]])),
  }));
}

async function partitionsOf(deviceId: string) {
  const { rows } = await stack.pools.owner.query(
    `SELECT tableoid::regclass::text AS part, (ax IS NOT NULL) AS short, count(*)::int AS n FROM bronze.imu_segments WHERE device_id = $1 GROUP BY 1, 2 ORDER BY 1`,
    [deviceId],
  );
  return rows;
}

describe('bronze readings, lean and partitioned by day', () => {
  it('gives back every value exactly as sent: short decimals, full doubles, and a missing or partial magnetometer', async () => {
    const rand = random(7);
    const start = Date.UTC(2026, 10, 2, 10);
    const short = readings(300, start, (i, c) => (c >= 6 && i % 3 === 0 ? undefined : Math.round(rand() * 4e5) / 1e5));
    const full = readings(300, start + 10 * 60_000, (i, c) => (c === 7 && i % 5 === 0 ? undefined : rand() * 30));
    const noMag = readings(300, start + 20 * 60_000, (_, c) => (c >= 6 ? undefined : Math.round(rand() * 1e4) / 1e3));
    for (const [batchId, r] of [
      ['short', short],
      ['full', full],
      ['no-mag', noMag],
    ] as const)
      expect((await writer.submit({ deviceId: 'exact-1', batchId, sessionId: 's-1', readings: r }, 'key')).landing).toBe('stored');
    expect(await stored('exact-1')).toEqual([...short, ...full, ...noMag]);
    // The short decimals and the batch without magnetometer went to real[], the full doubles to float8[].
    const { rows } = await stack.pools.owner.query(`SELECT batch_id, ax IS NOT NULL AS short FROM bronze.imu_segments WHERE device_id = 'exact-1' ORDER BY 1`);
    expect(rows).toEqual([
      { batch_id: 'full', short: false },
      { batch_id: 'no-mag', short: true },
      { batch_id: 'short', short: true },
    ]);
  });

  it('cuts a batch crossing midnight into the two days it falls on, and lands a day with no partition yet', async () => {
    // Ten days back: made neither by the migration nor ahead of time, so the writer makes it before its transaction.
    const midnight = Math.floor(Date.now() / DAY) * DAY - 10 * DAY;
    const names = [midnight - DAY, midnight].map((t) => `bronze.imu_segments_${new Date(t).toISOString().slice(0, 10).replaceAll('-', '')}`);
    const { rows: before } = await stack.pools.owner.query(`SELECT to_regclass($1) AS a, to_regclass($2) AS b`, names);
    expect(before[0]).toEqual({ a: null, b: null });
    const batch = readings(100, midnight - 50 * 20, (i, c) => i + c / 10);
    expect((await writer.submit({ deviceId: 'midnight-1', batchId: 'b-1', readings: batch }, 'key')).landing).toBe('stored');
    expect(await partitionsOf('midnight-1')).toEqual(names.map((part) => ({ part, short: true, n: 1 })));
    expect(await stored('midnight-1')).toEqual(batch);
  });

  it('lands readings of a day long past in the default partition (ingest makes no table for it), until that day is run', async () => {
    const batch = readings(30, Date.UTC(2021, 2, 14, 9), (i, c) => i - c);
    expect((await writer.submit({ deviceId: 'old-1', batchId: 'b-1', readings: batch }, 'key')).landing).toBe('stored');
    expect(await partitionsOf('old-1')).toEqual([{ part: 'bronze.imu_segments_default', short: true, n: 1 }]);
    await stack.pools.worker.query(`SELECT bronze.ensure_imu_partitions('2021-03-14', '2021-03-14')`);
    expect(await partitionsOf('old-1')).toEqual([{ part: 'bronze.imu_segments_20210314', short: true, n: 1 }]);
    expect(await stored('old-1')).toEqual(batch);
  });

  it('lands readings in the default partition while their day cannot be made, and moves them into it afterwards', async () => {
    const day = Math.floor(Date.now() / DAY) * DAY - 20 * DAY + 12 * 3_600_000;
    const dayText = new Date(day).toISOString().slice(0, 10);
    // Another session holds the lock that attaching a partition needs (inserts do not need it).
    const blocker = await stack.pools.owner.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE bronze.imu_segments IN SHARE UPDATE EXCLUSIVE MODE');
      const batch = readings(50, day, (i, c) => i * 10 + c);
      expect((await writer.submit({ deviceId: 'late-1', batchId: 'b-1', readings: batch }, 'key')).landing).toBe('stored');
      expect(await partitionsOf('late-1')).toEqual([{ part: 'bronze.imu_segments_default', short: true, n: 1 }]);
      await blocker.query('ROLLBACK');
      // The writer's next batch of that day (or the nightly run) makes the partition and moves the rows.
      const next = readings(10, day + 60_000, (i) => i);
      expect((await writer.submit({ deviceId: 'late-1', batchId: 'b-2', readings: next }, 'key')).landing).toBe('stored');
      expect(await partitionsOf('late-1')).toEqual([{ part: `bronze.imu_segments_${dayText.replaceAll('-', '')}`, short: true, n: 2 }]);
      expect(await stored('late-1')).toEqual([...batch, ...next]);
    } finally {
      blocker.release();
    }
  });

  it('keeps a duplicate batch out and refuses the ingest role reads of bronze', async () => {
    const batch = { deviceId: 'dup-1', batchId: 'b-1', readings: readings(20, Date.UTC(2026, 10, 3), (i) => i) };
    expect((await writer.submit(batch, 'key')).landing).toBe('stored');
    expect((await writer.submit(batch, 'key')).landing).toBe('duplicate');
    expect(await stored('dup-1')).toHaveLength(20);
    await expect(stack.pools.ingest.query('SELECT count(*) FROM bronze.imu_segments')).rejects.toThrow(/permission denied/);
  });
});
