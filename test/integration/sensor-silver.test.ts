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

    const before = await stack.pools.owner.query(
      `SELECT md5(string_agg(t::text, '|' ORDER BY device_id, window_index)) AS d FROM silver.imu_windows t WHERE partition_date = $1`,
      [DAY],
    );
    await runPipeline(stack, windowsStep, DAY);
    const after = await stack.pools.owner.query(
      `SELECT md5(string_agg(t::text, '|' ORDER BY device_id, window_index)) AS d FROM silver.imu_windows t WHERE partition_date = $1`,
      [DAY],
    );
    expect(after.rows[0].d).toBe(before.rows[0].d);
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
