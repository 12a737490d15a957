// Synthetic IMU sessions for tests, demos and benchmarks: a person wearing a wrist device doing one
// exercise, simulated from the movement (exercises.ts), the person's style (persons.ts) and the
// device's sensor errors (sensor-model.ts).
//
// The model, per scheduled reading at the device's sample rate (default 50 Hz, a common ESP32 rate):
// - The session opens with 1–3.5 s of getting into position and closes with 1–3.5 s back to rest
//   (arms hanging, fidgeting), so the windows at its edges are partly not the exercise.
// - Repetitions advance a phase at the person's pace for the variant of the exercise they do; each
//   repetition draws its own tempo (±5%) and range (±8%); pace and range fade with fatigue; some
//   repetitions are followed by a pause; alternating exercises lean the other way every other
//   repetition; with alternating arms the device's arm rests every other one. Now and then the
//   person stops for a few seconds of something else.
// - Pose: forearm = heading · posture · swing · sway; device = forearm · strap mount (rotated,
//   tilted, maybe face inside); the sensor sits a lever arm from the joint and moves up and down with
//   the body. Accelerometer = the pose's second derivative (central differences) plus gravity and
//   landing pulses, read in the device frame; gyroscope = the body rate between neighbouring poses;
//   magnetometer = the Earth's field (20 µT north, 44 µT down) in the device frame. A right-wrist
//   device reads the mirror image. Then the sensor's errors, noise, quantisation and saturation.
// - Timestamps are the device clock: nominal period plus ±0.5 ms jitter, while the true sample clock
//   runs a little fast or slow. Losses: each reading is lost with probability dropRate; a gap of
//   0.2–1 s starts on average gapsPerMinute times a minute. Clock and losses draw from streams of
//   their own, so changing them keeps the values.
import { G, deviceColumns, type Reading, type ReadingColumns } from './reading.ts';
import { exerciseProfiles, type Exercise } from './exercises.ts';
import { exerciseStyle, personStyle } from './persons.ts';
import { apply, applyT, bodyRate, mul, rotAbout, rotX, rotY, rotZ, type Mat, type Vec } from './rotation.ts';
import { deviceSensor, sensorReadout } from './sensor-model.ts';
import { hashSeed, seededRandom, type Random } from '../random.ts';

export interface SessionOptions {
  exercise: Exercise;
  deviceId: string;
  sessionId: string;
  start: Date | number;
  durationS: number;
  seed: number;
  /** Who wears the device (their style, persons.ts). Default: the device id (one wearer per device). */
  personId?: string;
  /** Default 50. */
  sampleRateHz?: number;
  /** Probability that a reading is lost. Default 0.01. */
  dropRate?: number;
  /** Average number of short gaps (0.2–1 s) a minute. Default 0.5. */
  gapsPerMinute?: number;
  /** Whether the device has a magnetometer. Default true. */
  magnetometer?: boolean;
  /** Only the exercise: no getting into position, no return to rest, no interruptions. Default false. */
  onlyExercise?: boolean;
}

export interface SyntheticSession {
  exercise: Exercise;
  deviceId: string;
  personId: string;
  sessionId: string;
  startedAt: number;
  endedAt: number;
  /** The exercise proper, between getting into position and returning to rest (device clock, epoch ms). */
  exerciseStartedAt: number;
  exerciseEndedAt: number;
  sampleRateHz: number;
  /** The variant of the exercise this person does (exercises.ts). */
  variant: string;
  /** Mean repetition rate while exercising, pauses excluded (0 for a static hold; with arms taking turns, the device's arm moves in every other repetition). */
  repetitionHz: number;
  /** Readings a device with no losses would have sent. */
  scheduledReadings: number;
  /** Rows as the ingest API takes them (timestamps in epoch milliseconds). */
  readings: Reading[];
}

const EARTH_FIELD: Vec = [20, 0, -44];
const IMPACT_SIGMA_S = 0.025;
const DEG = Math.PI / 180;
/** Arms hanging, thumbs forward. */
const REST = { roll: 90, pitch: 85 };
/** Seconds it takes to move between rest and the exercise posture. */
const RAMP_S = 0.8;
/** Half-step of the central differences, seconds. */
const H = 0.002;

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

  const personId = options.personId ?? deviceId;
  const person = personStyle(personId);
  const style = exerciseStyle(person, exercise);
  const sensor = deviceSensor(deviceId);
  const setup = seededRandom(hashSeed(`setup:${seed}`));
  const readout = sensorReadout(sensor, seededRandom(hashSeed(`noise:${seed}`)));
  const clock = seededRandom(hashSeed(`clock:${seed}`));
  const loss = seededRandom(hashSeed(`loss:${seed}`));

  const heading = rotZ(setup.between(0, 2 * Math.PI));
  const transitions = !(options.onlyExercise ?? false);
  let leadIn = transitions ? setup.between(1, 3.5) : 0;
  let leadOut = transitions ? setup.between(1, 3.5) : 0;
  if (leadIn + leadOut > durationS / 2) [leadIn, leadOut] = [leadIn, leadOut].map((s) => (s * durationS) / 2 / (leadIn + leadOut));
  const truePeriod = (1 + sensor.rateError) / fs;
  const exerciseEnd = durationS * (1 + sensor.rateError) - leadOut;
  const blend = (t: number) =>
    t < leadIn ? (transitions ? smooth(1 - (leadIn - t) / RAMP_S) : 1) : t < exerciseEnd ? 1 : smooth(1 - (t - exerciseEnd) / RAMP_S);

  const mount = mul(
    rotX((person.mountDeg.roll + (person.faceInside ? 180 : 0)) * DEG),
    mul(rotY(person.mountDeg.pitch * DEG), rotZ(person.mountDeg.yaw * DEG)),
  );
  const sway = [0, 1, 2].map(() => swayAxis(setup, person.sway));
  const tremorHz = setup.between(8, 12);
  const tremorPhase = [0, 1, 2].map(() => setup.between(0, 2 * Math.PI));
  const { swing, bounce, impacts } = style;
  const lever = (swing?.leverM ?? 0) * person.limb;
  const swingAxis = swing?.axis === 'z' ? 2 : 1;
  const interruption = interruptions(seededRandom(hashSeed(`interruptions:${seed}`)), leadIn, exerciseEnd, transitions ? person.interruptionsPerMinute : 0);

  /** The device's orientation (device → world) and the sensor's position at time t and phase. */
  function pose(t: number, phase: number, range: number, lean: number): { r: Mat; p: Vec } {
    const b = blend(t);
    const other = interruption(t);
    const moving = b * (1 - other.c);
    const theta = 2 * Math.PI * phase;
    const warped = theta + person.phaseWarp * Math.sin(theta);
    const w = Math.sin(warped) + style.secondHarmonic * Math.sin(2 * warped);
    let roll = REST.roll + b * (style.posture.roll - REST.roll) + moving * (lean * profile.alternateRollDeg + (style.twistDeg * range * (w + 1)) / 2);
    let pitch = REST.pitch + b * (style.posture.pitch - REST.pitch);
    roll += other.c * (other.roll - roll);
    pitch += other.c * (other.pitch - pitch);
    let forearm = mul(heading, mul(rotY(pitch * DEG), rotX(roll * DEG)));
    if (swing !== null) forearm = mul(forearm, rotAbout(swingAxis, (swing.centreDeg * moving + swing.amplitudeDeg * range * moving * w) * DEG));
    const fidget = 1 + 2 * (1 - b) + 3 * other.c;
    const s = sway.map((axis) => axis(t) * fidget);
    forearm = mul(forearm, mul(rotZ(s[2]), mul(rotY(s[1]), rotX(s[0]))));
    const p = apply(forearm, [lever, 0, 0]);
    if (bounce !== null) p[2] += bounce.amplitudeM * range * moving * Math.sin(bounce.harmonic * warped);
    return { r: mul(forearm, mount), p };
  }

  let phase = setup.next();
  let repetition = Math.floor(phase);
  let tempo = 1 + clamp(setup.normal() * 0.05, -0.15, 0.15);
  let amplitude = 1 + clamp(setup.normal() * 0.08, -0.2, 0.2);
  let pauseUntil = -1;
  let gapUntil = -1;
  let lastTs = -Infinity;
  let phaseTravelled = 0;
  let movingS = 0;

  const scheduled = Math.floor(durationS * fs);
  const readings: Reading[] = [];
  for (let i = 0; i < scheduled; i++) {
    const t = i * truePeriod;
    const active = t >= leadIn && t < exerciseEnd;
    const fatigue = 1 - person.fatiguePerMinute * clamp((t - leadIn) / 60, 0, 2);
    const rate = active && t >= pauseUntil && interruption(t).c === 0 ? style.repetitionHz * tempo * fatigue : 0;
    // With alternating arms the device's arm rests while the other one works.
    const resting = style.alternatingArms && repetition % 2 === 1;
    const range = style.rangeOfMotion * amplitude * fatigue * (resting ? 0.05 : 1);
    const lean = repetition % 2 === 0 ? 1 : -1;

    const before = pose(t - H, phase - rate * H, range, lean);
    const now = pose(t, phase, range, lean);
    const after = pose(t + H, phase + rate * H, range, lean);
    const specificForce: Vec = [0, 0, G];
    for (let k = 0; k < 3; k++) specificForce[k] += (after.p[k] - 2 * now.p[k] + before.p[k]) / (H * H);
    if (impacts !== null && rate > 0) {
      const per = impacts.perRepetition;
      const within = (phase * per) % 1; // landings at phase 0, 1/per, 2/per, … of each repetition
      const dt = Math.min(within, 1 - within) / (per * rate);
      specificForce[2] += impacts.peak * style.rangeOfMotion * amplitude * fatigue * Math.exp(-0.5 * (dt / IMPACT_SIGMA_S) ** 2);
    }
    const acc = applyT(now.r, specificForce);
    const gyro = bodyRate(before.r, after.r, 2 * H);
    const load = profile.tremor * (0.3 + 0.7 * blend(t));
    for (let k = 0; k < 3; k++) {
      const tremor = load * Math.sin(2 * Math.PI * tremorHz * t + tremorPhase[k]);
      acc[k] += tremor;
      gyro[k] += 0.15 * tremor;
    }
    const read = readout.read(acc, gyro, applyT(now.r, EARTH_FIELD), t);
    if (person.wrist === 'right') mirror(read.acc, read.gyro, read.mag);

    const ts = Math.max(lastTs + 1, startMs + Math.round((i * 1000) / fs + clamp(clock.normal() * 0.5, -1.5, 1.5)));
    lastTs = ts;
    const reading: Reading = { timestamp: ts, ax: read.acc[0], ay: read.acc[1], az: read.acc[2], gx: read.gyro[0], gy: read.gyro[1], gz: read.gyro[2] };
    if (withMag) [reading.mx, reading.my, reading.mz] = read.mag;
    if (i > gapUntil && loss.next() < gapsPerMinute / (60 * fs)) gapUntil = i + Math.round(loss.between(0.2, 1) * fs);
    const lost = loss.next() < dropRate;
    if (i > gapUntil && !lost) readings.push(reading);

    if (rate > 0) {
      phaseTravelled += rate * truePeriod;
      movingS += truePeriod;
    }
    phase += rate * truePeriod;
    if (Math.floor(phase) !== repetition) {
      repetition = Math.floor(phase);
      tempo = 1 + clamp(setup.normal() * 0.05, -0.15, 0.15);
      amplitude = 1 + clamp(setup.normal() * 0.08, -0.2, 0.2);
      if (setup.next() < person.pauseChance) pauseUntil = t + setup.between(0.5, 2.5);
    }
  }
  const deviceMs = (trueSeconds: number) => startMs + Math.round((trueSeconds / (1 + sensor.rateError)) * 1000);
  return {
    exercise,
    deviceId,
    personId,
    sessionId,
    startedAt: startMs,
    endedAt: startMs + Math.round((scheduled * 1000) / fs),
    exerciseStartedAt: deviceMs(leadIn),
    exerciseEndedAt: deviceMs(exerciseEnd),
    sampleRateHz: fs,
    variant: style.variant,
    repetitionHz: movingS > 0 ? phaseTravelled / movingS : 0,
    scheduledReadings: scheduled,
    readings,
  };
}

/** The session's readings as columns (one device, one session). */
export function sessionColumns(session: SyntheticSession): ReadingColumns {
  return deviceColumns(session.deviceId, session.sessionId, session.readings);
}

/** Slow orientation wander about one axis: three sinusoids of 0.05–0.5 Hz, ~2° in all (times `scale`). */
function swayAxis(random: Random, scale: number): (t: number) => number {
  const parts = [0, 1, 2].map(() => ({
    a: random.between(0.4, 1.2) * DEG * scale,
    w: 2 * Math.PI * random.between(0.05, 0.5),
    p: random.between(0, 2 * Math.PI),
  }));
  return (t) => parts.reduce((sum, c) => sum + c.a * Math.sin(c.w * t + c.p), 0);
}

/**
 * Interruptions of the exercise (Poisson, `perMinute`): 1.5–4 s of something else in a random
 * posture, eased in and out over 0.5 s; c is how far into one the arm is at time t (0 = none).
 */
function interruptions(random: Random, from: number, to: number, perMinute: number): (t: number) => { c: number; roll: number; pitch: number } {
  const list: { start: number; end: number; roll: number; pitch: number }[] = [];
  for (let t = from + (-Math.log(1 - random.next()) * 60) / perMinute; perMinute > 0 && t < to - 2; t += (-Math.log(1 - random.next()) * 60) / perMinute) {
    const end = Math.min(to, t + random.between(1.5, 4));
    list.push({ start: t, end, roll: random.between(-90, 90), pitch: random.between(-60, 80) });
    t = end;
  }
  const none = { c: 0, roll: 0, pitch: 0 };
  return (t) => {
    const i = list.find((x) => t > x.start - 0.5 && t < x.end + 0.5);
    if (i === undefined) return none;
    return { c: smooth(Math.min((t - (i.start - 0.5)) / 0.5, (i.end + 0.5 - t) / 0.5)), roll: i.roll, pitch: i.pitch };
  };
}

/** A device on the right wrist reads the mirror image of the left: y of polar vectors, x and z of the rate flip. */
function mirror(acc: Vec, gyro: Vec, mag: Vec): void {
  acc[1] = -acc[1];
  mag[1] = -mag[1];
  gyro[0] = -gyro[0];
  gyro[2] = -gyro[2];
}

function smooth(x: number): number {
  const c = clamp(x, 0, 1);
  return c * c * (3 - 2 * c);
}

function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}
