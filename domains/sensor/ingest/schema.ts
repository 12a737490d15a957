// What devices post: readings batches and exercise sessions, each reading flat (ax, ay, …) or nested
// by sensor (accelerometer: {x, y, z}, …), with the clock offset a device may declare; and what it
// gets back. The zod schemas validate requests and generate their OpenAPI description; errors name
// the exact field (readings[3].ax) and the reason.
import { z } from '@hono/zod-openapi';
import { MAX_CLOCK_OFFSET_MS, MAX_CLOCK_SKEW_MS, MAX_READINGS_PER_BATCH, MAX_TIMESTAMP, sensorRanges } from '../../../lib/sensor-limits.ts';
import { LivePrediction } from '../live/prediction.ts';
import { withFastReadings } from './fast-readings.ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const id = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') })
    .regex(ID, `${what} must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);

function measure(range: { min: number; max: number; unit: string }) {
  // min/max (not a refinement) so the OpenAPI document carries the physical range too.
  const outOfRange = `out of physical range (${range.min.toFixed(1)} to ${range.max.toFixed(1)} ${range.unit})`;
  return z
    .number({ error: (i) => (i.input === undefined ? 'required' : typeof i.input === 'number' ? 'must be a finite number' : 'must be a number') })
    .min(range.min, outOfRange)
    .max(range.max, outOfRange);
}

/**
 * Epoch milliseconds, or an ISO-8601 date-time with an offset; returned as epoch milliseconds. The
 * number form declares its bounds (from 0: a device without a set clock counts from boot and declares
 * clockOffsetMs); on the server clock, after that offset, a time before 2000 or beyond the clock
 * limit is a rule the schema cannot state: ingest/clock.ts answers 422.
 */
export const Timestamp = z
  .union(
    [
      z.number().int('must be whole milliseconds').min(0, 'must not be negative').max(MAX_TIMESTAMP, 'is after the year 9999'),
      z.iso.datetime({ offset: true, error: 'must be ISO-8601 with a time zone' }),
    ],
    {
      error: (i) => (i.input === undefined ? 'required' : 'must be epoch milliseconds or an ISO-8601 date-time'),
    },
  )
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
  .openapi({
    example: 1764000000000,
    description: `epoch milliseconds (whole) or ISO-8601 with offset; on the server clock (after clockOffsetMs) from 2000-01-01T00:00:00Z and at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead (422 otherwise)`,
  });

/** Device clock offset declared with a batch: server clock − device clock, in ms. */
const ClockOffset = z
  .number({ error: (i) => (i.input === undefined ? 'required' : 'must be a number of milliseconds') })
  .int('must be whole milliseconds')
  .min(-MAX_CLOCK_OFFSET_MS, 'is beyond ±100 years')
  .max(MAX_CLOCK_OFFSET_MS, 'is beyond ±100 years')
  .openapi({
    example: -600000,
    description:
      'server clock − device clock in ms, as the device measured it with GET /v1/time (or from an acknowledgement’s serverTime); the server adds it to every timestamp of the batch. Omit it when the device clock is set (NTP).',
  });

const FlatReading = z
  .object({
    timestamp: Timestamp,
    ax: measure(sensorRanges.acc),
    ay: measure(sensorRanges.acc),
    az: measure(sensorRanges.acc),
    gx: measure(sensorRanges.gyro),
    gy: measure(sensorRanges.gyro),
    gz: measure(sensorRanges.gyro),
    mx: measure(sensorRanges.mag).optional(),
    my: measure(sensorRanges.mag).optional(),
    mz: measure(sensorRanges.mag).optional(),
  })
  .strict()
  .openapi('Reading', {
    description: 'a reading, flat: acceleration in m/s², rotation in rad/s, magnetic field in µT',
    example: { timestamp: 1764000000000, ax: 0.12, ay: -0.03, az: 9.79, gx: 0.01, gy: -0.02, gz: 0.003, mx: 21.5, my: -4.2, mz: -39.8 },
  });

const axes = (range: typeof sensorRanges.acc | typeof sensorRanges.gyro | typeof sensorRanges.mag, unit: string) =>
  z
    .object({ x: measure(range), y: measure(range), z: measure(range) })
    .strict()
    .openapi({ description: unit });

const NestedReading = z
  .object({
    timestamp: Timestamp,
    accelerometer: axes(sensorRanges.acc, 'm/s²'),
    gyroscope: axes(sensorRanges.gyro, 'rad/s'),
    magnetometer: axes(sensorRanges.mag, 'µT').optional(),
  })
  .strict()
  .openapi('NestedReading', {
    description: 'a reading, nested by sensor as ESP32 firmware built on seed 002 posts it; the same units as the flat shape',
    example: {
      timestamp: 1764000000000,
      accelerometer: { x: 0.12, y: -0.03, z: 9.79 },
      gyroscope: { x: 0.01, y: -0.02, z: 0.003 },
      magnetometer: { x: 21.5, y: -4.2, z: -39.8 },
    },
  });

/** A reading in either shape (a batch may mix them), as the flat reading bronze stores. */
export const Reading = z
  .union([FlatReading, NestedReading], {
    error: 'must be a reading: flat {timestamp, ax, ay, az, gx, gy, gz} or nested {timestamp, accelerometer: {x, y, z}, gyroscope: {x, y, z}}',
  })
  .transform((r) =>
    'accelerometer' in r
      ? {
          timestamp: r.timestamp,
          ax: r.accelerometer.x,
          ay: r.accelerometer.y,
          az: r.accelerometer.z,
          gx: r.gyroscope.x,
          gy: r.gyroscope.y,
          gz: r.gyroscope.z,
          ...(r.magnetometer ? { mx: r.magnetometer.x, my: r.magnetometer.y, mz: r.magnetometer.z } : {}),
        }
      : r,
  );

/** A batch's readings (or, for the fast path's envelope, its unchecked items), 1 to MAX_READINGS_PER_BATCH. */
const readingsOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item, { error: (i) => (i.input === undefined ? 'required' : 'must be an array') })
    .min(1, 'must hold at least one reading')
    .max(MAX_READINGS_PER_BATCH, `must hold at most ${MAX_READINGS_PER_BATCH} readings`);

const batchFields = {
  deviceId: id('deviceId'),
  batchId: id('batchId'),
  sessionId: id('sessionId').optional(),
  clockOffsetMs: ClockOffset.optional(),
};

/**
 * A batch with its readings left unchecked: the ids, the clock offset and the readings' count. The
 * JSON fast path and the columnar body (columnar.ts) check their envelope with it, so both refuse
 * the same things with the same words.
 */
export const ReadingsEnvelope = z.object({ ...batchFields, readings: readingsOf(z.unknown()) }).strict();

export const ReadingsBatch = withFastReadings(
  z
    .object({ ...batchFields, readings: readingsOf(Reading) })
    .strict()
    .openapi('ReadingsBatch'),
  ReadingsEnvelope,
);

export const IngestAck = z
  .object({
    status: z.enum(['stored', 'duplicate']),
    deviceId: z.string(),
    batchId: z.string(),
    items: z.number().int(),
    serverTime: z
      .number()
      .int()
      .openapi({ description: 'the server clock as it answered, epoch ms: with its own send and receive times a device estimates its clock offset' }),
    clockOffsetMs: z.number().int().optional().openapi({ description: 'the offset the server applied to the timestamps, when the batch declared one' }),
    prediction: LivePrediction.optional().openapi({ description: "the device's newest live prediction, when it has one" }),
  })
  .openapi('IngestAck');

export const ExerciseSession = z
  .object({
    deviceId: id('deviceId'),
    sessionId: id('sessionId'),
    /** Makes a re-post of the same session record a duplicate; a changed record needs a new batchId. */
    batchId: id('batchId'),
    exercise: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a lower-case exercise name such as "squat" or "push-up"')
      .optional()
      .openapi({ description: 'the ground-truth label, when known' }),
    startedAt: Timestamp,
    endedAt: Timestamp.optional(),
    clockOffsetMs: ClockOffset.optional(),
    notes: z
      .string()
      .max(2000, 'must be at most 2,000 characters')
      // eslint-disable-next-line no-control-regex -- NUL is exactly the character refused
      .regex(/^[^\u0000]*$/, 'must not contain NUL (PostgreSQL text cannot hold it)')
      .optional(),
  })
  .strict()
  .openapi('ExerciseSession', { description: `endedAt, when given, is not before startedAt (422 otherwise)` });

export type ReadingsBatch = z.infer<typeof ReadingsBatch>;
export type ExerciseSession = z.infer<typeof ExerciseSession>;
