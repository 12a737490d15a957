// The live path's parts on a real PostgreSQL: the classifier continues tails and logs predictions
// inside a transaction (nothing of it survives a rollback), and the hub delivers every committed
// prediction in order to each subscriber from its own cursor, across a lost listening connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClassifier, type LiveBatch } from '../../domains/sensor/live/classifier.ts';
import { LiveHub } from '../../domains/sensor/live/hub.ts';
import type { LivePrediction } from '../../domains/sensor/live/prediction.ts';
import { loadModelVersion, type LoadedModel } from '../../domains/registry/sql/models.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import { generateSession } from '../../lib/imu/index.ts';
import { createLogger } from '../../lib/log.ts';
import { seedProductionModel } from '../support/model.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let model: LoadedModel;
const classifier = new LiveClassifier();
const session = generateSession({ exercise: 'plank', deviceId: 'hub-1', sessionId: 'h', start: Date.UTC(2026, 10, 4, 12), durationS: 60, seed: 3 });
const seconds = Array.from({ length: 60 }, (_, s) => session.readings.filter((r) => Math.floor((r.timestamp - session.startedAt) / 1000) === s));

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  model = await loadModelVersion(stack.pools.owner, (await seedProductionModel(stack.pools.owner)).modelVersionId);
});
afterAll(() => stack?.close());

/** Posts seconds [from, to) of the session through the classifier, one transaction per second, as ingest does. */
async function classify(from: number, to: number): Promise<void> {
  for (let s = from; s < to; s++) {
    const batch: LiveBatch = { deviceId: 'hub-1', sessionId: 'h', readings: seconds[s] };
    await withTransaction(stack.pools.ingest, (client) => classifier.apply(client, [batch], [], model));
  }
}

const stored = async () => Number((await stack.pools.owner.query(`SELECT count(*) AS n FROM registry.live_predictions WHERE device_id = 'hub-1'`)).rows[0].n);

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live classifier and hub', () => {
  it('keeps nothing of a transaction that rolls back', async () => {
    await expect(
      withTransaction(stack.pools.ingest, async (client) => {
        await classifier.apply(client, [{ deviceId: 'hub-0', sessionId: null, readings: seconds.slice(0, 10).flat() }], [], model);
        throw new Error('the readings failed to land');
      }),
    ).rejects.toThrow('failed to land');
    const { rows } = await stack.pools.owner.query(
      `SELECT (SELECT count(*)::int FROM registry.live_predictions WHERE device_id = 'hub-0') AS predictions, (SELECT count(*)::int FROM live.device_tails WHERE device_id = 'hub-0') AS tails`,
    );
    expect(rows[0]).toEqual({ predictions: 0, tails: 0 });
  });

  it('delivers every prediction once, in order, to subscribers at different cursors, across a lost listening connection', async () => {
    const hub = new LiveHub(stack.pools.api, createLogger('silent', 'hub-test'));
    await classify(0, 20);
    const before = await stored();
    expect(before).toBeGreaterThan(5);
    const fromStart: LivePrediction[] = [];
    const fromMiddle: LivePrediction[] = [];
    const stop = [await hub.subscribe('hub-1', 0, (p) => fromStart.push(p)), await hub.subscribe('hub-1', 3, (p) => fromMiddle.push(p))];
    await until(() => fromStart.length === before, 'the catch-up from the database');
    await classify(20, 35);
    await until(async () => fromStart.length === (await stored()), 'predictions notified while listening');

    // The listening connection dies; predictions committed meanwhile arrive once it is back.
    await stack.pools.owner.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN refinery_live_predictions%'`);
    await classify(35, 60);
    const total = await stored();
    await until(() => fromStart.length === total && fromMiddle.length === total - 3, 'the catch-up after reconnecting');
    expect(hub.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(fromStart.map((p) => p.eventId)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(fromMiddle).toEqual(fromStart.slice(3));
    for (const s of stop) s();
    expect(hub.size).toBe(0);
    await hub.close();
  });

  it('ends its streams when it closes', async () => {
    const hub = new LiveHub(stack.pools.api, createLogger('silent', 'hub-test'));
    let ended = 0;
    await hub.subscribe(
      'hub-1',
      0,
      () => {},
      () => ended++,
    );
    await hub.subscribe(
      'hub-2',
      0,
      () => {},
      () => ended++,
    );
    await hub.close();
    expect(ended).toBe(2);
    await expect(hub.subscribe('hub-1', 0, () => {})).rejects.toThrow('stopping');
  });
});
