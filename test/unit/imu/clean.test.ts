import { describe, expect, it } from 'vitest';
import { cleanReadings } from '../../../lib/imu/clean.ts';
import { columnsFromReadings, sensorRanges, type DeviceReading } from '../../../lib/imu/reading.ts';

const T0 = Date.UTC(2026, 0, 5);
const at = (deviceId: string, ms: number, extra: Partial<DeviceReading> = {}): DeviceReading => ({
  deviceId,
  sessionId: 's-1',
  timestamp: T0 + ms,
  ax: 0.1,
  ay: 0.2,
  az: 9.8,
  gx: 0,
  gy: 0,
  gz: 0,
  mx: 20,
  my: 0,
  mz: -44,
  ...extra,
});

describe('cleanReadings', () => {
  it('keeps the first of two readings a device sent for the same timestamp', () => {
    const { columns, counts } = cleanReadings(columnsFromReadings([at('a', 20, { ax: 1 }), at('a', 0), at('a', 20, { ax: 2 }), at('b', 20, { ax: 3 })]));
    expect(counts).toMatchObject({ input: 4, kept: 3, duplicates: 1 });
    expect(Array.from(columns.timestamp)).toEqual([T0, T0 + 20, T0 + 20]);
    expect(Array.from(columns.ax)).toEqual([0.1, 1, 3]);
    expect(Array.from(columns.device).map((d) => columns.deviceIds[d])).toEqual(['a', 'a', 'b']);
  });

  it('orders each device by time and groups devices, whatever the input order', () => {
    const shuffled = [at('b', 40), at('a', 60), at('b', 0), at('a', 0), at('a', 20, { sessionId: null }), at('b', 20)];
    const { columns } = cleanReadings(columnsFromReadings(shuffled));
    const rows = Array.from(columns.timestamp, (t, i) => [columns.deviceIds[columns.device[i]], t - T0, columns.session[i]]);
    expect(rows).toEqual([
      ['b', 0, 0],
      ['b', 20, 0],
      ['b', 40, 0],
      ['a', 0, 0],
      ['a', 20, -1],
      ['a', 60, 0],
    ]);
  });

  it('drops non-finite and out-of-range readings and counts why', () => {
    const input = [
      at('a', 0),
      at('a', 20, { ax: Number.NaN }),
      at('a', 40, { gz: Number.POSITIVE_INFINITY }),
      at('a', 60, { timestamp: Number.NaN }),
      at('a', 80, { mx: Number.NEGATIVE_INFINITY }),
      at('a', 100, { az: sensorRanges.acc.max + 0.01 }),
      at('a', 120, { gy: sensorRanges.gyro.min - 0.01 }),
      at('a', 140, { mz: 5000 }),
      at('a', 160, { ay: sensorRanges.acc.min }),
      at('a', 180),
    ];
    const { columns, counts } = cleanReadings(columnsFromReadings(input));
    expect(counts).toEqual({ input: 10, kept: 3, nonFinite: 4, outOfRange: 3, duplicates: 0, magnetometerCleared: 0 });
    expect(Array.from(columns.timestamp, (t) => t - T0)).toEqual([0, 160, 180]);
  });

  it('keeps readings without a magnetometer and clears a partial one', () => {
    const { columns, counts } = cleanReadings(
      columnsFromReadings([at('a', 0, { mx: undefined, my: undefined, mz: undefined }), at('a', 20, { my: undefined }), at('a', 40)]),
    );
    expect(counts.kept).toBe(3);
    expect(counts.magnetometerCleared).toBe(1);
    expect(Array.from(columns.mx)).toEqual([Number.NaN, Number.NaN, 20]);
    expect(Array.from(columns.mz)).toEqual([Number.NaN, Number.NaN, -44]);
  });

  it('accounts for every input reading', () => {
    const input: DeviceReading[] = [];
    for (let i = 0; i < 500; i++) {
      const bad = i % 37 === 0 ? { gx: Number.NaN } : i % 41 === 0 ? { ax: 1e6 } : {};
      input.push(at(i % 3 === 0 ? 'a' : 'b', ((i * 7919) % 200) * 20, bad));
    }
    const { columns, counts } = cleanReadings(columnsFromReadings(input));
    expect(counts.kept + counts.nonFinite + counts.outOfRange + counts.duplicates).toBe(500);
    expect(columns.length).toBe(counts.kept);
    for (let i = 1; i < columns.length; i++) {
      if (columns.device[i] === columns.device[i - 1]) expect(columns.timestamp[i]).toBeGreaterThan(columns.timestamp[i - 1]);
    }
  });
});
