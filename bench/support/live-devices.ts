// Simulated devices for bench/live.ts: each replays a realistic session (lib/imu) as 1-second
// batches of 50 readings, either as fast as acknowledgements come (throughput) or at the device's
// real pace (latency, memory), and optionally follows its own live predictions over SSE, noting
// when each acknowledgement and each prediction arrived.
import { followDevice } from '../../cli/simulator/live-client.ts';
import type { LivePrediction } from '../../domains/sensor/live/prediction.ts';
import { generateSession, type Reading } from '../../lib/imu/index.ts';

export interface BenchDevice {
  deviceId: string;
  token: string;
}

/** One minute of a device's readings as 60 one-second batches; later minutes repeat it, shifted. */
export function minuteOfBatches(deviceId: string, exercise: Parameters<typeof generateSession>[0]['exercise'], seed: number): Reading[][] {
  const session = generateSession({ exercise, deviceId, sessionId: 'x', start: 0 + Date.UTC(2026, 0, 1), durationS: 60, seed, onlyExercise: true });
  const batches: Reading[][] = Array.from({ length: 60 }, () => []);
  for (const r of session.readings)
    batches[Math.max(0, Math.min(59, Math.floor((r.timestamp - session.startedAt) / 1000)))].push({ ...r, timestamp: r.timestamp - session.startedAt });
  return batches;
}

export interface DeviceRun {
  acked: number;
  readings: number;
  /** Acknowledgement latency of every batch, ms. */
  ackMs: number[];
  /** When the acknowledgement announcing each new event id arrived (performance.now()). */
  ackedAt: Map<number, number>;
  /** When each prediction arrived on the SSE stream, by event id. */
  arrivedAt: Map<number, number>;
  /** Event ids in the order the stream delivered them. */
  order: number[];
  errors: string[];
  /** Posts retried (connection refused or timed out, 503). */
  retries: number;
}

export interface RunOptions {
  apiUrl: string;
  device: BenchDevice;
  batches: Reading[][];
  /** Epoch ms the first batch's readings start at. */
  start: number;
  /** Keep posting until this performance.now(). */
  until: number;
  /** Post at the device's own pace (a batch a second) instead of as fast as acknowledgements come. */
  realTime: boolean;
  follow: boolean;
}

export async function runDevice(o: RunOptions): Promise<DeviceRun & { stop(): void }> {
  const run: DeviceRun = { acked: 0, readings: 0, ackMs: [], ackedAt: new Map(), arrivedAt: new Map(), order: [], errors: [], retries: 0 };
  const following = o.follow
    ? followDevice(o.apiUrl, o.device.token, o.device.deviceId, {
        maxSeconds: 3600,
        onPrediction: (p: LivePrediction) => {
          run.arrivedAt.set(p.eventId, performance.now());
          run.order.push(p.eventId);
        },
        onError: (m) => run.errors.push(m),
      })
    : null;
  await following?.opened;
  let newest = 0;
  const began = performance.now();
  for (let n = 0; performance.now() < o.until; n++) {
    if (o.realTime) {
      const due = began + (n + 1) * 1000;
      if (due > o.until) break;
      if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    const minute = Math.floor(n / o.batches.length);
    const readings = o.batches[n % o.batches.length].map((r) => ({ ...r, timestamp: r.timestamp + o.start + minute * 60_000 }));
    // A second whose every reading the simulated sensor dropped: firmware has nothing to send.
    if (!readings.length) continue;
    const sent = performance.now();
    const { body, received } = await post(o, `b-${n}`, readings, run);
    run.ackMs.push(received - sent);
    run.acked++;
    run.readings += readings.length;
    const eventId = body.prediction?.eventId ?? 0;
    for (let id = newest + 1; id <= eventId; id++) run.ackedAt.set(id, received);
    newest = Math.max(newest, eventId);
  }
  return { ...run, stop: () => following?.close() };
}

/** Retries of one batch before the device gives up (firmware keeps a batch until it is acknowledged). */
const MAX_TRIES = 30;

/**
 * Posts a batch until it is acknowledged, as firmware does: a refused connection, a timeout or a 503
 * is retried after a second with the same batch id (so it lands once); anything else is a failure.
 */
async function post(o: RunOptions, batchId: string, readings: Reading[], run: DeviceRun) {
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const res = await fetch(`${o.apiUrl}/v1/ingest/readings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.device.token}` },
        body: JSON.stringify({ deviceId: o.device.deviceId, batchId, sessionId: 's', readings }),
      });
      const body = (await res.json()) as { prediction?: { eventId: number }; error?: { message: string; details?: unknown } };
      if (res.status === 201) return { body, received: performance.now() };
      if (res.status !== 503)
        throw new Error(`${o.device.deviceId} ${batchId}: ${res.status} ${body.error?.message ?? ''} ${JSON.stringify(body.error?.details ?? [])}`);
      failure = `503 ${body.error?.message ?? ''}`;
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      failure = `${e.message}: ${(e.cause as Error | undefined)?.message ?? ''}`;
    }
    run.retries++;
    if (attempt === MAX_TRIES) throw new Error(`${o.device.deviceId} ${batchId}: not acknowledged after ${MAX_TRIES} tries (${failure})`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
