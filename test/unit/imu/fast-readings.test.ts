// The readings fast path agrees with the zod schema it stands in for: whatever it accepts, zod
// accepts with the same output; it accepts the common valid shapes (flat, nested, with and without
// the magnetometer); and a body it declines still gets zod's errors, named by field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from '@hono/zod-openapi';
import { fastReadings } from '../../../domains/sensor/ingest/fast-readings.ts';
import { Reading, ReadingsBatch } from '../../../domains/sensor/ingest/schema.ts';
import { MAX_TIMESTAMP, sensorRanges } from '../../../lib/sensor-limits.ts';

const zodReadings = z.array(Reading);

/** Values near and beyond each range's edges, and values of the wrong type. */
const value = (range: { min: number; max: number }) =>
  fc.oneof(
    { arbitrary: fc.double({ min: range.min, max: range.max, noNaN: true }), weight: 40 },
    { arbitrary: fc.constantFrom(range.min, range.max, range.min - 1e-9, range.max + 1e-9, 0, -0, NaN, Infinity), weight: 2 },
    { arbitrary: fc.constantFrom<unknown>('1', null, undefined, true, [1], {}), weight: 1 },
  );
const timestamp = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: MAX_TIMESTAMP }), weight: 20 },
  { arbitrary: fc.constantFrom<unknown>(-1, MAX_TIMESTAMP + 1, 1.5, '2025-11-24T10:00:00Z', '2025-11-24', null), weight: 1 },
);
const axes = (range: { min: number; max: number }) =>
  fc.record({ x: value(range), y: value(range), z: value(range), w: value(range) }, { requiredKeys: ['x', 'y', 'z'] });
const flat = fc.record(
  {
    timestamp,
    ax: value(sensorRanges.acc),
    ay: value(sensorRanges.acc),
    az: value(sensorRanges.acc),
    gx: value(sensorRanges.gyro),
    gy: value(sensorRanges.gyro),
    gz: value(sensorRanges.gyro),
    mx: value(sensorRanges.mag),
    my: value(sensorRanges.mag),
    mz: value(sensorRanges.mag),
    accelerometer: axes(sensorRanges.acc),
    extra: fc.integer(),
  },
  { requiredKeys: ['timestamp', 'ax', 'ay', 'az', 'gx', 'gy', 'gz'] },
);
const nested = fc.record(
  {
    timestamp,
    accelerometer: axes(sensorRanges.acc),
    gyroscope: axes(sensorRanges.gyro),
    magnetometer: axes(sensorRanges.mag),
    ax: value(sensorRanges.acc),
    extra: fc.integer(),
  },
  { requiredKeys: ['timestamp', 'accelerometer', 'gyroscope'] },
);

describe('readings fast path', () => {
  it('accepts only what the zod schema accepts, with the same output', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(flat, nested), (reading) => {
        const fast = fastReadings([reading]);
        if (!fast) return;
        accepted++;
        const slow = zodReadings.safeParse([reading]);
        expect(slow.success).toBe(true);
        expect(fast).toEqual(slow.data);
      }),
      { numRuns: 10_000 },
    );
    // The generators reach valid readings often enough for the comparison to mean something.
    expect(accepted).toBeGreaterThan(40);
  });

  it('accepts the plainly valid shapes, one bad reading declining the lot', () => {
    const t = 1764000000000;
    const readings = [
      { timestamp: t, ax: 0.1, ay: -0.2, az: 9.8, gx: 0.01, gy: 0, gz: -0.3 },
      { timestamp: t + 20, ax: 0.1, ay: -0.2, az: 9.8, gx: 0.01, gy: 0, gz: -0.3, mx: 21.5, my: -4.2, mz: -39.8 },
      { timestamp: t + 40, accelerometer: { x: 0.1, y: -0.2, z: 9.8 }, gyroscope: { x: 0.01, y: 0, z: -0.3 } },
      { timestamp: t + 60, accelerometer: { x: 0.1, y: -0.2, z: 9.8 }, gyroscope: { x: 0.01, y: 0, z: -0.3 }, magnetometer: { x: 21.5, y: -4.2, z: -39.8 } },
    ];
    expect(fastReadings(readings)).toEqual(zodReadings.parse(readings));
    expect(fastReadings([...readings, { ...readings[0], ax: 1000 }])).toBeUndefined();
  });

  it('leaves a bad batch to zod, which names the field and the reason', () => {
    const batch = { deviceId: 'd1', batchId: 'b1', readings: [{ timestamp: 1764000000000, ax: 0, ay: 0, az: 1000, gx: 0, gy: 0, gz: 0 }] };
    const result = ReadingsBatch.safeParse(batch);
    expect(result.success).toBe(false);
    const issues = JSON.stringify(result.error?.issues);
    expect(issues).toContain('readings');
    expect(issues).toContain('out of physical range');
    // The envelope is checked too: an unknown top-level key is refused, not passed through.
    expect(ReadingsBatch.safeParse({ ...batch, readings: [{ ...batch.readings[0], az: 9.8 }], extra: 1 }).success).toBe(false);
    expect(ReadingsBatch.safeParse({ ...batch, readings: [{ ...batch.readings[0], az: 9.8 }] }).success).toBe(true);
  });
});
