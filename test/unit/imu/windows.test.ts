import { describe, expect, it } from 'vitest';
import { allocateColumns, type ReadingColumns } from '../../../lib/imu/reading.ts';
import { cutWindows, windowSampleRate } from '../../../lib/imu/windows.ts';

const T0 = Date.UTC(2026, 0, 5);

/** Readings at the given millisecond offsets, one device; sessions by index when given. */
function readingsAt(offsets: number[], sessions?: number[], devices?: number[]): ReadingColumns {
  const columns = allocateColumns(offsets.length, ['d-0', 'd-1'], ['s-0', 's-1']);
  offsets.forEach((ms, i) => {
    columns.timestamp[i] = T0 + ms;
    columns.session[i] = sessions?.[i] ?? -1;
    columns.device[i] = devices?.[i] ?? 0;
  });
  return columns;
}
const every20ms = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * 20);

describe('cutWindows', () => {
  it('cuts floor((N − size) / step) + 1 windows of exactly size readings', () => {
    for (const [n, size, overlap] of [
      [1000, 200, 0.5],
      [1000, 200, 0],
      [999, 128, 0.75],
      [200, 200, 0.5],
      [199, 200, 0.5],
      [5000, 100, 0.9],
    ] as const) {
      const windows = cutWindows(readingsAt(every20ms(n)), { size, overlap });
      const step = size - Math.round(size * overlap);
      expect(windows.length, `${n}/${size}/${overlap}`).toBe(n < size ? 0 : Math.floor((n - size) / step) + 1);
      windows.forEach((w, k) => {
        expect(w.start).toBe(k * step);
        expect(w.end - w.start).toBe(size);
        expect(w.endTs - w.startTs).toBe((size - 1) * 20);
      });
    }
  });

  it('defaults to 200 readings with 50% overlap and drops the trailing partial window', () => {
    const windows = cutWindows(readingsAt(every20ms(350)));
    expect(windows.map((w) => [w.start, w.end])).toEqual([
      [0, 200],
      [100, 300],
    ]);
  });

  it('ends a window at a gap and starts the next one after it', () => {
    const offsets = [...every20ms(300), ...every20ms(300, 300 * 20 + 1000)];
    const windows = cutWindows(readingsAt(offsets));
    expect(windows.map((w) => w.start)).toEqual([0, 100, 300, 400]);
    for (const w of windows) expect(w.endTs - w.startTs).toBe(199 * 20);
  });

  it('does not treat one or two lost readings as a gap, unless maxGapMs says so', () => {
    const offsets = every20ms(400).filter((_, i) => i !== 150 && i !== 250 && i !== 251);
    expect(cutWindows(readingsAt(offsets)).map((w) => w.start)).toEqual([0, 100]);
    expect(cutWindows(readingsAt(offsets), { maxGapMs: 30 }).map((w) => w.start)).toEqual([]);
    expect(cutWindows(readingsAt(offsets), { maxGapMs: 30, size: 50 }).map((w) => w.start)).toEqual([0, 25, 50, 75, 100, 150, 175, 249, 274, 299, 324]);
  });

  it('never spans a session change or a device change', () => {
    const sessions = Array.from({ length: 600 }, (_, i) => (i < 250 ? 0 : i < 450 ? 1 : -1));
    const windows = cutWindows(readingsAt(every20ms(600), sessions));
    expect(windows.map((w) => [w.start, w.sessionId])).toEqual([
      [0, 's-0'],
      [250, 's-1'],
    ]);

    const devices = Array.from({ length: 500 }, (_, i) => (i < 260 ? 0 : 1));
    const offsets = [...every20ms(260), ...every20ms(240)];
    expect(cutWindows(readingsAt(offsets, undefined, devices)).map((w) => [w.start, w.deviceId])).toEqual([
      [0, 'd-0'],
      [260, 'd-1'],
    ]);
  });

  it('judges a gap by the interval inside the window, so a device that changes its rate keeps its windows', () => {
    // 300 readings at 50 Hz, then 300 at 10 Hz: a gap is 3× the window's own median interval.
    const offsets = [...every20ms(300), ...Array.from({ length: 300 }, (_, i) => 300 * 20 + i * 100)];
    const windows = cutWindows(readingsAt(offsets));
    // [200, 400) is mostly 20 ms apart, so its 100-ms intervals are gaps; the next window starts at
    // the last of them, and from there the 10-Hz readings make a window of their own.
    expect(windows.map((w) => w.start)).toEqual([0, 100, 399]);
    expect(windows.map((w) => w.endTs - w.startTs)).toEqual([199 * 20, 199 * 20, 199 * 100]);
  });

  it('never spans midnight UTC', () => {
    const fromMidnight = Date.UTC(2026, 0, 6) - T0;
    const windows = cutWindows(readingsAt(every20ms(500, fromMidnight - 250 * 20)));
    expect(windows.map((w) => w.start)).toEqual([0, 250]);
  });

  it('refuses readings that are not ordered by time', () => {
    expect(() => cutWindows(readingsAt([0, 20, 40, 40, 60]))).toThrow(/not ordered by time at index 3/);
  });

  it('gives the sample rate of a window from its timestamps', () => {
    const [w] = cutWindows(readingsAt(every20ms(200)));
    expect(windowSampleRate(w)).toBeCloseTo(50, 12);
  });
});
