// A fleet of simulated ESP32 devices, each worn by one simulated person: each records exercise
// sessions (synthetic IMU signals from lib/imu, in the wearer's style) and posts them through the
// ingest API the way a real device would: the session record (with its label for most sessions:
// the ground truth for training) and the readings in batches, retried under the same batch ids.
import { EXERCISES, generateSession, type Exercise } from '../../lib/imu/index.ts';
import { seededRandom, hashSeed, shuffled } from '../../lib/random.ts';
import { DeviceClient } from './device-client.ts';

export interface SimulatedDevice {
  deviceId: string;
  token: string;
}

export interface FleetOptions {
  apiUrl: string;
  devices: SimulatedDevice[];
  /** The day (UTC) the sessions happen on. */
  day: string;
  sessionsPerDevice: number;
  sessionSeconds: number;
  /** Share of sessions posted without a label (the model predicts those). */
  unlabelledShare?: number;
  batchSize?: number;
  seed?: number;
  /** What the day's randomness is drawn from (default the day itself); the same key gives the same sessions on any date. */
  seedKey?: string;
  onProgress?: (done: { sessions: number; readings: number }) => void;
}

export interface FleetResult {
  sessions: number;
  labelled: number;
  batches: number;
  readings: number;
  duplicates: number;
  retries: number;
  byExercise: Partial<Record<Exercise, number>>;
}

export async function simulateFleet(options: FleetOptions): Promise<FleetResult> {
  const batchSize = options.batchSize ?? 500;
  const result: FleetResult = { sessions: 0, labelled: 0, batches: 0, readings: 0, duplicates: 0, retries: 0, byExercise: {} };
  const dayStart = Date.parse(`${options.day}T07:00:00Z`);
  await Promise.all(
    options.devices.map(async (device, d) => {
      const random = seededRandom(hashSeed(`fleet:${options.seed ?? 1}:${options.seedKey ?? options.day}:${device.deviceId}`));
      const client = new DeviceClient(options.apiUrl, device.token);
      // Each wearer goes through every exercise, in an order of their own, before repeating one.
      const plan = shuffled(EXERCISES, random);
      for (let s = 0; s < options.sessionsPerDevice; s++) {
        const exercise = plan[s % plan.length]!;
        const sessionId = `${device.deviceId}-${options.day}-${s}`;
        // Sessions spread over the day, a device's sessions never overlapping.
        const start = dayStart + (d * 7 + s * 53) * 60_000 + Math.floor(random.next() * 20) * 1000;
        const session = generateSession({
          exercise,
          deviceId: device.deviceId,
          sessionId,
          start,
          durationS: options.sessionSeconds,
          seed: hashSeed(sessionId),
        });
        const labelled = random.next() >= (options.unlabelledShare ?? 0.25);
        const posted = await client.post('/v1/ingest/sessions', {
          deviceId: device.deviceId,
          sessionId,
          batchId: `${sessionId}-record`,
          startedAt: session.startedAt,
          endedAt: session.endedAt,
          ...(labelled ? { exercise } : {}),
        });
        result.retries += posted.attempts - 1;
        for (let i = 0; i < session.readings.length; i += batchSize) {
          const readings = session.readings.slice(i, i + batchSize);
          const delivery = await client.post('/v1/ingest/readings', {
            deviceId: device.deviceId,
            batchId: `${sessionId}-${i / batchSize}`,
            sessionId,
            readings,
          });
          result.batches++;
          result.retries += delivery.attempts - 1;
          if (delivery.status === 'duplicate') result.duplicates++;
          else result.readings += readings.length;
        }
        result.sessions++;
        if (labelled) result.labelled++;
        result.byExercise[exercise] = (result.byExercise[exercise] ?? 0) + 1;
        options.onProgress?.({ sessions: result.sessions, readings: result.readings });
      }
    }),
  );
  return result;
}
