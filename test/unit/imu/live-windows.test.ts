// The live path's windows equal the batch pipeline's: any stream of a device's readings, cut into
// batches anywhere and fed one batch at a time, gives the windows (and day indices) that cutWindows
// gives on the whole stream, however the stream is sampled, gapped, split into sessions or days.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanReadings } from '../../../lib/imu/clean.ts';
import { createFeatureExtractor } from '../../../lib/imu/features.ts';
import { FEATURE_COUNT } from '../../../lib/imu/catalogue.ts';
import { advanceTail, decodeTailReadings, emptyTail, encodeTailReadings, type DeviceTail } from '../../../lib/imu/live-windows.ts';
import { columnsFromReadings, type DeviceReading, type Reading } from '../../../lib/imu/reading.ts';
import { generateSession } from '../../../lib/imu/synthetic.ts';
import { cutWindows, type WindowOptions } from '../../../lib/imu/windows.ts';

interface Piece {
  sessionId: string | null;
  readings: Reading[];
}

/** The batch pipeline's windows of the whole stream, each with its index among its UTC day's windows. */
function batchWindows(pieces: Piece[], options: WindowOptions) {
  const rows: DeviceReading[] = pieces.flatMap((p) => p.readings.map((r) => ({ ...r, deviceId: 'd', sessionId: p.sessionId })));
  const { columns } = cleanReadings(columnsFromReadings(rows));
  const counts = new Map<number, number>();
  return cutWindows(columns, options).map((w) => {
    const day = Math.floor(w.startTs / 86_400_000);
    const index = counts.get(day) ?? 0;
    counts.set(day, index + 1);
    return { startTs: w.startTs, endTs: w.endTs, sessionId: w.sessionId, index, readings: w.end - w.start };
  });
}

function liveWindows(pieces: Piece[], options: WindowOptions, roundTrip = false) {
  let tail: DeviceTail = emptyTail();
  const out = [];
  for (const p of pieces) {
    const step = advanceTail('d', tail, p.sessionId, p.readings, options);
    for (const { window: w, index } of step.windows) out.push({ startTs: w.startTs, endTs: w.endTs, sessionId: w.sessionId, index, readings: w.end - w.start });
    tail = roundTrip ? { ...step.tail, readings: decodeTailReadings(encodeTailReadings(step.tail.readings)) } : step.tail;
  }
  return out;
}

const reading = (timestamp: number, v: number): Reading => ({ timestamp, ax: v, ay: 1, az: 9.8, gx: 0.1 * v, gy: 0, gz: 0 });

/** A stream: segments of readings at an interval, separated by jumps, each in a session, then cut into batches. */
const streams = fc
  .record({
    start: fc.integer({ min: Date.UTC(2026, 0, 1, 23, 50), max: Date.UTC(2026, 0, 1, 23, 59) }),
    segments: fc.array(
      fc.record({
        count: fc.integer({ min: 1, max: 450 }),
        interval: fc.constantFrom(10, 20, 20, 20, 40),
        jitter: fc.boolean(),
        jumpBefore: fc.constantFrom(0, 0, 45, 70, 130, 2000, 60_000),
        session: fc.constantFrom(null, 's1', 's2'),
        drop: fc.double({ min: 0, max: 0.1, noNaN: true }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    cuts: fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 40 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map(({ start, segments, cuts, seed }) => {
    let t = start;
    let x = seed;
    const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pieces: Piece[] = [];
    for (const s of segments) {
      t += s.jumpBefore;
      const readings: Reading[] = [];
      for (let i = 0; i < s.count; i++) {
        t += s.interval + (s.jitter ? Math.round(rand() * 2 - 1) : 0);
        if (rand() >= s.drop) readings.push(reading(t, rand()));
      }
      // A segment's readings go out in batches of the cut sizes, in order.
      for (let i = 0, c = 0; i < readings.length; c++) {
        const size = cuts[c % cuts.length];
        pieces.push({ sessionId: s.session, readings: readings.slice(i, i + size) });
        i += size;
      }
    }
    return pieces;
  });

describe('live windows', () => {
  it('equal the batch pipeline’s windows, for any stream cut into any batches', () => {
    fc.assert(
      fc.property(streams, fc.constantFrom<WindowOptions>({}, { size: 50, overlap: 0.5 }, { size: 64, step: 16 }), (pieces, options) => {
        expect(liveWindows(pieces, options)).toEqual(batchWindows(pieces, options));
      }),
      { numRuns: 300 },
    );
  });

  it('keep at most a window of readings between batches, and survive being stored and read back', () => {
    const s = generateSession({ exercise: 'jogging', deviceId: 'd', sessionId: 'j', start: Date.UTC(2026, 3, 1, 23, 59, 30), durationS: 90, seed: 4 });
    const pieces: Piece[] = [];
    for (let i = 0; i < s.readings.length; i += 50) pieces.push({ sessionId: 'j', readings: s.readings.slice(i, i + 50) });
    const live = liveWindows(pieces, {}, true);
    expect(live).toEqual(batchWindows(pieces, {}));
    // Midnight passed: the day's count starts again.
    expect(live.some((w) => w.index === 0 && w.startTs >= Date.UTC(2026, 3, 2))).toBe(true);
    let tail = emptyTail();
    for (const p of pieces) {
      tail = advanceTail('d', tail, p.sessionId, p.readings).tail;
      expect(tail.readings.length / 10).toBeLessThan(200);
    }
  });

  it('drop readings at or before the newest one seen, and clean a batch as silver does', () => {
    const first = advanceTail('d', emptyTail(), 's', [reading(1000, 1), reading(1020, 2)]);
    const next = advanceTail('d', first.tail, 's', [reading(1020, 9), reading(990, 9), reading(1060, 3), reading(1040, 4), { ...reading(1080, 5), mx: 3 }]);
    expect(next.late).toBe(2);
    expect(Array.from(next.columns.timestamp)).toEqual([1000, 1020, 1040, 1060, 1080]);
    // Only mx given: silver clears a partial magnetometer.
    expect(Number.isNaN(next.columns.mx[4])).toBe(true);
  });

  it('give the same features as the batch for the same window', () => {
    const s = generateSession({ exercise: 'squat', deviceId: 'd', sessionId: 'q', start: Date.UTC(2026, 3, 1, 9), durationS: 30, seed: 8 });
    const { columns } = cleanReadings(columnsFromReadings(s.readings.map((r) => ({ ...r, deviceId: 'd', sessionId: 'q' }))));
    const batch = cutWindows(columns);
    const extractor = createFeatureExtractor();
    const batchFeatures = batch.map((w) => {
      const v = new Float64Array(FEATURE_COUNT);
      extractor.extract(columns, w, v);
      return Array.from(v);
    });
    let tail = emptyTail();
    const liveFeatures: number[][] = [];
    for (let i = 0; i < s.readings.length; i += 37) {
      const step = advanceTail('d', tail, 'q', s.readings.slice(i, i + 37));
      for (const { window } of step.windows) {
        const v = new Float64Array(FEATURE_COUNT);
        extractor.extract(step.columns, window, v);
        liveFeatures.push(Array.from(v));
      }
      tail = step.tail;
    }
    expect(liveFeatures.length).toBe(batch.length);
    expect(liveFeatures).toEqual(batchFeatures);
  });
});
