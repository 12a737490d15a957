// Ingest under fire: devices keep posting (retrying with the same batch ids) while PostgreSQL
// crashes and restarts, and while the API is killed and restarted. Afterwards bronze holds every
// acknowledged batch exactly once, and no client was told "stored" for rows that are not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient, type Delivery } from '../../cli/simulator/device-client.ts';
import { ownStack, type OwnStack } from '../support/own-stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const scale = chaosScale();
const DEVICES = 8;
const BATCHES = scale.long ? 400 : 40;
const READINGS = 200;

let stack: OwnStack;
let tokens: string[];
beforeAll(async () => {
  stack = await ownStack('chaos-ingest');
  tokens = await stack.deviceKeys(DEVICES);
});
afterAll(() => stack?.close());

function batch(device: number, n: number, prefix: string) {
  const start = Date.UTC(2026, 10, 1) + n * READINGS * 20;
  return {
    deviceId: `dev-${device}`,
    batchId: `${prefix}-${n}`,
    readings: Array.from({ length: READINGS }, (_, i) => ({
      timestamp: start + i * 20,
      ax: (i % 13) / 10,
      ay: 0.5,
      az: 9.8,
      gx: 0.1,
      gy: -0.1,
      gz: (n % 5) / 10,
    })),
  };
}

interface Outcome {
  acknowledged: Map<string, Delivery>;
  failedAttempts: number;
}

/** Every device posts its batches one after another, retrying each until acknowledged. */
async function devicesPosting(baseUrl: () => string, prefix: string, onProgress: (sent: number) => void): Promise<Outcome> {
  const acknowledged = new Map<string, Delivery>();
  let failedAttempts = 0;
  let sent = 0;
  await Promise.all(
    tokens.map(async (token, d) => {
      for (let n = 0; n < BATCHES; n++) {
        const client = new DeviceClient(baseUrl, token, { timeoutMs: 5000, deadlineMs: 120_000, maxBackoffMs: 500 });
        const delivery = await client.post('/v1/ingest/readings', batch(d, n, prefix));
        acknowledged.set(`dev-${d}/${prefix}-${n}`, delivery);
        failedAttempts += delivery.attempts - 1;
        onProgress(++sent);
      }
    }),
  );
  return { acknowledged, failedAttempts };
}

async function bronzeCounts(prefix: string): Promise<Map<string, number>> {
  const { rows } = await stack.owner.query(
    `SELECT device_id || '/' || batch_id AS key, count(*)::int AS n FROM bronze.imu_readings WHERE batch_id LIKE $1 GROUP BY 1`,
    [`${prefix}-%`],
  );
  return new Map(rows.map((r) => [r.key as string, r.n as number]));
}

function checkExactlyOnce(outcome: Outcome, counts: Map<string, number>) {
  const total = DEVICES * BATCHES;
  expect(outcome.acknowledged.size).toBe(total);
  const missing = [...outcome.acknowledged.keys()].filter((k) => counts.get(k) !== READINGS);
  expect(missing).toEqual([]);
  expect(counts.size).toBe(total);
  const rows = [...counts.values()].reduce((a, b) => a + b, 0);
  expect(rows).toBe(total * READINGS);
  return { batches: total, rows };
}

describe('ingest under fire', () => {
  it('loses and duplicates nothing when PostgreSQL crashes and restarts mid-stream', async () => {
    const api = await stack.startApi();
    let restarted = false;
    let restart: Promise<void> | undefined;
    const outcome = await devicesPosting(
      () => api.url,
      'db',
      (sent) => {
        if (!restart && sent >= (DEVICES * BATCHES) / 4) {
          restart = stack.restartPostgres(1500).then(() => {
            restarted = true;
          });
        }
      },
    );
    await restart;
    expect(restarted).toBe(true);
    const figures = checkExactlyOnce(outcome, await bronzeCounts('db'));
    // The crash was felt: some attempts failed and were retried under the same batch ids.
    expect(outcome.failedAttempts).toBeGreaterThan(0);
    recordFigure('ingest-db-restart', {
      scenario: 'PostgreSQL crash (immediate shutdown) and restart during ingest',
      requestsTried: figures.batches + outcome.failedAttempts,
      acknowledged: figures.batches,
      failedAttemptsRetried: outcome.failedAttempts,
      rowsLost: 0,
      rowsDuplicated: 0,
      command: 'npm run test:chaos -- ingest-under-fire',
    });
  }, 300_000);

  it('loses and duplicates nothing when the API is killed and restarted under load', async () => {
    let api = await stack.startApi();
    let killed: Promise<void> | undefined;
    const outcome = await devicesPosting(
      () => api.url,
      'api',
      (sent) => {
        if (!killed && sent >= (DEVICES * BATCHES) / 3) {
          killed = (async () => {
            await api.process.kill('SIGKILL');
            api = await stack.startApi();
          })();
        }
      },
    );
    await killed;
    const figures = checkExactlyOnce(outcome, await bronzeCounts('api'));
    expect(outcome.failedAttempts).toBeGreaterThan(0);
    const duplicatesAcked = [...outcome.acknowledged.values()].filter((d) => d.status === 'duplicate').length;
    recordFigure('ingest-api-restart', {
      scenario: 'API killed (SIGKILL) and restarted while devices post',
      requestsTried: figures.batches + outcome.failedAttempts,
      acknowledged: figures.batches,
      failedAttemptsRetried: outcome.failedAttempts,
      retriesAnsweredDuplicate: duplicatesAcked,
      rowsLost: 0,
      rowsDuplicated: 0,
      command: 'npm run test:chaos -- ingest-under-fire',
    });
  }, 300_000);
});
