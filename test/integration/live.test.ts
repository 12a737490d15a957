// Live classification end to end on the real stack: two `refinery api` processes, Temporal workers,
// PostgreSQL. A model is trained by the sensor pipeline on day 1; on day 2 a device posts a session
// in 1-second batches, alternately to both processes, while SSE clients follow it on both. The
// streams are the same, in order, and equal window by window to what the batch pipeline says about
// the same windows with the same model version; a reconnect with Last-Event-ID loses nothing; a
// device key cannot read another device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient, type Delivery } from '../../cli/simulator/device-client.ts';
import { simulateFleet } from '../../cli/simulator/fleet.ts';
import { followDevice } from '../../cli/simulator/live-client.ts';
import type { LivePrediction } from '../../domains/sensor/live/prediction.ts';
import { sensorPipeline } from '../../domains/sensor/pipeline.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { generateSession, type SyntheticSession } from '../../lib/imu/index.ts';
import { startApiProcess, type RefineryProcess } from '../support/processes.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const DAY1 = '2026-11-02';
const DAY2 = '2026-11-03';
const FLEET = ['wrist-a', 'wrist-b', 'wrist-c', 'wrist-d', 'wrist-e'];

let stack: TestStack;
const apis: { url: string; api: RefineryProcess }[] = [];
const keys: Record<string, string> = {};
let productionVersionId: number;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  apis.push(await startApiProcess(stack, { LOG_LEVEL: 'warn' }), await startApiProcess(stack, { LOG_LEVEL: 'warn' }));
  for (const deviceId of [...FLEET, 'live-1', 'live-2'])
    keys[deviceId] = (await createApiKey(stack.pools.owner, { name: deviceId, role: 'device', deviceId })).token;
  keys.reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
  const devices = FLEET.map((deviceId) => ({ deviceId, token: keys[deviceId] }));
  await simulateFleet({ apiUrl: apis[0].url, devices, day: DAY1, sessionsPerDevice: 9, sessionSeconds: 30, unlabelledShare: 0, seed: 3 });
  const day1 = await runPipeline(stack, sensorPipeline, DAY1, { nEstimators: 40 });
  expect(day1.status).toBe('succeeded');
  const { rows } = await stack.pools.owner.query(`SELECT id FROM registry.model_versions WHERE status = 'production'`);
  productionVersionId = Number(rows[0].id);
}, 600_000);

afterAll(async () => {
  for (const { api } of apis) await api.kill('SIGTERM');
  await stack?.close();
});

/** Follows a device on one API process, collecting every prediction. */
function collector(apiUrl: string, token: string, deviceId: string, lastEventId?: number) {
  const events: LivePrediction[] = [];
  const errors: string[] = [];
  const following = followDevice(apiUrl, token, deviceId, { lastEventId, onPrediction: (p) => events.push(p), onError: (m) => errors.push(m) });
  return { events, errors, following };
}

/** Posts a session the way a device does: 1-second batches, each after the previous one's acknowledgement, to the given APIs in turn. */
async function postSession(session: SyntheticSession, token: string, apiUrls: string[]): Promise<Delivery[]> {
  const clients = apiUrls.map((url) => new DeviceClient(url, token));
  const acks: Delivery[] = [];
  const perSecond = new Map<number, typeof session.readings>();
  for (const r of session.readings) {
    const second = Math.floor((r.timestamp - session.startedAt) / 1000);
    perSecond.set(second, [...(perSecond.get(second) ?? []), r]);
  }
  let i = 0;
  for (const [second, readings] of [...perSecond].sort((a, b) => a[0] - b[0])) {
    acks.push(
      await clients[i++ % clients.length].post('/v1/ingest/readings', {
        deviceId: session.deviceId,
        sessionId: session.sessionId,
        batchId: `${session.sessionId}-${second}`,
        readings,
      }),
    );
  }
  return acks;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const livePredictionCount = async (deviceId: string) =>
  Number((await stack.pools.owner.query(`SELECT count(*) AS n FROM registry.live_predictions WHERE device_id = $1`, [deviceId])).rows[0].n);

describe('live classification', () => {
  let stream: LivePrediction[] = [];

  it('streams a session’s predictions in order to SSE clients on both API processes, while the device posts to them in turn', async () => {
    const onA = collector(apis[0].url, keys.reader, 'live-1');
    const onB = collector(apis[1].url, keys['live-1'], 'live-1');
    await Promise.all([onA.following.opened, onB.following.opened]);
    const session = generateSession({
      exercise: 'jumping-jack',
      deviceId: 'live-1',
      sessionId: 'live-1-s1',
      start: Date.parse(`${DAY2}T09:00:00Z`),
      durationS: 100,
      seed: 41,
    });
    const acks = await postSession(session, keys['live-1'], [apis[0].url, apis[1].url]);
    expect(acks.every((a) => a.status === 'stored')).toBe(true);

    const stored = await livePredictionCount('live-1');
    // 100 s at 50 Hz: ~49 windows of 200 readings every 100, fewer where readings were lost.
    expect(stored).toBeGreaterThan(35);
    await until('both streams to deliver every prediction', () => onA.events.length >= stored && onB.events.length >= stored);
    onA.following.close();
    onB.following.close();
    expect(onA.errors).toEqual([]);
    expect(onB.errors).toEqual([]);
    expect(onA.events.map((p) => p.eventId)).toEqual(Array.from({ length: stored }, (_, i) => i + 1));
    expect(onB.events).toEqual(onA.events);
    for (const p of onA.events) expect(p).toMatchObject({ deviceId: 'live-1', sessionId: 'live-1-s1', modelVersionId: productionVersionId, day: DAY2 });
    const windowIndices = onA.events.map((p) => p.windowIndex);
    expect(windowIndices).toEqual([...windowIndices].sort((a, b) => a - b));

    // Each acknowledgement carries the device's newest prediction as of its transaction.
    const lastAck = acks.at(-1)!.ack as { prediction?: LivePrediction; serverTime: number };
    expect(lastAck.prediction).toEqual(onA.events.at(-1));
    const acksWithPredictions = acks.filter((a) => (a.ack as { prediction?: unknown }).prediction);
    expect(acksWithPredictions.length).toBeGreaterThan(stored - 5);
    stream = onA.events;

    // Both processes classified some of the windows (the device posted to them in turn), and /metrics says so.
    const classified = await Promise.all(
      apis.map(async ({ url }) => Number(/refinery_live\{measure="predictions"\} (\d+)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1])),
    );
    expect(classified.every((n) => n > 0)).toBe(true);
    expect(classified[0] + classified[1]).toBe(stored);

    // The registry's prediction log counts them against the production version (only live-1 has posted since the model exists).
    const { rows: logged } = await stack.pools.owner.query(
      `SELECT model_version_id, sum(items)::int AS items, count(*)::int AS transactions
         FROM registry.predictions WHERE source = 'registry.live_predictions' GROUP BY 1`,
    );
    expect(logged).toEqual([{ model_version_id: productionVersionId, items: stored, transactions: expect.any(Number) as number }]);
    expect(logged[0].transactions).toBeGreaterThan(stored / 2);
  });

  it('equals, window by window, what the batch pipeline gives the same windows with the same model version', async () => {
    expect(stream.length).toBeGreaterThan(35);
    const predictOnly = testPipeline(
      'sensor-predict-only',
      sensorPipeline.steps.filter((s) => s.id === 'windows' || s.id === 'predict').map((s) => (s.id === 'predict' ? { ...s, dependsOn: ['windows'] } : s)),
    );
    const run = await runPipeline(stack, predictOnly, DAY2);
    expect(run.status).toBe('succeeded');
    const { rows } = await stack.pools.owner.query(
      `SELECT window_index, session_id, start_ts, end_ts, model_version_id, predicted, probability, probabilities
         FROM gold.window_predictions WHERE partition_date = $1 AND device_id = 'live-1' ORDER BY window_index`,
      [DAY2],
    );
    const batch = rows.map((r) => ({
      windowIndex: r.window_index,
      sessionId: r.session_id,
      startTs: r.start_ts.toISOString(),
      endTs: r.end_ts.toISOString(),
      modelVersionId: Number(r.model_version_id),
      predicted: r.predicted,
      probability: r.probability,
      probabilities: r.probabilities,
    }));
    const live = stream.map((p) => ({
      windowIndex: p.windowIndex,
      sessionId: p.sessionId,
      startTs: p.startTs,
      endTs: p.endTs,
      modelVersionId: p.modelVersionId,
      predicted: p.predicted,
      probability: p.probability,
      probabilities: p.probabilities,
    }));
    // The model's answers, right or wrong, compared window by window.
    expect(live).toEqual(batch);
  });

  it('resumes with Last-Event-ID after a dropped connection and loses nothing', async () => {
    const session = generateSession({
      exercise: 'squat',
      deviceId: 'live-2',
      sessionId: 'live-2-s1',
      start: Date.parse(`${DAY2}T10:00:00Z`),
      durationS: 80,
      seed: 42,
    });
    const half = session.readings.filter((r) => r.timestamp < session.startedAt + 40_000);
    const first = collector(apis[1].url, keys['live-2'], 'live-2');
    await first.following.opened;
    await postSession({ ...session, readings: half }, keys['live-2'], [apis[0].url]);
    await until('a few predictions before the drop', () => first.events.length >= 5);
    first.following.close();
    const seen = first.events.at(-1)!.eventId;
    // While nobody listens, the device goes on posting.
    await postSession({ ...session, readings: session.readings.filter((r) => r.timestamp >= session.startedAt + 40_000) }, keys['live-2'], [apis[1].url]);
    const total = await livePredictionCount('live-2');
    expect(total).toBeGreaterThan(seen);
    const resumed = collector(apis[0].url, keys['live-2'], 'live-2', seen);
    await until('the rest after reconnecting', () => resumed.events.length >= total - seen);
    resumed.following.close();
    const ids = [...first.events, ...resumed.events].map((p) => p.eventId);
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => i + 1));

    // A polling client sees the same predictions.
    const res = await fetch(`${apis[0].url}/v1/devices/live-2/predictions?since=0&limit=1000`, { headers: { authorization: `Bearer ${keys.reader}` } });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: LivePrediction[]; lastEventId: number };
    expect(page.items).toEqual([...first.events, ...resumed.events]);
    expect(page.lastEventId).toBe(total);
    const after = (await (
      await fetch(`${apis[1].url}/v1/devices/live-2/predictions?since=${total - 3}`, { headers: { authorization: `Bearer ${keys['live-2']}` } })
    ).json()) as { items: LivePrediction[] };
    expect(after.items.map((p) => p.eventId)).toEqual([total - 2, total - 1, total]);
  });

  it('refuses a device key another device’s stream and predictions', async () => {
    const sse = await fetch(`${apis[0].url}/v1/devices/live-1/live`, { headers: { authorization: `Bearer ${keys['live-2']}` } });
    expect(sse.status).toBe(403);
    expect(((await sse.json()) as { error: { message: string } }).error.message).toContain('may only read device live-2');
    const poll = await fetch(`${apis[1].url}/v1/devices/live-1/predictions`, { headers: { authorization: `Bearer ${keys['live-2']}` } });
    expect(poll.status).toBe(403);
    const blocked = collector(apis[0].url, keys['live-2'], 'live-1');
    await until('the client to give up', () => blocked.errors.length > 0);
    blocked.following.close();
    expect(blocked.events).toEqual([]);
    expect(blocked.errors[0]).toContain('403');
    const own = await fetch(`${apis[0].url}/v1/devices/live-2/predictions`, { headers: { authorization: `Bearer ${keys['live-2']}` } });
    expect(own.status).toBe(200);
  });
});
