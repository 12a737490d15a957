// `refinery simulate --live`: simulated wearers exercise in real time, each device posting a batch
// every second (as ESP32 firmware does), while the terminal follows every device's live
// predictions over SSE and prints them as they arrive, next to what the wearer is really doing.
import type { Pool } from '../../lib/db/pool.ts';
import { EXERCISES, generateSession, type Exercise, type SyntheticSession } from '../../lib/imu/index.ts';
import { hashSeed, seededRandom, shuffled } from '../../lib/random.ts';
import { productionVersionId } from '../../domains/registry/sql/models.ts';
import { EXERCISE_MODEL } from '../../domains/sensor/steps/train.ts';
import type { LivePrediction } from '../../domains/sensor/live/prediction.ts';
import { simulatedDevices } from './days.ts';
import { DeviceClient } from './device-client.ts';
import type { SimulatedDevice } from './fleet.ts';
import { followDevice } from './live-client.ts';

export interface LiveSimulationOptions {
  ownerPool: Pool;
  apiUrl: string;
  devices: number;
  sessionsPerDevice: number;
  sessionSeconds: number;
  seed?: number;
  say: (line: string) => void;
}

export interface LiveDeviceSummary {
  deviceId: string;
  predictions: number;
  /** Predictions of windows wholly inside the exercise that name it. */
  right: number;
  judged: number;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const clock = (iso: string) => iso.slice(11, 19);

export async function simulateLive(o: LiveSimulationOptions): Promise<LiveDeviceSummary[]> {
  const devices = await simulatedDevices(o.ownerPool, o.devices);
  if ((await productionVersionId(o.ownerPool, EXERCISE_MODEL)) === null) {
    o.say(
      `no production ${EXERCISE_MODEL} yet: readings land and windows are counted, but nothing is classified until \`refinery run sensor\` promotes a model`,
    );
  }
  o.say(
    `${devices.length} devices exercising for ${o.sessionsPerDevice} × ${o.sessionSeconds} s, posting every second to ${o.apiUrl}; predictions as they arrive:`,
  );
  o.say(`${pad('window end', 10)}  ${pad('device', 12)}  ${pad('window', 6)}  ${pad('predicted', 15)}  ${pad('conf.', 5)}  doing`);
  return Promise.all(devices.map((device, d) => runDevice(o, device, d)));
}

async function runDevice(o: LiveSimulationOptions, device: SimulatedDevice, index: number): Promise<LiveDeviceSummary> {
  const summary: LiveDeviceSummary = { deviceId: device.deviceId, predictions: 0, right: 0, judged: 0 };
  const sessions: SyntheticSession[] = [];
  let newestAcked = 0;
  let newestSeen = 0;
  const show = (p: LivePrediction) => {
    newestSeen = p.eventId;
    summary.predictions++;
    const start = Date.parse(p.startTs);
    const end = Date.parse(p.endTs);
    const session = sessions.find((s) => s.sessionId === p.sessionId);
    const whole = session !== undefined && start >= session.exerciseStartedAt && end <= session.exerciseEndedAt;
    let verdict = '';
    if (session && whole) {
      summary.judged++;
      if (p.predicted === session.exercise) summary.right++;
      verdict = p.predicted === session.exercise ? ' ✓' : ' ✗';
    }
    const doing = !session
      ? ''
      : whole
        ? `${session.exercise}${verdict}`
        : start < session.exerciseStartedAt
          ? `getting into position for ${session.exercise}`
          : `${session.exercise}, then back to rest`;
    o.say(
      `${pad(clock(p.endTs), 10)}  ${pad(p.deviceId, 12)}  ${pad(String(p.windowIndex), 6)}  ${pad(p.predicted, 15)}  ${pad(`${Math.round(p.probability * 100)}%`, 5)}  ${doing}`,
    );
  };
  const following = followDevice(o.apiUrl, device.token, device.deviceId, {
    onPrediction: show,
    onError: (m) => o.say(`${device.deviceId}: live stream: ${m} (reconnecting)`),
  });
  await following.opened;
  const client = new DeviceClient(o.apiUrl, device.token);
  const random = seededRandom(hashSeed(`live:${o.seed ?? 1}:${device.deviceId}`));
  const plan: Exercise[] = shuffled(EXERCISES, random);
  try {
    for (let s = 0; s < o.sessionsPerDevice; s++) {
      const exercise = plan[(s + index) % plan.length];
      const start = Math.ceil(Date.now() / 1000) * 1000;
      const sessionId = `${device.deviceId}-live-${start}`;
      const session = generateSession({ exercise, deviceId: device.deviceId, sessionId, start, durationS: o.sessionSeconds, seed: hashSeed(sessionId) });
      sessions.push(session);
      await client.post('/v1/ingest/sessions', { deviceId: device.deviceId, sessionId, batchId: `${sessionId}-record`, startedAt: start, exercise });
      for (let second = 0; second < o.sessionSeconds; second++) {
        // The readings of this second go out once it is over, as a device buffering one second would send them.
        const due = start + (second + 1) * 1000;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const readings = session.readings.filter((r) => r.timestamp >= start + second * 1000 && r.timestamp < due);
        if (!readings.length) continue;
        const { ack } = await client.post('/v1/ingest/readings', { deviceId: device.deviceId, sessionId, batchId: `${sessionId}-${second}`, readings });
        const prediction = ack.prediction as LivePrediction | undefined;
        if (prediction) newestAcked = Math.max(newestAcked, prediction.eventId);
      }
    }
    // The last predictions may still be on their way.
    const deadline = Date.now() + 5_000;
    while (newestSeen < newestAcked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } finally {
    following.close();
  }
  return summary;
}
