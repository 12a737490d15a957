// The sensor pipeline end to end on real processes' code paths: simulated devices post through the
// real API into bronze; the pipeline builds silver windows, trains and gates a forest, predicts
// every window and summarises sessions and devices. Accuracy is measured on a day the model never
// saw, and the registry's invariants (one production version, recorded gate) are checked; the
// windows each run trained on are a content-addressed dataset version, and hand deploys through
// the API sit beside the automatic gate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateFleet } from '../../cli/simulator/fleet.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { sensorPipeline } from '../../domains/sensor/pipeline.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { testApp } from '../support/app.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let server: TestApi;
let apiUrl: string;
let reader: string;
const DAY1 = '2026-10-20';
const DAY2 = '2026-10-21';
const DEVICES = ['wrist-a', 'wrist-b', 'wrist-c', 'wrist-d', 'wrist-e'];
const FAST = { nEstimators: 40 };

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  server = await startTestApi(stack);
  apiUrl = server.url;
  reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
  const devices = [];
  for (const deviceId of DEVICES)
    devices.push({ deviceId, token: (await createApiKey(stack.pools.owner, { name: deviceId, role: 'device', deviceId })).token });
  for (const [day, seed] of [
    [DAY1, 1],
    [DAY2, 2],
  ] as const) {
    await simulateFleet({ apiUrl, devices, day, sessionsPerDevice: 9, sessionSeconds: 30, unlabelledShare: 0, seed });
  }
});
afterAll(async () => {
  server?.close();
  await stack?.close();
});

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;

/** Macro-averaged F1 from a confusion matrix (F1 is symmetric in precision and recall, so either orientation). */
function macroF1(matrix: number[][]): number {
  const f1s = matrix.map((row, i) => {
    const hits = row[i]!;
    const actual = row.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, r) => a + r[i]!, 0);
    return hits === 0 ? 0 : (2 * hits) / (actual + predicted);
  });
  return f1s.reduce((a, b) => a + b, 0) / f1s.length;
}

describe('sensor pipeline', () => {
  it('day 1: trains, promotes the first version, predicts every window and summarises', async () => {
    const summary = await runPipeline(stack, sensorPipeline, DAY1, FAST);
    expect(summary.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['windows', 'succeeded'],
      ['train', 'succeeded'],
      ['promote', 'succeeded'],
      ['predict', 'succeeded'],
      ['summaries', 'succeeded'],
    ]);
    const versions = await q(`SELECT version, status, gate FROM registry.model_versions ORDER BY version`);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, status: 'production', gate: { promote: true } });
    expect(versions[0].gate.reason).toContain('no production version yet');

    const metrics = await q(`SELECT name, value, label, details FROM registry.metrics ORDER BY name, label`);
    const headline = Object.fromEntries(metrics.filter((m) => m.label === null && m.value !== null).map((m) => [m.name, m.value]));
    // Scored on one wearer the model never saw (1 of 5 persons held out): far above chance (1 in 9), not perfect by design.
    expect(headline.accuracy).toBeGreaterThan(0.5);
    expect(headline.macro_f1).toBeGreaterThan(0.5);
    expect(headline.oob_score).toBeGreaterThan(0.5);
    const confusion = metrics.find((m) => m.name === 'confusion_matrix').details;
    expect(confusion.matrix.flat().reduce((s: number, v: number) => s + v, 0)).toBe(headline.test_windows);
    expect(metrics.filter((m) => m.name === 'precision' && m.label).length).toBe(confusion.labels.length);
    const [dataset] = await q(
      `SELECT d.name, v.version, v.sha256, v.object_key, v.size_bytes, v.partitions, v.rows, v.class_counts, r.split
         FROM registry.training_runs r JOIN registry.dataset_versions v ON v.id = r.dataset_version_id JOIN registry.datasets d ON d.id = v.dataset_id`,
    );
    expect(dataset).toMatchObject({ name: 'exercise-windows', version: 1, partitions: [DAY1] });
    expect(dataset.split.testWindows + dataset.split.trainWindows).toBe(dataset.rows);
    expect(dataset.split).toMatchObject({ heldOut: 'persons', trainPersons: 4 });
    expect(dataset.split.testPersons).toHaveLength(1);
    // The snapshot is stored, and its hash is of exactly those bytes.
    expect(await stack.storage.head(dataset.object_key)).toMatchObject({ size: dataset.size_bytes, sha256: dataset.sha256 });

    const [{ windows, predicted }] = await q(
      `SELECT (SELECT count(*)::int FROM silver.imu_windows WHERE partition_date = $1) AS windows,
              (SELECT count(*)::int FROM gold.window_predictions WHERE partition_date = $1) AS predicted`,
      [DAY1],
    );
    expect(predicted).toBe(windows);
    // The predict step made the day's own gold partition and wrote there (migrations/0093).
    const parts = await q(`SELECT DISTINCT tableoid::regclass::text AS part FROM gold.window_predictions WHERE partition_date = $1`, [DAY1]);
    expect(parts.map((p) => p.part)).toEqual([`gold.window_predictions_${DAY1.replaceAll('-', '')}`]);
    const [log] = await q(`SELECT items, partition_key FROM registry.predictions`);
    expect(log).toEqual({ items: windows, partition_key: DAY1 });
    const sessions = await q(`SELECT count(*)::int AS n FROM gold.session_summaries WHERE partition_date = $1`, [DAY1]);
    expect(sessions[0].n).toBe(DEVICES.length * 9);
    const activity = await q(`SELECT device_id, sessions, active_minutes FROM gold.device_daily_activity WHERE partition_date = $1 ORDER BY 1`, [DAY1]);
    expect(activity.map((a) => a.device_id)).toEqual(DEVICES);
    for (const a of activity) expect(a.sessions).toBe(9);
  });

  it('day 2 predicted by the day-1 model: accuracy on sessions it never saw', async () => {
    const predictOnly = testPipeline(
      'sensor-predict-only',
      sensorPipeline.steps.filter((s) => s.id !== 'train' && s.id !== 'promote').map((s) => (s.id === 'predict' ? { ...s, dependsOn: ['windows'] } : s)),
    );
    const summary = await runPipeline(stack, predictOnly, DAY2);
    expect(summary.status).toBe('succeeded');
    const [w] = await q(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE p.predicted = s.exercise)::int AS correct
         FROM gold.window_predictions p JOIN silver.exercise_sessions s USING (partition_date, device_id, session_id)
        WHERE p.partition_date = $1`,
      [DAY2],
    );
    const [s] = await q(`SELECT count(*)::int AS n, count(*) FILTER (WHERE agrees)::int AS agree FROM gold.session_summaries WHERE partition_date = $1`, [
      DAY2,
    ]);
    const windowAccuracy = w.correct / w.n;
    const sessionAccuracy = s.agree / s.n;
    console.log(
      `held-out day ${DAY2}: window accuracy ${(windowAccuracy * 100).toFixed(1)}% of ${w.n}, session accuracy ${(sessionAccuracy * 100).toFixed(1)}% of ${s.n}`,
    );
    // New sessions of the same five wearers: far above chance (1 in 9).
    expect(w.n).toBeGreaterThan(500);
    expect(windowAccuracy).toBeGreaterThan(0.6);
    expect(sessionAccuracy).toBeGreaterThan(0.6);
  });

  it('day 2 full run: retrains on both days and gates against production on the same holdout', async () => {
    // The gate's rule, stated here: promote when macro-F1 reaches the minimum and is at most the
    // tolerance below production's macro-F1 on the candidate's own holdout.
    const rule = { tolerance: 0.02, minimum: 0.5 };
    const summary = await runPipeline(stack, sensorPipeline, DAY2, { ...FAST, ...rule });
    expect(summary.status).toBe('succeeded');
    const versions = await q(`SELECT version, status, gate FROM registry.model_versions ORDER BY version`);
    expect(versions).toHaveLength(2);
    expect(versions.filter((v) => v.status === 'production')).toHaveLength(1);
    const v2 = versions[1];
    expect(v2.gate.metric).toBe('macro_f1');
    expect(v2.gate.production).toMatchObject({ version: 1 });
    const [baseline] = await q(
      `SELECT m.value FROM registry.metrics m JOIN registry.model_versions v ON v.training_run_id = m.training_run_id WHERE v.version = 2 AND m.name = 'baseline_macro_f1'`,
    );
    expect(v2.gate.production.value).toBeCloseTo(baseline.value, 12);
    // The expected outcome, derived here from the candidate's confusion matrix and production's
    // baseline score, not from the gate's decision.
    const [confusion] = await q(
      `SELECT m.details FROM registry.metrics m JOIN registry.model_versions v ON v.training_run_id = m.training_run_id WHERE v.version = 2 AND m.name = 'confusion_matrix'`,
    );
    const candidateF1 = macroF1(confusion.details.matrix);
    expect(v2.gate.candidate).toBeCloseTo(candidateF1, 9);
    const shouldPromote = candidateF1 >= rule.minimum && candidateF1 - baseline.value >= -rule.tolerance;
    expect(v2.status).toBe(shouldPromote ? 'production' : 'rejected');
    expect(versions[0].status).toBe(shouldPromote ? 'archived' : 'production');
    const [dataset] = await q(`SELECT version, partitions FROM registry.dataset_versions ORDER BY id DESC LIMIT 1`);
    expect(dataset).toEqual({ version: 2, partitions: [DAY1, DAY2] });
    const experiments = await q(
      `SELECT e.name, count(*)::int AS runs FROM registry.experiments e JOIN registry.experiment_runs r ON r.experiment_id = e.id GROUP BY 1`,
    );
    expect(experiments).toEqual([{ name: 'exercise-classifier/daily-retraining', runs: 2 }]);
  });

  it('a gate that cannot be met rejects the candidate and production stays', async () => {
    const before = await q(`SELECT version FROM registry.model_versions WHERE status = 'production'`);
    const summary = await runPipeline(stack, sensorPipeline, DAY2, { ...FAST, minimum: 1.01 });
    expect(summary.status).toBe('succeeded');
    const [latest] = await q(`SELECT version, status, gate FROM registry.model_versions ORDER BY version DESC LIMIT 1`);
    expect(latest.status).toBe('rejected');
    expect(latest.gate.reason).toContain('below the minimum');
    expect(await q(`SELECT version FROM registry.model_versions WHERE status = 'production'`)).toEqual(before);
    // The same silver windows again: the run trained on the dataset version already recorded.
    const used = await q(`SELECT dataset_version_id AS v FROM registry.training_runs ORDER BY id DESC LIMIT 2`);
    expect(used[0].v).toBe(used[1].v);
    expect(await q(`SELECT count(*)::int AS n FROM registry.dataset_versions`)).toEqual([{ n: 2 }]);
  });

  it('a hand deploy through the API sits beside the gate: the next candidate is gated against it, and it rolls back', async () => {
    const app = testApp(stack);
    const scientist = (await createApiKey(stack.pools.owner, { name: 'scientist', role: 'data_scientist' })).token;
    const post = (path: string, body: unknown) =>
      app.request(path, { method: 'POST', headers: { authorization: `Bearer ${scientist}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const [production] = await q(`SELECT version FROM registry.model_versions WHERE status = 'production'`);
    const [other] = await q(`SELECT version FROM registry.model_versions WHERE status <> 'production' ORDER BY version LIMIT 1`);
    const deployed = await post('/v1/models/exercise-classifier/deploy', { version: other.version, reason: 'try the older forest' });
    expect(deployed.status).toBe(200);

    const summary = await runPipeline(stack, sensorPipeline, DAY2, FAST);
    expect(summary.status).toBe('succeeded');
    const [gated] = await q(`SELECT version, status, gate FROM registry.model_versions ORDER BY version DESC LIMIT 1`);
    expect(gated.gate.production.version).toBe(other.version);
    const history = await q(
      `SELECT p.action, v.version, pv.version AS previous, p.actor FROM registry.promotions p
         LEFT JOIN registry.model_versions v ON v.id = p.model_version_id LEFT JOIN registry.model_versions pv ON pv.id = p.previous_version_id
        ORDER BY p.id DESC LIMIT 2`,
    );
    expect(history[1]).toMatchObject({ action: 'deploy', version: other.version, previous: production.version });
    expect(history[0]).toMatchObject({
      action: gated.gate.promote ? 'gate-promote' : 'gate-reject',
      version: gated.version,
      actor: expect.stringMatching(/^pipeline run \d+$/),
    });

    const rolled = (await (await post('/v1/models/exercise-classifier/rollback', { reason: 'back to what the gate chose' })).json()) as { version: number };
    // Rolling back undoes the last change of production: the gate's promotion, or else the hand deploy.
    expect(rolled.version).toBe(gated.gate.promote ? other.version : production.version);
    expect(await q(`SELECT version FROM registry.model_versions WHERE status = 'production'`)).toEqual([{ version: rolled.version }]);
  });

  it('serves the production model through the read API', async () => {
    const res = await fetch(`${apiUrl}/v1/models/exercise-classifier/production`, { headers: { authorization: `Bearer ${reader}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).toContain('"status":"production"');
  });
});

describe('POST /v1/predict', () => {
  const post = (body: unknown, token = reader) =>
    fetch(`${apiUrl}/v1/predict`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('classifies a fresh window of each exercise with the production model, and writes nothing', async () => {
    const { generateSession, EXERCISES } = await import('../../lib/imu/index.ts');
    const counts = async () =>
      (
        await q(
          `SELECT (SELECT count(*) FROM gold.window_predictions) + (SELECT count(*) FROM registry.predictions) + (SELECT count(*) FROM bronze.imu_readings) AS n`,
        )
      )[0].n;
    const before = await counts();
    let correct = 0;
    for (const [i, exercise] of EXERCISES.entries()) {
      const session = generateSession({
        exercise,
        deviceId: DEVICES[i % DEVICES.length],
        sessionId: `p-${i}`,
        start: Date.UTC(2026, 9, 22),
        durationS: 5,
        seed: 9000 + i,
        dropRate: 0,
        gapsPerMinute: 0,
        onlyExercise: true,
      });
      const res = await post({ readings: session.readings.slice(0, 200) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { predicted: string; probabilities: Record<string, number>; version: number; window: { readings: number } };
      expect(Object.values(body.probabilities).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
      expect(body.window.readings).toBe(200);
      if (body.predicted === exercise) correct++;
    }
    // One 4-second window each, from wearers the model knows: most right (chance is 1 in 9).
    expect(correct).toBeGreaterThanOrEqual(Math.ceil(EXERCISES.length / 2));
    expect(await counts()).toBe(before);
  });

  it('follows a promotion: the next request uses the new production version', async () => {
    const { generateSession } = await import('../../lib/imu/index.ts');
    const readings = generateSession({ exercise: 'squat', deviceId: 'w', sessionId: 'x', start: Date.UTC(2026, 9, 22), durationS: 5, seed: 1 }).readings.slice(
      0,
      200,
    );
    const first = (await (await post({ readings })).json()) as { modelVersionId: number };
    // Swap production to another version by hand (as the gate would), then wait out the recheck interval.
    const [other] = await q(`SELECT id FROM registry.model_versions WHERE id <> $1 ORDER BY id LIMIT 1`, [first.modelVersionId]);
    await stack.pools.owner.query(`UPDATE registry.model_versions SET status = 'archived' WHERE status = 'production'`);
    await stack.pools.owner.query(`UPDATE registry.model_versions SET status = 'production' WHERE id = $1`, [other.id]);
    await new Promise((r) => setTimeout(r, 5_200));
    const second = (await (await post({ readings })).json()) as { modelVersionId: number };
    expect(second.modelVersionId).toBe(Number(other.id));
  });

  it('names the bad field, and needs a key', async () => {
    const res = await post({ readings: [{ timestamp: 1, ax: 0 }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details: { field: string }[] } };
    expect(body.error.details.map((d) => d.field)).toContain('readings');
    const { generateSession } = await import('../../lib/imu/index.ts');
    const readings = generateSession({ exercise: 'plank', deviceId: 'w', sessionId: 'y', start: Date.UTC(2026, 9, 22), durationS: 3, seed: 2 }).readings;
    const unknown = await post({ model: 'no-such-model', readings });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toContain('no production version');
    const noKey = await fetch(`${apiUrl}/v1/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
  });
});
