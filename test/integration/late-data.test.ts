// Late data end to end on the real stack (worker and API processes, PostgreSQL, Temporal): devices
// post readings for a day the sensor pipeline already processed, in 100 batches; the day shows as
// stale with the right reason in the CLI, the stale endpoint and the gold answers; once the inputs
// have been quiet it re-runs by itself, once, at low priority, even though the io worker (which
// hosts the reconciler and the run's workflow) is killed with SIGKILL while the re-run is going;
// afterwards its silver and gold equal a clean run over all the data, and nothing is flagged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient } from '../../cli/simulator/device-client.ts';
import { simulateFleet } from '../../cli/simulator/fleet.ts';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { getPipeline } from '../../domains/index.ts';
import { startReconcilers, stopReconciler } from '../../engine/temporal/reconcilers.ts';
import { startPipelineRun } from '../../engine/temporal/runs.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { copyRows } from '../../lib/db/copy.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import { generateSession } from '../../lib/imu/index.ts';
import { hashSeed } from '../../lib/random.ts';
import { summaryOf } from '../support/pipelines.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { until } from '../support/until.ts';
import { sensorDayDigests } from '../support/sensor-digests.ts';

// Two days ago: well within the sensor pipeline's 30-day lookback.
const DAY = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
// Five wearers with every exercise: enough for a model that passes the promotion gate on a held-out person.
const ON_TIME = ['wrist-a', 'wrist-b', 'wrist-c', 'wrist-d', 'wrist-e'];
const LATE = 'wrist-late';
const BATCHES = 100;
const QUIET = '6 seconds';

let stack: TestStack;
let clean: TestStack;
let api: RefineryProcess;
let apiUrl: string;
let reader: string;
const workers: RefineryProcess[] = [];

function startWorker(queue: 'io' | 'compute'): RefineryProcess {
  const w = startRefinery(['worker', '--queue', queue], stackEnv(stack));
  workers.push(w);
  return w;
}

async function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${reader}`, ...headers } });
}
const json = (res: Response): Promise<any> => res.json();

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  const port = await freePort();
  api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), LOG_LEVEL: 'warn' }));
  await Promise.all([startWorker('io').waitFor(/worker running/), startWorker('compute').waitFor(/worker running/)]);
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  apiUrl = `http://127.0.0.1:${port}`;
  reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
  const devices = [];
  for (const deviceId of ON_TIME)
    devices.push({ deviceId, token: (await createApiKey(stack.pools.owner, { name: deviceId, role: 'device', deviceId })).token });
  await simulateFleet({ apiUrl, devices, day: DAY, sessionsPerDevice: 9, sessionSeconds: 30, unlabelledShare: 0, seed: 3 });
}, 240_000);

afterAll(async () => {
  await stopReconciler(stack.client, 'sensor').catch(() => {});
  for (const w of workers) await w.kill('SIGKILL');
  await api?.kill('SIGKILL');
  await clean?.close();
  await stack?.close();
});

/** The late phone: two labelled sessions of the day, their readings posted in exactly 100 batches. */
async function postLateDay(): Promise<{ readings: number; sessions: number }> {
  const token = (await createApiKey(stack.pools.owner, { name: LATE, role: 'device', deviceId: LATE })).token;
  const client = new DeviceClient(apiUrl, token);
  const sessions = (['squat', 'push-up'] as const).map((exercise, i) =>
    generateSession({
      exercise,
      deviceId: LATE,
      sessionId: `${LATE}-${i}`,
      start: Date.parse(`${DAY}T15:0${i * 5}:00Z`),
      durationS: 60,
      seed: hashSeed(`late-${i}`),
    }),
  );
  for (const s of sessions) {
    await client.post('/v1/ingest/sessions', {
      deviceId: LATE,
      sessionId: s.sessionId,
      batchId: `${s.sessionId}-record`,
      startedAt: s.startedAt,
      endedAt: s.endedAt,
      exercise: s.exercise,
    });
  }
  // Each session's readings in BATCHES / 2 batches of (nearly) equal size.
  let batches = 0;
  for (const s of sessions) {
    const per = BATCHES / sessions.length;
    for (let i = 0; i < per; i++) {
      const readings = s.readings.slice(Math.floor((i * s.readings.length) / per), Math.floor(((i + 1) * s.readings.length) / per));
      const delivery = await client.post('/v1/ingest/readings', { deviceId: LATE, batchId: `late-${batches}`, sessionId: s.sessionId, readings });
      expect(delivery.status).toBe('stored');
      batches++;
    }
  }
  expect(batches).toBe(BATCHES);
  return { readings: sessions.reduce((n, s) => n + s.readings.length, 0), sessions: sessions.length };
}

describe('late data', () => {
  it('is detected with its reason, re-run once by itself after the quiet period, survives a killed worker, and equals a clean run', async () => {
    const sensor = getPipeline('sensor');
    const { handle } = await startPipelineRun(stack.client, stack.config, sensor, DAY);
    const first = await summaryOf(handle.result());
    expect(first.status).toBe('succeeded');
    // Fresh, and said so in every gold answer.
    const before = await json(await get(`/v1/devices/wrist-a/activity?from=${DAY}&to=${DAY}`));
    expect(before.freshness).toMatchObject({ stale: false, checksPassed: true, partitions: [{ partition: DAY, runId: first.runId, stale: false }] });

    await startReconcilers(stack.client, stack.config, [sensor], { tick: '1 second', overrides: { quietPeriod: QUIET }, taskQueues: stack.taskQueues });
    const late = await postLateDay();
    const reason = `${late.readings.toLocaleString('en-US')} readings from 1 device arrived after run ${first.runId}; ${late.sessions} sessions from 1 device arrived after run ${first.runId}`;

    // Stale, with the reason, in the CLI…
    const list = startRefinery(['stale', 'list', '--pipeline', 'sensor'], stackEnv(stack));
    expect(await list.exited).toBe(0);
    expect(list.output()).toContain(`${DAY}  STALE  ${reason}`);
    expect(list.output()).toContain(`last good run ${first.runId}`);
    // …in the stale endpoint…
    const staleNow = await json(await get('/v1/pipelines/sensor/stale'));
    expect(staleNow.reconciler).toBe(true);
    expect(staleNow.items).toHaveLength(1);
    expect(staleNow.items[0]).toMatchObject({ partition: DAY, state: 'stale', reason, watermark: { runId: first.runId } });
    // …and in the gold answers (Last-Modified moves to when it went stale).
    const staleGold = await until('the gold answer to flag the day', async () => {
      const res = await get(`/v1/devices/wrist-a/activity?from=${DAY}&to=${DAY}`);
      const body = await json(res);
      return body.freshness.stale ? { body, lastModified: res.headers.get('last-modified')! } : undefined;
    });
    expect(staleGold.body.freshness.partitions[0]).toMatchObject({ partition: DAY, runId: first.runId, stale: true, staleReason: reason });
    expect(Date.parse(staleGold.lastModified)).toBeGreaterThanOrEqual(Math.floor(Date.parse(before.freshness.asOf) / 1000) * 1000);

    // The re-run starts by itself once the inputs have been quiet; the io worker dies while it goes.
    const rerun = await until(
      'the late-data re-run to start',
      async () => (await q(`SELECT id::int, status, trigger, reason FROM ops.pipeline_runs WHERE pipeline = 'sensor' AND trigger = 'late-data'`))[0],
      60_000,
    );
    expect(rerun).toMatchObject({ trigger: 'late-data', reason });
    const [posted] = await q(`SELECT max(received_at) AS at FROM bronze.imu_readings WHERE device_id = $1`, [LATE]);
    const [started] = await q(`SELECT started_at AS at FROM ops.pipeline_runs WHERE id = $1`, [rerun.id]);
    expect(started.at.getTime() - posted.at.getTime()).toBeGreaterThanOrEqual(6000);
    const [{ status: atKill }] = await q(`SELECT status FROM ops.pipeline_runs WHERE id = $1`, [rerun.id]);
    expect(atKill).toBe('running');
    await workers[0]!.kill('SIGKILL');
    await startWorker('io').waitFor(/worker running/);

    const done = await until(
      'the re-run to finish',
      async () => (await q(`SELECT status FROM ops.pipeline_runs WHERE id = $1 AND status <> 'running'`, [rerun.id]))[0],
      180_000,
    );
    expect(done.status).toBe('succeeded');
    // Several quiet periods later, still exactly one re-run for the burst of 100 batches.
    await new Promise((r) => setTimeout(r, 15_000));
    const runs = await q(`SELECT trigger, status FROM ops.pipeline_runs WHERE pipeline = 'sensor' ORDER BY id`);
    expect(runs).toEqual([
      { trigger: 'manual', status: 'succeeded' },
      { trigger: 'late-data', status: 'succeeded' },
    ]);
    // At low priority: behind every other run when the workers are saturated.
    expect((await stack.client.workflow.getHandle(`sensor/${DAY}`).describe()).priority?.priorityKey).toBe(5);

    // Nothing flagged any more; the gold answers come from the re-run, and revalidate with 304.
    expect((await json(await get('/v1/pipelines/sensor/stale'))).items).toEqual([]);
    const fresh = await until('the gold answer to be fresh', async () => {
      const res = await get(`/v1/devices/${LATE}/activity?from=${DAY}&to=${DAY}`);
      const body = await json(res);
      return body.freshness.stale === false && body.days.length ? { body, lastModified: res.headers.get('last-modified')! } : undefined;
    });
    expect(fresh.body.freshness).toMatchObject({ stale: false, checksPassed: true, partitions: [{ partition: DAY, runId: rerun.id, trigger: 'late-data' }] });
    expect((await get(`/v1/devices/${LATE}/activity?from=${DAY}&to=${DAY}`, { 'if-modified-since': fresh.lastModified })).status).toBe(304);
    const older = new Date(Date.parse(fresh.lastModified) - 1000).toUTCString();
    expect((await get(`/v1/devices/${LATE}/activity?from=${DAY}&to=${DAY}`, { 'if-modified-since': older })).status).toBe(200);

    // Bronze holds every late reading once; silver and gold equal a clean run over the same bronze.
    const [{ n }] = await q(`SELECT count(*)::int AS n FROM bronze.imu_readings WHERE device_id = $1`, [LATE]);
    expect(n).toBe(late.readings);
    clean = await createTestStack(import.meta.url);
    for (const table of ['bronze.imu_readings', 'bronze.exercise_sessions']) {
      const { rows, fields } = await stack.pools.owner.query(`SELECT * FROM ${table}`);
      const columns = fields.map((f) => f.name);
      await withTransaction(clean.pools.owner, (c) =>
        copyRows(
          c,
          { table, columns },
          rows.map((r) => columns.map((k) => r[k])),
        ),
      );
    }
    await clean.startWorkers();
    const cleanRun = await startPipelineRun(clean.client, clean.config, sensor, DAY);
    expect((await summaryOf(cleanRun.handle.result())).status).toBe('succeeded');
    // Every window, session and count equals the clean run's. What the model decided equals it only
    // when both databases' production models are the same one; the re-run after late data may have
    // trained a candidate that its gate kept out of production (the clean run's first model has no
    // rival), so the re-run must have predicted every window with the model in production then.
    const [ours, theirs] = await Promise.all([
      sensorDayDigests(stack.pools.owner, DAY, { withoutPredictions: true }),
      sensorDayDigests(clean.pools.owner, DAY, { withoutPredictions: true }),
    ]);
    expect(ours).toEqual(theirs);
    expect(Object.values(ours).every((d) => d.rows > 0)).toBe(true);
    const byModel = await q(
      `SELECT p.model_version_id, v.status, count(*)::int AS n FROM gold.window_predictions p
         JOIN registry.model_versions v ON v.id = p.model_version_id WHERE p.partition_date = $1 GROUP BY 1, 2`,
      [DAY],
    );
    expect(byModel).toEqual([expect.objectContaining({ status: 'production', n: ours['gold.window_predictions']!.rows })]);
  }, 600_000);
});
