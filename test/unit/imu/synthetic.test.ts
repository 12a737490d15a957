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

function windowFeatures(exercise: Exercise, seed: number): Float64Array[] {
  const columns = sessionColumns(session(exercise, seed));
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

  for (const exercise of EXERCISES.filter((e) => exerciseProfiles[e].repetitionHz > 0)) {
    const { repetitionHz, primaryChannel } = exerciseProfiles[exercise];
    it(`${exercise}: the dominant frequency of ${primaryChannel} is the repetition rate, ${repetitionHz} Hz`, () => {
      const dominant = [1, 2].flatMap((seed) => windowFeatures(exercise, seed).map((v) => feature(v, `${primaryChannel}_dom_freq`)));
      expect(dominant.length).toBeGreaterThan(40);
      // One 256-point bin at 50 Hz is 0.195 Hz; tempo varies by a few percent per session and repetition.
      expect(Math.abs(median(dominant) - repetitionHz)).toBeLessThanOrEqual(50 / 256);
    });
  }

  it('plank: a static hold moves far less than any exercise with repetitions', () => {
    const gyro = (e: Exercise) => median(windowFeatures(e, 3).map((v) => feature(v, 'gyro_norm_mean')));
    const plank = gyro('plank');
    for (const e of EXERCISES.filter((x) => x !== 'plank')) expect(gyro(e), e).toBeGreaterThan(3 * plank);
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
      expect(dt).toBeLessThanOrEqual(1020);
    }
    expect(gaps).toBeGreaterThan(35);
    expect(gaps).toBeLessThan(85);
  });

  it('produces readings the ingest API accepts, inside sensor ranges, ordered in time at the sample rate', () => {
    const s = session('jumping-jack', 1, { sampleRateHz: 100, magnetometer: false });
    for (let i = 0; i < s.readings.length; i += 4000) {
      const batch = ReadingsBatch.safeParse({ deviceId: s.deviceId, batchId: `b-${i}`, sessionId: s.sessionId, readings: s.readings.slice(i, i + 4000) });
      expect(batch.success, JSON.stringify(batch.error?.issues?.[0])).toBe(true);
    }
    expect(s.readings.every((r) => r.mx === undefined)).toBe(true);
    const { counts } = cleanReadings(sessionColumns(s));
    expect(counts.kept).toBe(s.readings.length);
    expect(median(s.readings.slice(1).map((r, i) => r.timestamp - s.readings[i].timestamp))).toBe(10);
    const peak = Math.max(...s.readings.map((r) => Math.hypot(r.ax, r.ay, r.az)));
    expect(peak).toBeLessThan(sensorRanges.acc.max);
    expect(peak).toBeGreaterThan(2 * 9.81);
  });

  it('makes exercises a nearest-centroid classifier tells apart on a few features of unseen sessions', () => {
    const names = ['ax_mean', 'ay_mean', 'az_mean', 'acc_norm_std', 'gyro_norm_mean', 'gyro_norm_dom_freq', 'acc_norm_dom_freq'];
    const rows = (seeds: number[]) =>
      EXERCISES.flatMap((exercise) => seeds.flatMap((seed) => windowFeatures(exercise, seed).map((v) => ({ exercise, x: names.map((n) => feature(v, n)) }))));
    const train = rows([1, 2, 3]);
    const test = rows([21, 22]);
    const scale = names.map((_, j) => {
      const xs = train.map((r) => r.x[j]);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
    });
    const centroids = EXERCISES.map((exercise) => {
      const members = train.filter((r) => r.exercise === exercise);
      return names.map((_, j) => members.reduce((a, r) => a + r.x[j], 0) / members.length);
    });
    const predict = (x: number[]) => {
      const distance = centroids.map((c) => c.reduce((a, cj, j) => a + ((x[j] - cj) / scale[j]) ** 2, 0));
      return EXERCISES[distance.indexOf(Math.min(...distance))];
    };
    const accuracy = test.filter((r) => predict(r.x) === r.exercise).length / test.length;
    expect(test.length).toBeGreaterThan(200);
    expect(accuracy).toBeGreaterThan(0.9);
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
