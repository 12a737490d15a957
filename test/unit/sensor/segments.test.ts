// How ingest cuts batches into bronze segments: short decimals (six significant digits or fewer)
// are told apart from values float4 would change, and a batch is cut at UTC midnight.
import { describe, expect, it } from 'vitest';
import { isShortDecimal, SEGMENT_COLUMNS, segmentDays, segmentRows } from '../../../domains/sensor/ingest/segments.ts';
import { formatCopyRow } from '../../../lib/db/copy-format.ts';
import { CHANNELS, type Reading } from '../../../lib/imu/reading.ts';

/** What PostgreSQL's real does to a value, as far as text goes: float4 and back through its shortest decimal. */
function throughFloat4(v: number): number {
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return Number(s);
  }
  return f;
}

describe('isShortDecimal', () => {
  it('accepts decimals of up to six significant digits and refuses longer ones', () => {
    for (const v of [0, 1, -1, 0.12, 9.8066, -0.0456, 123456, 1.23456, 0.000123456, 1e-12, 4.9e3, 999999, -15.625])
      expect(isShortDecimal(v), String(v)).toBe(true);
    for (const v of [0.1234567, 1234567, 1 / 3, Math.PI, 0.004788589477539062, 1e-20, 1e31, Number.NaN, Infinity])
      expect(isShortDecimal(v), String(v)).toBe(false);
  });

  it('accepts only values that come back unchanged through float4 (checked on 200,000 random values)', () => {
    let s = 42;
    const next = () => (s = (s * 48_271) % 2_147_483_647) / 2_147_483_647;
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) {
      const digits = 1 + Math.floor(next() * 9);
      const scale = 10 ** Math.floor(next() * 12 - 6);
      const v = Number(((next() * 2 - 1) * scale).toPrecision(digits));
      if (isShortDecimal(v)) {
        accepted++;
        expect(throughFloat4(v), String(v)).toBe(v);
      }
    }
    expect(accepted).toBeGreaterThan(50_000);
  });
});

describe('segmentRows', () => {
  const midnight = Date.UTC(2026, 10, 30);
  const reading = (t: number, ax: number) => ({ timestamp: t, ax, ay: 0, az: 9.81, gx: 0, gy: 0, gz: 0 });

  it('cuts a batch at UTC midnight into one row per day, milliseconds counted from that midnight', () => {
    const batch = { deviceId: 'd', batchId: 'b', sessionId: 's', readings: [reading(midnight - 20, 1), reading(midnight, 2), reading(midnight + 20, 3)] };
    const rows = segmentRows(batch, new Date(midnight));
    expect(rows).toHaveLength(2);
    expect([...segmentDays([batch])]).toEqual(['2026-11-29', '2026-11-30']);
    const at = (name: string) => SEGMENT_COLUMNS.findIndex((c) => c.name === name);
    expect(rows.map((r) => [r[at('day')], [...(r[at('ms')] as Int32Array)], [...(r[at('ax')] as Float64Array)]])).toEqual([
      ['2026-11-29', [86_399_980], [1]],
      ['2026-11-30', [0, 20], [2, 3]],
    ]);
    expect(rows[0]![at('mx')]).toBeNull();
    expect(rows[0]![at('ax8')]).toBeNull();
  });

  it('keeps a segment with one long value entirely in float8', () => {
    const rows = segmentRows({ deviceId: 'd', batchId: 'b', readings: [reading(midnight, 0.5), reading(midnight + 20, 1 / 3)] }, new Date());
    const at = (name: string) => SEGMENT_COLUMNS.findIndex((c) => c.name === name);
    expect(rows[0]![at('ax')]).toBeNull();
    expect([...(rows[0]![at('ax8')] as Float64Array)]).toEqual([0.5, 1 / 3]);
  });

  it('writes a magnetometer axis some readings lack with NULLs', () => {
    const rows = segmentRows({ deviceId: 'd', batchId: 'b', readings: [{ ...reading(midnight, 1), mx: 20 }, reading(midnight + 20, 2)] }, new Date());
    const at = (name: string) => SEGMENT_COLUMNS.findIndex((c) => c.name === name);
    expect(rows[0]![at('mx')]).toEqual([20, null]);
    expect(formatCopyRow(rows[0]!)).toContain('\t{20,NULL}\t');
  });

  it('makes the same rows of a batch as readings and as columns, across midnight, −0, long values and six channels', () => {
    const at = new Date(midnight);
    for (const nine of [true, false]) {
      for (const long of [false, true]) {
        const readings = Array.from({ length: 40 }, (_, i) => {
          const r: Reading = { ...reading(midnight - 400 + i * 20, i === 1 ? -0 : i / 8), gy: long && i === 7 ? Math.PI : -0.25 };
          return nine ? { ...r, mx: 20 - i, my: 0.5, mz: -i / 4 } : r;
        });
        const columns = {
          deviceId: 'd',
          batchId: 'b',
          sessionId: 's',
          timestamp: Float64Array.from(readings, (r) => r.timestamp),
          channels: CHANNELS.slice(0, nine ? 9 : 6).map((c) => Float64Array.from(readings, (r) => r[c]!)),
        };
        const fromReadings = segmentRows({ deviceId: 'd', batchId: 'b', sessionId: 's', readings }, at).map((r) => formatCopyRow(r));
        expect(segmentRows(columns, at).map((r) => formatCopyRow(r))).toEqual(fromReadings);
        expect(fromReadings).toHaveLength(2);
        expect(fromReadings[0]).toContain(long ? ',3.141592653589793,' : '{0,-0,0.25');
      }
    }
  });
});
