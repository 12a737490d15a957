// The sensor pipeline's silver step on real data paths: simulated devices post sessions through
// the real API into bronze; the step cleans, windows and featurises the day into silver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFleet, type FleetResult } from '../../cli/simulator/fleet.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { FEATURE_COUNT } from '../../lib/imu/index.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { sensorPipeline } from '../../domains/sensor/pipeline.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let server: TestApi;
let fleet: FleetResult;
const DAY = '2026-10-10';

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  server = await startTestApi(stack);
  const devices = [];
  for (const deviceId of ['wrist-1', 'wrist-2', 'wrist-3'])
    devices.push({ deviceId, token: (await createApiKey(stack.pools.owner, { name: deviceId, role: 'device', deviceId })).token });
  fleet = await simulateFleet({ apiUrl: server.url, devices, day: DAY, sessionsPerDevice: 3, sessionSeconds: 30, seed: 7 });
});
afterAll(async () => {
  server?.close();
  await stack?.close();
});

/** The day's windows (a digest of every row), the partition's table and its indexes, and any staged table. */
async function dayWindows(): Promise<{ digest: string; partition: number; layout: string[] }> {
  const { rows } = await stack.pools.owner.query(
    `SELECT md5(string_agg(t::text, '|' ORDER BY device_id, window_index)) AS digest, count(*)::int AS n,
            (SELECT oid::int FROM pg_class WHERE oid = to_regclass($2)) AS partition,
            (SELECT array_agg(relid::regclass::text || ' ' || isleaf ORDER BY relid::regclass::text) FROM pg_partition_tree('silver.imu_windows')) AS tree,
            (SELECT array_agg(indexdef ORDER BY indexdef) FROM pg_indexes WHERE schemaname || '.' || tablename = $2) AS indexes,
            to_regclass($2 || '_next') IS NOT NULL AS staged
       FROM silver.imu_windows t WHERE partition_date = $1`,
    [DAY, `silver.imu_windows_${DAY.replaceAll('-', '')}`],
  );
  const r = rows[0];
  expect(r.n).toBeGreaterThan(0);
  return { digest: r.digest, partition: r.partition, layout: [...r.tree, ...r.indexes, `staged ${r.staged}`] };
}

/** Polls a query until it returns a row, and gives that row's first value. */
async function waitForBackend(sql: string): Promise<unknown> {
  for (let i = 0; i < 600; i++) {
    const { rows } = await stack.pools.owner.query(sql);
    if (rows.length) return Object.values(rows[0])[0];
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing came of: ${sql}`);
}

/** The windows step swaps the day's partition whatever its size. */
const SWAP_ALWAYS = { swapFromBytes: 0 };

// The sensor pipeline's own windows step (its declared tables are checked against what it reports).
const windowsStep = testPipeline('sensor-silver', [{ ...sensorPipeline.steps.find((s) => s.id === 'windows')!, dependsOn: [] }]);

describe('sensor silver', () => {
  it('turns a day of posted readings into windows with the full feature vector, replacing the day on re-runs', async () => {
    expect(fleet).toMatchObject({ sessions: 9, duplicates: 0 });
    const summary = await runPipeline(stack, windowsStep, DAY);
    expect(summary.status).toBe('succeeded');
    const { rows } = await stack.pools.owner.query(
      `SELECT device_id, count(*)::int AS windows, count(DISTINCT session_id)::int AS sessions, min(samples) AS samples, avg(sample_rate_hz) AS hz
         FROM silver.imu_windows WHERE partition_date = $1 GROUP BY 1 ORDER BY 1`,
      [DAY],
    );
    expect(rows.map((r) => r.device_id)).toEqual(['wrist-1', 'wrist-2', 'wrist-3']);
    for (const r of rows) {
      expect(r.sessions).toBe(3);
      expect(r.samples).toBe(200);
      expect(r.hz).toBeGreaterThan(45);
      expect(r.hz).toBeLessThan(55);
      // 30 s at 50 Hz is 1,500 readings: at most 13 windows of 200 with step 100 per session.
      expect(r.windows).toBeGreaterThan(3 * 6);
      expect(r.windows).toBeLessThanOrEqual(3 * 13);
    }
    const { rows: cleaning } = await stack.pools.owner.query(
      'SELECT sum(readings_in)::int AS n, sum(kept)::int AS kept FROM silver.imu_cleaning WHERE partition_date = $1',
      [DAY],
    );
    expect(cleaning[0].n).toBe(fleet.readings);
    expect(cleaning[0].kept).toBe(fleet.readings);
    const { rows: catalogue } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM silver.feature_catalogue`);
    expect(catalogue[0].n).toBe(FEATURE_COUNT);
    const { rows: labels } = await stack.pools.owner.query(
      'SELECT count(*)::int AS n, count(exercise)::int AS labelled FROM silver.exercise_sessions WHERE partition_date = $1',
      [DAY],
    );
    expect(labels[0]).toEqual({ n: 9, labelled: fleet.labelled });

    // A re-run of a day this small replaces it in place; with the swap's threshold at 0 it swaps a
    // new table in for the day's partition. Either way a clean run's rows, row for row.
    const clean = await dayWindows();
    await runPipeline(stack, windowsStep, DAY);
    const inPlace = await dayWindows();
    expect(inPlace).toEqual(clean);
    await runPipeline(stack, windowsStep, DAY, SWAP_ALWAYS);
    const swapped = await dayWindows();
    expect(swapped.digest).toBe(clean.digest);
    expect(swapped.partition).not.toBe(clean.partition);
    expect(swapped.layout).toEqual(clean.layout);
  });

  it('leaves the old day intact when the step is killed mid-swap, and the retry swaps in a clean run’s rows', async () => {
    const clean = await dayWindows();
    // A reader holding the windows table keeps the swap waiting for its lock; its connection then dies.
    const reader = await stack.pools.owner.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM silver.imu_windows');
      const run = runPipeline(stack, windowsStep, DAY, SWAP_ALWAYS);
      const swapping = await waitForBackend(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%swap_imu_windows_day%'`);
      await stack.pools.owner.query('SELECT pg_terminate_backend($1)', [swapping]);
      await waitForBackend(`SELECT 1 FROM pg_stat_activity WHERE pid = ${Number(swapping)} HAVING count(*) = 0`);
      // The old day as it was, the staged table gone with the killed transaction.
      expect(await dayWindows()).toEqual(clean);
      await reader.query('ROLLBACK');
      const summary = await run;
      expect(summary.status).toBe('succeeded');
    } finally {
      reader.release();
    }
    const retried = await dayWindows();
    expect(retried.digest).toBe(clean.digest);
    expect(retried.partition).not.toBe(clean.partition);
  });

  it('falls back to a delete and an insert when a reader holds the table longer than the swap waits', async () => {
    const clean = await dayWindows();
    const reader = await stack.pools.owner.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM silver.imu_windows');
      const run = runPipeline(stack, windowsStep, DAY, SWAP_ALWAYS);
      // The swap waits 5 s for its lock, then replaces the day in place; the reader is never blocked.
      expect((await run).status).toBe('succeeded');
      await reader.query('ROLLBACK');
    } finally {
      reader.release();
    }
    const replaced = await dayWindows();
    expect(replaced.digest).toBe(clean.digest);
    expect(replaced.partition).toBe(clean.partition);
  });

  it('drops duplicates that reached bronze under different batch ids', async () => {
    // A device that re-sent readings under a new batch id: bronze keeps both, silver keeps one.
    await stack.pools.owner.query(
      `INSERT INTO bronze.imu_readings SELECT device_id, 'resent-' || batch_id, session_id, ts, ax, ay, az, gx, gy, gz, mx, my, mz, now()
         FROM bronze.imu_readings WHERE device_id = 'wrist-1' AND ts < $1::timestamptz + interval '1 day' AND ts >= $1::timestamptz AND batch_id NOT LIKE 'resent-%' LIMIT 700`,
      [DAY],
    );
    const before = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM silver.imu_windows WHERE partition_date = $1`, [DAY]);
    await runPipeline(stack, windowsStep, DAY);
    const { rows } = await stack.pools.owner.query(`SELECT duplicates FROM silver.imu_cleaning WHERE partition_date = $1 AND device_id = 'wrist-1'`, [DAY]);
    expect(rows[0].duplicates).toBe(700);
    const after = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM silver.imu_windows WHERE partition_date = $1`, [DAY]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
