// Ingest under fire: devices keep posting (retrying with the same batch ids) while PostgreSQL
// crashes and restarts, and while the API is SIGKILLed right after committing a batch whose
// acknowledgement never reaches its device. Afterwards the batches the devices were told are stored
// are exactly the batches in bronze, each holding its readings once, and the lost acknowledgement
// was answered "duplicate" on retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceClient, type Delivery } from '../../cli/simulator/device-client.ts';
import { startAckCutter } from '../support/ack-cutter.ts';
import { bronzeBatches, compareDeliveries } from '../support/deliveries.ts';
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
  /** The devices' own record: `deviceId/batchId` → how its delivery ended. */
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

/** The devices' record against bronze: same set of batches, each exactly once. */
async function exactlyOnce(outcome: Outcome, prefix: string) {
  const sent = DEVICES * BATCHES;
  expect(outcome.acknowledged.size).toBe(sent);
  const comparison = compareDeliveries(outcome.acknowledged.keys(), await bronzeBatches(stack.owner, `${prefix}-%`), READINGS);
  expect(comparison.lostBatches).toEqual([]);
  expect(comparison.unacknowledgedInBronze).toEqual([]);
  expect(comparison.rowsDuplicated).toBe(0);
  expect(comparison.inBronze).toBe(sent);
  return comparison;
}

/** The measures both scenarios record, all from the devices' record and bronze. */
function measures(outcome: Outcome, comparison: Awaited<ReturnType<typeof exactlyOnce>>) {
  return {
    requestsTried: comparison.acknowledged + outcome.failedAttempts,
    acknowledged: comparison.acknowledged,
    batchesInBronze: comparison.inBronze,
    failedAttemptsRetried: outcome.failedAttempts,
    retriesAnsweredDuplicate: [...outcome.acknowledged.values()].filter((d) => d.status === 'duplicate').length,
    rowsLost: comparison.rowsLost,
    rowsDuplicated: comparison.rowsDuplicated,
    command: 'npm run test:chaos -- ingest-under-fire',
  };
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
    const comparison = await exactlyOnce(outcome, 'db');
    // The crash was felt: some attempts failed and were retried under the same batch ids.
    expect(outcome.failedAttempts).toBeGreaterThan(0);
    recordFigure('ingest-db-restart', {
      scenario: 'PostgreSQL crash (immediate shutdown) and restart during ingest',
      ...measures(outcome, comparison),
    });
  }, 300_000);

  it('loses and duplicates nothing when the API is killed between COMMIT and its answer', async () => {
    let api = await stack.startApi();
    // Devices talk to the API through the cutter, which survives the API's restart.
    const cutter = await startAckCutter(() => api.url);
    let cut: Promise<{ batch: string }> | undefined;
    let killedAt = 0;
    try {
      const outcome = await devicesPosting(
        () => cutter.url,
        'api',
        (sent) => {
          if (!cut && sent >= (DEVICES * BATCHES) / 3) {
            cut = cutter.arm(async () => {
              // The API has committed this batch and started answering 201; it dies before the device hears it.
              await api.process.kill('SIGKILL');
              killedAt = Date.now();
              api = await stack.startApi();
            });
          }
        },
      );
      const lost = await cut!;
      expect(killedAt).toBeGreaterThan(0);
      const comparison = await exactlyOnce(outcome, 'api');
      // The fault was felt: the batch whose 201 was lost failed for its device, was retried, and the
      // retry was told "duplicate" (it was already committed), not stored again.
      const delivery = outcome.acknowledged.get(lost.batch)!;
      expect(delivery.attempts).toBeGreaterThan(1);
      expect(delivery.status).toBe('duplicate');
      expect(outcome.failedAttempts).toBeGreaterThan(0);
      recordFigure('ingest-api-restart', {
        scenario: 'API killed (SIGKILL) between committing a batch and answering it, then restarted, while devices post',
        ...measures(outcome, comparison),
      });
    } finally {
      await cutter.close();
    }
  }, 300_000);
});
