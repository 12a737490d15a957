// Synthetic IMU sessions for tests, demos and benchmarks: a wrist-worn device doing one exercise,
// simulated from the movement (exercises.ts) with sensor noise, bias, quantisation and lost readings.
//
// The model, per scheduled reading at the sample rate (default 50 Hz, a common ESP32 logging rate):
// - Repetitions advance a phase; each repetition draws its own tempo (±5%) and amplitude (±8%), and
//   the session its own tempo and amplitude (a person's pace and range of motion).
// - Orientation = neutral orientation (random heading) · limb swing · slow jitter (three sinusoids of
//   0.05–0.5 Hz per axis, ~2° in all). Gravity and the Earth's field (20 µT north, 44 µT down) are
//   read in that rotating frame; the gyroscope reads the swing and jitter rates.
// - Added: body bounce and landing pulses (vertical), lever-arm acceleration of the swing, tremor,
//   per-device bias (seeded by the device id, so one device keeps its bias across sessions), Gaussian
//   noise per channel, quantisation to a 16-bit full-scale LSB, and saturation at full scale.
// - Losses: each reading is lost with probability dropRate; a gap of 0.2–1 s starts on average
//   gapsPerMinute times a minute. Losses draw from their own stream, so changing them keeps the values.
import { G, sensorRanges, deviceColumns, type Reading, type ReadingColumns } from './reading.ts';
import { exerciseProfiles, type Exercise } from './exercises.ts';
import { hashSeed, seededRandom, type Random } from '../random.ts';

export interface SessionOptions {
  exercise: Exercise;
  deviceId: string;
  sessionId: string;
  start: Date | number;
  durationS: number;
  seed: number;
  /** Default 50. */
  sampleRateHz?: number;
  /** Probability that a reading is lost. Default 0.01. */
  dropRate?: number;
  /** Average number of short gaps (0.2–1 s) a minute. Default 0.5. */
  gapsPerMinute?: number;
  /** Whether the device has a magnetometer. Default true. */
  magnetometer?: boolean;
}

export interface SyntheticSession {
  exercise: Exercise;
  deviceId: string;
  sessionId: string;
  startedAt: number;
  endedAt: number;
  sampleRateHz: number;
  /** Readings a device with no losses would have sent. */
  scheduledReadings: number;
  /** Rows as the ingest API takes them (timestamps in epoch milliseconds). */
  readings: Reading[];
}

const NOISE = { acc: 0.04, gyro: 0.005, mag: 0.4 };
const BIAS = { acc: 0.15, gyro: 0.02, mag: 20 };
const LSB = { acc: (32 * G) / 65536, gyro: ((4000 / 65536) * Math.PI) / 180, mag: 0.15 };
const EARTH_FIELD = [20, 0, -44];
const IMPACT_SIGMA_S = 0.025;
const DEG = Math.PI / 180;

type Mat = number[];
type Vec = [number, number, number];

export function generateSession(options: SessionOptions): SyntheticSession {
  const { exercise, deviceId, sessionId, durationS, seed } = options;
  const profile = exerciseProfiles[exercise];
  if (profile === undefined) throw new RangeError(`unknown exercise "${exercise}"`);
  const fs = options.sampleRateHz ?? 50;
  const dropRate = options.dropRate ?? 0.01;
  const gapsPerMinute = options.gapsPerMinute ?? 0.5;
  const withMag = options.magnetometer ?? true;
  const startMs = typeof options.start === 'number' ? options.start : options.start.getTime();
  if (!(fs > 0) || !(durationS > 0)) throw new RangeError(`sampleRateHz and durationS must be positive, got ${fs} and ${durationS}`);

  const setup = seededRandom(hashSeed(`setup:${seed}`));
  const noise = seededRandom(hashSeed(`noise:${seed}`));
  const loss = seededRandom(hashSeed(`loss:${seed}`));
  const device = seededRandom(hashSeed(`device:${deviceId}`));

  const bias = {
    acc: [0, 1, 2].map(() => device.normal() * BIAS.acc),
    gyro: [0, 1, 2].map(() => device.normal() * BIAS.gyro),
    mag: [0, 1, 2].map(() => device.normal() * BIAS.mag),
  };
  const neutral = mul(rotZ(setup.between(0, 2 * Math.PI)), mul(rotY(profile.orientationDeg.pitch * DEG), rotX(profile.orientationDeg.roll * DEG)));
  const up = applyT(neutral, [0, 0, 1]);
  const field = applyT(neutral, EARTH_FIELD as Vec);
  const jitter = [0, 1, 2].map(() => jitterAxis(setup));
  const tremorHz = setup.between(8, 12);
  const tremorPhase = [0, 1, 2].map(() => setup.between(0, 2 * Math.PI));
  const sessionTempo = 1 + clamp(setup.normal() * 0.05, -0.12, 0.12);
  const sessionAmplitude = 1 + clamp(setup.normal() * 0.1, -0.25, 0.25);

  let phase = setup.next();
  let repetition = Math.floor(phase);
  let tempo = sessionTempo;
  let amplitude = sessionAmplitude;
  let gapUntil = -1;

  const scheduled = Math.floor(durationS * fs);
  const readings: Reading[] = [];
  for (let i = 0; i < scheduled; i++) {
    const t = i / fs;
    const omega = 2 * Math.PI * profile.repetitionHz * tempo; // phase rate, rad/s
    const theta = 2 * Math.PI * phase;
    const h = profile.secondHarmonic;
    const w = Math.sin(theta) + h * Math.sin(2 * theta);
    const w1 = Math.cos(theta) + 2 * h * Math.cos(2 * theta);
    const w2 = -Math.sin(theta) - 4 * h * Math.sin(2 * theta);

    // Limb swing: angle, rate and angular acceleration about the swing axis.
    let swing: Mat = IDENTITY;
    const rate: Vec = [0, 0, 0];
    const lever: Vec = [0, 0, 0];
    if (profile.swing !== null) {
      const { axis, centreDeg, amplitudeDeg, leverM } = profile.swing;
      const a = amplitudeDeg * DEG * amplitude;
      const angle = centreDeg * DEG + a * w;
      const angleRate = a * w1 * omega;
      const angleAccel = a * w2 * omega * omega;
      const k = axis === 'y' ? 1 : 2;
      swing = axis === 'y' ? rotY(angle) : rotZ(angle);
      rate[k] = angleRate;
      // Tangential (α × r) and centripetal (ω × (ω × r)) acceleration of a point leverM along x.
      lever[0] = -angleRate * angleRate * leverM;
      lever[k === 1 ? 2 : 1] = (k === 1 ? -1 : 1) * angleAccel * leverM;
    }

    // Vertical acceleration of the body: bounce plus landing pulses.
    let vertical = 0;
    if (profile.bounce !== null) {
      const wb = profile.bounce.harmonic * omega;
      vertical -= profile.bounce.amplitudeM * amplitude * wb * wb * Math.sin(profile.bounce.harmonic * theta);
    }
    if (profile.impacts !== null) {
      const per = profile.impacts.perRepetition;
      const within = (phase * per) % 1; // landings at phase 0, 1/per, 2/per, … of each repetition
      const dt = Math.min(within, 1 - within) / (per * profile.repetitionHz * tempo);
      vertical += profile.impacts.peak * amplitude * Math.exp(-0.5 * (dt / IMPACT_SIGMA_S) ** 2);
    }

    const j = jitter.map((axis) => axis.angle(t));
    const jitterRot = mul(rotZ(j[2]), mul(rotY(j[1]), rotX(j[0])));
    const upDevice = applyT(jitterRot, applyT(swing, up));
    const leverDevice = applyT(jitterRot, lever);
    const rateDevice = applyT(jitterRot, rate);
    const fieldDevice = applyT(jitterRot, applyT(swing, field));

    const reading: Reading = { timestamp: startMs + Math.round((i * 1000) / fs), ax: 0, ay: 0, az: 0, gx: 0, gy: 0, gz: 0 };
    const accKeys = ['ax', 'ay', 'az'] as const;
    const gyroKeys = ['gx', 'gy', 'gz'] as const;
    for (let k = 0; k < 3; k++) {
      const tremor = profile.tremor * Math.sin(2 * Math.PI * tremorHz * t + tremorPhase[k]);
      const acc = (G + vertical) * upDevice[k] + leverDevice[k] + tremor + bias.acc[k] + noise.normal() * NOISE.acc;
      const gyro = rateDevice[k] + jitter[k].rate(t) + 0.15 * tremor + bias.gyro[k] + noise.normal() * NOISE.gyro;
      reading[accKeys[k]] = measure(acc, LSB.acc, sensorRanges.acc);
      reading[gyroKeys[k]] = measure(gyro, LSB.gyro, sensorRanges.gyro);
    }
    const magValues = [0, 1, 2].map((k) => measure(fieldDevice[k] + bias.mag[k] + noise.normal() * NOISE.mag, LSB.mag, sensorRanges.mag));
    if (withMag) [reading.mx, reading.my, reading.mz] = magValues;

    if (i > gapUntil && loss.next() < gapsPerMinute / (60 * fs)) gapUntil = i + Math.round(loss.between(0.2, 1) * fs);
    const lost = loss.next() < dropRate;
    if (i > gapUntil && !lost) readings.push(reading);

    phase += (profile.repetitionHz * tempo) / fs;
    if (Math.floor(phase) !== repetition) {
      repetition = Math.floor(phase);
      tempo = sessionTempo * (1 + clamp(setup.normal() * 0.05, -0.15, 0.15));
      amplitude = sessionAmplitude * (1 + clamp(setup.normal() * 0.08, -0.2, 0.2));
    }
  }
  return {
    exercise,
    deviceId,
    sessionId,
    startedAt: startMs,
    endedAt: startMs + Math.round((scheduled * 1000) / fs),
    sampleRateHz: fs,
    scheduledReadings: scheduled,
    readings,
  };
}

/** The session's readings as columns (one device, one session). */
export function sessionColumns(session: SyntheticSession): ReadingColumns {
  return deviceColumns(session.deviceId, session.sessionId, session.readings);
}

/** Slow orientation wander about one axis: three sinusoids, so angle and rate are both exact. */
function jitterAxis(random: Random): { angle(t: number): number; rate(t: number): number } {
  const parts = [0, 1, 2].map(() => ({ a: random.between(0.4, 1.2) * DEG, w: 2 * Math.PI * random.between(0.05, 0.5), p: random.between(0, 2 * Math.PI) }));
  return {
    angle: (t) => parts.reduce((sum, c) => sum + c.a * Math.sin(c.w * t + c.p), 0),
    rate: (t) => parts.reduce((sum, c) => sum + c.a * c.w * Math.cos(c.w * t + c.p), 0),
  };
}

function measure(value: number, lsb: number, range: { min: number; max: number }): number {
  return clamp(Math.round(value / lsb) * lsb, range.min, range.max);
}

function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}

const IDENTITY: Mat = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function rotX(a: number): Mat {
  const c = Math.cos(a),
    s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}
function rotY(a: number): Mat {
  const c = Math.cos(a),
    s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}
function rotZ(a: number): Mat {
  const c = Math.cos(a),
    s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}
function mul(a: Mat, b: Mat): Mat {
  const m = new Array<number>(9);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) m[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  return m;
}
/** Mᵀv: a world (or outer-frame) vector as the rotated device sees it. */
function applyT(m: Mat, v: Vec): Vec {
  return [m[0] * v[0] + m[3] * v[1] + m[6] * v[2], m[1] * v[0] + m[4] * v[1] + m[7] * v[2], m[2] * v[0] + m[5] * v[1] + m[8] * v[2]];
}
