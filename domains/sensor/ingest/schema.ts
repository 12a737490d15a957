// What devices post: readings batches and exercise sessions. The zod schemas validate requests and
// generate their OpenAPI description; errors name the exact field (readings[3].ax) and the reason.
import { z } from '@hono/zod-openapi';
import { EARLIEST_READING, MAX_CLOCK_SKEW_MS, MAX_READINGS_PER_BATCH, sensorRanges } from '../../../lib/sensor-limits.ts';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const id = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? 'required' : 'must be a string') })
    .regex(ID, `${what} must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);

function measure(range: { min: number; max: number; unit: string }, required: boolean) {
  // min/max (not a refinement) so the OpenAPI document carries the physical range too.
  const outOfRange = `out of physical range (${range.min.toFixed(1)} to ${range.max.toFixed(1)} ${range.unit})`;
  const base = z
    .number({ error: (i) => (i.input === undefined ? 'required' : typeof i.input === 'number' ? 'must be a finite number' : 'must be a number') })
    .min(range.min, outOfRange)
    .max(range.max, outOfRange);
  return required ? base : base.optional();
}

const clockLimit = `at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of the server clock`;

/**
 * Epoch milliseconds, or an ISO-8601 date-time with an offset; returned as epoch milliseconds. The
 * number form declares its bounds; the clock limit moves with time and a string's instant is not a
 * JSON Schema fact, so timeProblems() checks those and the routes answer 422 (declared).
 */
export const Timestamp = z
  .union(
    [
      z.number().int('must be whole milliseconds').min(EARLIEST_READING, 'is before 2000-01-01').max(Number.MAX_SAFE_INTEGER, 'must be whole milliseconds'),
      z.iso.datetime({ offset: true, error: 'must be ISO-8601 with a time zone' }),
    ],
    {
      error: (i) => (i.input === undefined ? 'required' : 'must be epoch milliseconds or an ISO-8601 date-time'),
    },
  )
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
  .openapi({
    example: 1764000000000,
    description: `epoch milliseconds (whole) or ISO-8601 with offset; from 2000-01-01T00:00:00Z and ${clockLimit} (422 otherwise)`,
  });

/** The time rules of stamped fields (422 when broken): not before 2000, not beyond the clock limit. */
export function timeProblems(stamps: { field: string; ms: number }[], now = Date.now()): { field: string; reason: string }[] {
  return stamps.flatMap(({ field, ms }) =>
    !(ms >= EARLIEST_READING)
      ? [{ field, reason: 'is before 2000-01-01' }]
      : ms > now + MAX_CLOCK_SKEW_MS
        ? [{ field, reason: `is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes in the future` }]
        : [],
  );
}

export const Reading = z
  .object({
    timestamp: Timestamp,
    ax: measure(sensorRanges.acc, true),
    ay: measure(sensorRanges.acc, true),
    az: measure(sensorRanges.acc, true),
    gx: measure(sensorRanges.gyro, true),
    gy: measure(sensorRanges.gyro, true),
    gz: measure(sensorRanges.gyro, true),
    mx: measure(sensorRanges.mag, false),
    my: measure(sensorRanges.mag, false),
    mz: measure(sensorRanges.mag, false),
  })
  .strict()
  .openapi('Reading', { description: 'acceleration in m/s², rotation in rad/s, magnetic field in µT' });

export const ReadingsBatch = z
  .object({
    deviceId: id('deviceId'),
    batchId: id('batchId'),
    sessionId: id('sessionId').optional(),
    readings: z
      .array(Reading, { error: (i) => (i.input === undefined ? 'required' : 'must be an array') })
      .min(1, 'must hold at least one reading')
      .max(MAX_READINGS_PER_BATCH, `must hold at most ${MAX_READINGS_PER_BATCH} readings`),
  })
  .strict()
  .openapi('ReadingsBatch');

export const IngestAck = z
  .object({
    status: z.enum(['stored', 'duplicate']),
    deviceId: z.string(),
    batchId: z.string(),
    items: z.number().int(),
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
