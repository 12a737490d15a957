import { describe, expect, it } from 'vitest';
import { ReadingsBatch } from '../../../domains/sensor/ingest/schema.ts';
import { FEATURE_COUNT } from '../../../lib/imu/catalogue.ts';
import { cleanReadings } from '../../../lib/imu/clean.ts';
import { EXERCISES, exerciseProfiles, type Exercise } from '../../../lib/imu/exercises.ts';
import { extractFeatures } from '../../../lib/imu/features.ts';
import { columnsFromReadings, sensorRanges, type DeviceReading } from '../../../lib/imu/reading.ts';
import { generateSession, sessionColumns, type SessionOptions } from '../../../lib/imu/synthetic.ts';
import { cutWindows } from '../../../lib/imu/windows.ts';
import { feature } from './signals.ts';

const START = Date.UTC(2026, 0, 5, 18, 0, 0);
const session = (exercise: Exercise, seed: number, extra: Partial<SessionOptions> = {}) =>
  generateSession({ exercise, deviceId: `wrist-${seed % 4}`, sessionId: `${exercise}-${seed}`, start: START, durationS: 60, seed, ...extra });

function windowFeatures(exercise: Exercise, seed: number, extra: Partial<SessionOptions> = {}): Float64Array[] {
  const columns = sessionColumns(session(exercise, seed, extra));
  const windows = cutWindows(columns);
  const matrix = extractFeatures(columns, windows);
  return windows.map((_, w) => matrix.subarray(w * FEATURE_COUNT, (w + 1) * FEATURE_COUNT));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe('generateSession', () => {
  it('gives identical readings for the same seed and different ones for another seed', () => {
    const a = session('squat', 5);
    expect(session('squat', 5)).toEqual(a);
    expect(session('squat', 6).readings.slice(0, 50)).not.toEqual(a.readings.slice(0, 50));
  });

  it('the dominant frequency of the most active gyroscope axis is the session’s repetition rate', () => {
    const moving = EXERCISES.filter((e) => exerciseProfiles[e].repetitionHz > 0);
    let matched = 0;
    let sessions = 0;
    for (const exercise of moving) {
      for (const person of ['ann', 'bo', 'cy', 'di']) {
        const s = generateSession({
          exercise,
          deviceId: person,
          sessionId: 'f',
          start: START,
          durationS: 60,
          seed: hashOf(person + exercise),
          onlyExercise: true,
        });
        const columns = sessionColumns(s);
        const windows = cutWindows(columns);
        const m = extractFeatures(columns, windows);
        const dominant = windows.map((_, w) => {
          const v = m.subarray(w * FEATURE_COUNT, (w + 1) * FEATURE_COUNT);
          const axis = (['gx', 'gy', 'gz'] as const).reduce((a, b) => (feature(v, `${b}_std`) > feature(v, `${a}_std`) ? b : a));
          return feature(v, `${axis}_dom_freq`);
        });
        sessions++;
        // One 256-point bin at 50 Hz is 0.195 Hz.
        if (Math.abs(median(dominant) - s.repetitionHz) <= 50 / 256) matched++;
      }
    }
    expect(sessions).toBe(moving.length * 4);
    // Strong second harmonics (a person's jerky style) may win now and then; the rate must win almost always.
    expect(matched).toBeGreaterThanOrEqual(sessions - 2);
  });

  it('persons keep their pace: the same person is closer to their own rate across sessions than people are to each other', () => {
    const rate = (person: string, seed: number) =>
      generateSession({ exercise: 'jogging', deviceId: person, sessionId: 's', start: START, durationS: 30, seed, onlyExercise: true }).repetitionHz;
    const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'];
    const withinPerson = people.map((p) => Math.abs(rate(p, 1) - rate(p, 2)));
    const betweenPeople = people.slice(1).map((p, i) => Math.abs(rate(p, 1) - rate(people[i], 1)));
    expect(median(withinPerson)).toBeLessThan(median(betweenPeople));
  });

  it('plank: a static hold moves far less than any exercise with repetitions', () => {
    const gyro = (e: Exercise) => median(windowFeatures(e, 3, { onlyExercise: true }).map((v) => feature(v, 'gyro_norm_mean')));
    const plank = gyro('plank');
    for (const e of EXERCISES.filter((x) => x !== 'plank')) expect(gyro(e), e).toBeGreaterThan(3 * plank);
  });

  it('opens with getting into position and closes with a return to rest', () => {
    const s = session('jumping-jack', 12);
    expect(s.exerciseStartedAt - s.startedAt).toBeGreaterThanOrEqual(900);
    expect(s.exerciseStartedAt - s.startedAt).toBeLessThanOrEqual(3600);
    expect(s.endedAt - s.exerciseEndedAt).toBeGreaterThanOrEqual(900);
    // At rest, the arm hangs: less rotation in the first second than in the middle of the session.
    const gyroNorm = (from: number, to: number) => {
      const rs = s.readings.filter((r) => r.timestamp >= from && r.timestamp < to);
      return rs.reduce((a, r) => a + Math.hypot(r.gx, r.gy, r.gz), 0) / rs.length;
    };
    expect(gyroNorm(s.startedAt, s.startedAt + 800)).toBeLessThan(gyroNorm(s.startedAt + 25_000, s.startedAt + 35_000) / 3);
  });

  it('loses about dropRate of the readings', () => {
    for (const dropRate of [0, 0.02, 0.1]) {
      const s = session('jogging', 9, { dropRate, gapsPerMinute: 0, durationS: 600 });
      const lost = 1 - s.readings.length / s.scheduledReadings;
      // ±5 binomial standard deviations over 30,000 readings.
      expect(Math.abs(lost - dropRate)).toBeLessThanOrEqual(5 * Math.sqrt((dropRate * (1 - dropRate)) / s.scheduledReadings) + 1e-12);
    }
  });

  it('has short gaps about gapsPerMinute times a minute', () => {
    const s = session('bicep-curl', 4, { dropRate: 0, gapsPerMinute: 6, durationS: 600 });
    let gaps = 0;
    for (let i = 1; i < s.readings.length; i++) {
      const dt = s.readings[i].timestamp - s.readings[i - 1].timestamp;
      if (dt > 60) gaps++;
      expect(dt).toBeLessThanOrEqual(1025);
    }
    expect(gaps).toBeGreaterThan(35);
    expect(gaps).toBeLessThan(85);
  });

  it('produces readings the ingest API accepts, inside sensor ranges, strictly ordered in time at the sample rate', () => {
    const s = session('jumping-jack', 1, { sampleRateHz: 100, magnetometer: false });
    for (let i = 0; i < s.readings.length; i += 4000) {
      const batch = ReadingsBatch.safeParse({ deviceId: s.deviceId, batchId: `b-${i}`, sessionId: s.sessionId, readings: s.readings.slice(i, i + 4000) });
      expect(batch.success, JSON.stringify(batch.error?.issues?.[0])).toBe(true);
    }
    expect(s.readings.every((r) => r.mx === undefined)).toBe(true);
    const { counts } = cleanReadings(sessionColumns(s));
    expect(counts.kept).toBe(s.readings.length);
    const intervals = s.readings.slice(1).map((r, i) => r.timestamp - s.readings[i].timestamp);
    expect(Math.min(...intervals)).toBeGreaterThan(0);
    expect(median(intervals)).toBe(10);
    const peak = Math.max(...s.readings.map((r) => Math.hypot(r.ax, r.ay, r.az)));
    expect(peak).toBeLessThanOrEqual(Math.hypot(sensorRanges.acc.max, sensorRanges.acc.max, sensorRanges.acc.max));
    expect(peak).toBeGreaterThan(2 * 9.81);
  });

  it('goes through silver as bronze would hold it: shuffled, re-sent, two sessions back to back', () => {
    const squat = session('squat', 31, { durationS: 30 });
    const curl = session('bicep-curl', 32, { durationS: 30, start: squat.endedAt });
    const rows: DeviceReading[] = [squat, curl].flatMap((s) => s.readings.map((r) => ({ ...r, deviceId: 'wrist-9', sessionId: s.sessionId })));
    const resent = rows.slice(100, 300);
    const shuffled = [...rows, ...resent].sort((a, b) => ((a.timestamp * 7919) % 1009) - ((b.timestamp * 7919) % 1009));
    const { columns, counts } = cleanReadings(columnsFromReadings(shuffled));
    expect(counts.duplicates).toBe(resent.length);
    expect(columns.length).toBe(rows.length);
    const windows = cutWindows(columns);
    expect(new Set(windows.map((w) => w.sessionId))).toEqual(new Set([squat.sessionId, curl.sessionId]));
    for (const w of windows) {
      const sessions = new Set(Array.from(columns.session.subarray(w.start, w.end)));
      expect(sessions.size).toBe(1);
      expect(w.startTs).toBeGreaterThanOrEqual(w.sessionId === squat.sessionId ? squat.startedAt : curl.startedAt);
    }
    expect(extractFeatures(columns, windows).every(Number.isFinite)).toBe(true);
  });
});

function hashOf(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
