// The fast path of readings validation: zod's flat-or-nested Reading union costs ~12–20 µs a reading
// (most of a batch's API time), so a body whose readings are all plainly valid is checked here by
// hand, ~50× faster, with the same result zod gives. Anything else — a bad value, an ISO timestamp,
// an unknown key — goes to the zod schema, which stays the one definition and names every problem.
import type { z } from '@hono/zod-openapi';
import type { Reading } from '../../../lib/imu/reading.ts';
import { MAX_TIMESTAMP, sensorRanges } from '../../../lib/sensor-limits.ts';

/** A reading as the schemas output it: flat, epoch ms, the magnetometer axes only when sent. */
export type FlatReading = Reading;

const { acc, gyro, mag } = sensorRanges;
/** The schema's rule for a measured value (NaN and ±Infinity fail it); the columnar body applies it too. */
export const inRange = (v: unknown, range: { min: number; max: number }): v is number => typeof v === 'number' && v >= range.min && v <= range.max;
const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The schema's rule for an epoch-ms timestamp (whole, 0 to the year 9999). */
export const isTimestamp = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_TIMESTAMP;

/** {x, y, z} within `range` and nothing else, or undefined. */
function axes(v: unknown, range: { min: number; max: number }): [number, number, number] | undefined {
  if (!plain(v)) return undefined;
  const { x, y, z } = v;
  if (!inRange(x, range) || !inRange(y, range) || !inRange(z, range)) return undefined;
  return Object.keys(v).length === 3 ? [x, y, z] : undefined;
}

/** One reading in the flat shape zod outputs, or undefined when only zod can judge it. */
function fastReading(r: unknown): FlatReading | undefined {
  if (!plain(r)) return undefined;
  const keys = Object.keys(r).length;
  const timestamp = r.timestamp;
  if (!isTimestamp(timestamp)) return undefined;
  if (r.accelerometer !== undefined) {
    const a = axes(r.accelerometer, acc);
    const g = a && axes(r.gyroscope, gyro);
    if (!g) return undefined;
    if (keys === 3) return { timestamp, ax: a[0], ay: a[1], az: a[2], gx: g[0], gy: g[1], gz: g[2] };
    const m = keys === 4 ? axes(r.magnetometer, mag) : undefined;
    // Object literals, not a spread: spreading costs ~8 µs a reading here.
    return m && { timestamp, ax: a[0], ay: a[1], az: a[2], gx: g[0], gy: g[1], gz: g[2], mx: m[0], my: m[1], mz: m[2] };
  }
  const { ax, ay, az, gx, gy, gz, mx, my, mz } = r;
  if (!inRange(ax, acc) || !inRange(ay, acc) || !inRange(az, acc) || !inRange(gx, gyro) || !inRange(gy, gyro) || !inRange(gz, gyro)) return undefined;
  const out: FlatReading = { timestamp, ax, ay, az, gx, gy, gz };
  let present = 7;
  if (mx !== undefined) {
    if (!inRange(mx, mag)) return undefined;
    out.mx = mx;
    present++;
  }
  if (my !== undefined) {
    if (!inRange(my, mag)) return undefined;
    out.my = my;
    present++;
  }
  if (mz !== undefined) {
    if (!inRange(mz, mag)) return undefined;
    out.mz = mz;
    present++;
  }
  // Every own key was one of those read: strict, as the schema is.
  return keys === present ? out : undefined;
}

/** Every reading in the flat output form, or undefined when any one of them needs zod. */
export function fastReadings(readings: readonly unknown[]): FlatReading[] | undefined {
  const out: FlatReading[] = new Array(readings.length);
  for (let i = 0; i < readings.length; i++) {
    const r = fastReading(readings[i]);
    if (!r) return undefined;
    out[i] = r;
  }
  return out;
}

type ReadingsBody = z.ZodObject<{ readings: z.ZodType }>;

/**
 * Gives `schema` (an object whose `readings` are Reading) a fast path: its envelope — every field
 * but the readings, plus the readings' count — is checked by `envelope` (the same object with the
 * readings as unknowns), each reading by fastReadings; if anything fails, the full schema parses
 * and reports. The validator of @hono/zod-openapi calls safeParseAsync, tests call safeParse: both
 * take the fast path. The schema object itself (and so the OpenAPI document) is unchanged.
 */
export function withFastReadings<S extends ReadingsBody>(schema: S, envelope: z.ZodType): S {
  const fast = (input: unknown): z.output<S> | undefined => {
    const env = envelope.safeParse(input);
    if (!env.success) return undefined;
    const body = env.data as { readings: unknown[] };
    const readings = fastReadings(body.readings);
    return readings && ({ ...body, readings } as z.output<S>);
  };
  const slow = schema.safeParse.bind(schema);
  const slowAsync = schema.safeParseAsync.bind(schema);
  Object.assign(schema, {
    safeParse: (input: unknown, params?: never) => {
      const data = fast(input);
      return data ? { success: true, data } : slow(input, params);
    },
    safeParseAsync: async (input: unknown, params?: never) => {
      const data = fast(input);
      return data ? { success: true, data } : slowAsync(input, params);
    },
  });
  return schema;
}
