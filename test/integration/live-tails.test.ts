// Device tails remembered by the API process that wrote them (domains/sensor/live/tails.ts): a
// process continues a device from memory while the row still holds the generation it wrote, and
// reads it back once another process wrote it, or after its own transaction rolled back. The same
// session posted second by second leaves exactly the tail and the predictions it leaves when every
// batch is read back from PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestWriter } from '../../domains/sensor/ingest/writer.ts';
import { LiveClassifier } from '../../domains/sensor/live/classifier.ts';
import { createLogger } from '../../lib/log.ts';
import { loadModelVersion, type LoadedModel } from '../../domains/registry/sql/models.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import { generateSession } from '../../lib/imu/index.ts';
import { seedProductionModel } from '../support/model.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let model: LoadedModel;
const session = generateSession({ exercise: 'squat', deviceId: 'tails', sessionId: 't', start: Date.UTC(2026, 10, 4, 12), durationS: 45, seed: 11 });
const seconds = Array.from({ length: 45 }, (_, s) => session.readings.filter((r) => Math.floor((r.timestamp - session.startedAt) / 1000) === s));

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  model = await loadModelVersion(stack.pools.owner, (await seedProductionModel(stack.pools.owner)).modelVersionId);
});
afterAll(() => stack?.close());

/** One second of the session for a device, committed (the classifier told so) or rolled back. */
async function post(classifier: LiveClassifier, deviceId: string, second: number, outcome: 'commit' | 'rollback' = 'commit'): Promise<void> {
  const batch = { deviceId, sessionId: 't', readings: seconds[second]!.map((r) => ({ ...r })) };
  const applied = withTransaction(stack.pools.ingest, async (client) => {
    const result = await classifier.apply(client, [batch], [], model);
    if (outcome === 'rollback') throw new Error('the readings failed to land');
    return result;
  });
  if (outcome === 'rollback') await expect(applied).rejects.toThrow('failed to land');
  else (await applied).committed();
}

/** What a device's live path left: its tail row (without its generation) and its predictions in event order. */
async function leftBy(deviceId: string) {
  const { rows: tails } = await stack.pools.owner.query(
    `SELECT session_id, encode(readings, 'hex') AS readings, last_ts, count_day::text, windows_on_day, last_event_id, last_prediction - 'deviceId' - 'classifiedAt' AS last
       FROM live.device_tails WHERE device_id = $1`,
    [deviceId],
  );
  const { rows: predictions } = await stack.pools.owner.query(
    `SELECT event_id, window_day::text, window_index, start_ts, end_ts, predicted, probability FROM registry.live_predictions WHERE device_id = $1 ORDER BY event_id`,
    [deviceId],
  );
  return { tail: tails[0], predictions };
}

describe('device tails remembered between transactions', () => {
  it('leaves what reading every tail back leaves, across another process writing the device and rolled-back transactions', async () => {
    // Read back every time: a new classifier (nothing remembered) for each second.
    for (let s = 0; s < seconds.length; s++) await post(new LiveClassifier(), 'tails-read', s);

    // One process posts most seconds; another takes every seventh; two transactions roll back and
    // are sent again, as a device retries.
    const mine = new LiveClassifier();
    const other = new LiveClassifier();
    for (let s = 0; s < seconds.length; s++) {
      if (s === 10 || s === 31) await post(mine, 'tails-memory', s, 'rollback');
      await post(s % 7 === 6 ? other : mine, 'tails-memory', s);
    }

    const read = await leftBy('tails-read');
    const memory = await leftBy('tails-memory');
    expect(read.predictions.length).toBeGreaterThan(10);
    expect(memory).toEqual(read);
    // Remembered most of the time; read back after the other process wrote the device (6 of them)
    // and for the first second (a new tail is made, not read).
    expect(mine.stats.tailHits).toBeGreaterThan(30);
    expect(mine.stats.tailMisses).toBe(6);
    expect(other.stats.tailMisses).toBe(6);
  });

  it('reads a tail back when its row was written by hand since', async () => {
    const classifier = new LiveClassifier();
    for (let s = 0; s < 6; s++) await post(classifier, 'tails-edited', s);
    // An operator resets the device's windows: the next batch must start from the empty tail, not
    // from what this process remembers.
    await stack.pools.owner.query(`DELETE FROM live.device_tails WHERE device_id = 'tails-edited'`);
    const misses = classifier.stats.tailMisses;
    await post(classifier, 'tails-edited', 6);
    const { rows } = await stack.pools.owner.query(`SELECT length(readings) / 80 AS held FROM live.device_tails WHERE device_id = 'tails-edited'`);
    expect(rows[0].held).toBe(seconds[6]!.length);
    expect(classifier.stats.tailMisses).toBe(misses);
  });

  it('lands the readings when the live part fails, and leaves the tail as it was', async () => {
    const classifier = new LiveClassifier();
    const writer = new IngestWriter(
      stack.pools.ingest,
      { trackArrivals: false },
      { classifier, model: async () => model, log: createLogger('silent', 'live-tails') },
    );
    const batch = (s: number) => ({ deviceId: 'tails-broken', batchId: `b${s}`, sessionId: 't', readings: seconds[s]!.map((r) => ({ ...r })) });
    expect((await writer.submit(batch(0), 'test-key')).landing).toBe('stored');
    // A tail that cannot be read (not whole readings), written since this process remembered it.
    await stack.pools.owner.query(
      `UPDATE live.device_tails SET readings = '\\x0001'::bytea, generation = nextval('live.tail_generations') WHERE device_id = 'tails-broken'`,
    );
    const landed = await writer.submit(batch(1), 'test-key');
    expect(landed.landing).toBe('stored');
    expect(writer.stats.liveFailures).toBe(1);
    const { rows } = await stack.pools.owner.query(
      `SELECT (SELECT count(DISTINCT batch_id)::int FROM bronze.imu_segments WHERE device_id = 'tails-broken') AS batches,
              (SELECT encode(readings, 'hex') FROM live.device_tails WHERE device_id = 'tails-broken') AS tail`,
    );
    expect(rows[0]).toEqual({ batches: 2, tail: '0001' });
  });
});
