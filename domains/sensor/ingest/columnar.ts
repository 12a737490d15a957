// The columnar body of a readings batch (lib/imu/columnar-batch.ts), judged by the JSON body's own
// rules: the envelope (ids, clock offset, 1–5,000 readings) by the same zod schema, each value by the
// fast path's checks, and any reading that fails them by the Reading schema itself, so a bad value is
// refused with exactly the field and words the JSON form gets (readings[3].ax: out of physical range).
import { ApiError, zodDetails, type ErrorDetail } from '../../../api/errors.ts';
import { ColumnarFormatError, decodeColumnarBatch, type ColumnarBatch } from '../../../lib/imu/columnar-batch.ts';
import { readJsonBatch } from '../../../lib/imu/json-batch.ts';
import { allocateColumns, CHANNELS, type Reading, type ReadingColumns } from '../../../lib/imu/reading.ts';
import { sensorRanges } from '../../../lib/sensor-limits.ts';
import { inRange, isTimestamp } from './fast-readings.ts';
import { Reading as ReadingSchema, ReadingsEnvelope } from './schema.ts';

const RANGES = [
  sensorRanges.acc,
  sensorRanges.acc,
  sensorRanges.acc,
  sensorRanges.gyro,
  sensorRanges.gyro,
  sensorRanges.gyro,
  sensorRanges.mag,
  sensorRanges.mag,
  sensorRanges.mag,
];
/** Readings named in one refusal, at most (as the clock check names at most 20). */
const MOST_NAMED = 20;

/** Reading i of a columnar batch as a JSON body would carry it (for the schema's verdict). */
export function readingAt(batch: ColumnarBatch, i: number): Reading {
  const c = batch.channels;
  const r: Reading = { timestamp: batch.timestamp[i]!, ax: c[0]![i]!, ay: c[1]![i]!, az: c[2]![i]!, gx: c[3]![i]!, gy: c[4]![i]!, gz: c[5]![i]! };
  if (c.length === 9) {
    r.mx = c[6]![i]!;
    r.my = c[7]![i]!;
    r.mz = c[8]![i]!;
  }
  return r;
}

/** A columnar batch as one device's reading columns (what the live path windows), its magnetometer NaN when not sent. */
export function readingColumnsOf(batch: ColumnarBatch): ReadingColumns {
  const sessionId = batch.sessionId ?? null;
  const columns = allocateColumns(batch.timestamp.length, [batch.deviceId], sessionId === null ? [] : [sessionId]);
  if (sessionId !== null) columns.session.fill(0);
  columns.timestamp.set(batch.timestamp);
  batch.channels.forEach((values, c) => columns[CHANNELS[c]!].set(values));
  return columns;
}

/** Indices of readings (at most `most`) whose timestamp or a value breaks the Reading schema's rules, as the fast path checks them. */
function breakingRules(batch: ColumnarBatch, most: number): Set<number> {
  const n = batch.timestamp.length;
  const bad = new Set<number>();
  for (let i = 0; i < n && bad.size < most; i++) if (!isTimestamp(batch.timestamp[i])) bad.add(i);
  for (let c = 0; c < batch.channels.length; c++) {
    const values = batch.channels[c]!;
    const range = RANGES[c]!;
    for (let i = 0; i < n && bad.size < most; i++) if (!inRange(values[i], range)) bad.add(i);
  }
  return bad;
}

/** The first readings (at most MOST_NAMED) that break a rule, and each problem as the schema names it. */
function badReadings(batch: ColumnarBatch): ErrorDetail[] {
  return [...breakingRules(batch, MOST_NAMED)]
    .sort((a, b) => a - b)
    .flatMap((i) => {
      const verdict = ReadingSchema.safeParse(readingAt(batch, i));
      return verdict.success ? [] : zodDetails(verdict.error, `readings[${i}]`);
    });
}

/** What the envelope schema makes of a batch's ids, clock offset and reading count. */
const envelopeOf = (batch: ColumnarBatch) =>
  ReadingsEnvelope.safeParse({
    deviceId: batch.deviceId,
    batchId: batch.batchId,
    ...(batch.sessionId === undefined ? {} : { sessionId: batch.sessionId }),
    ...(batch.clockOffsetMs === undefined ? {} : { clockOffsetMs: batch.clockOffsetMs }),
    readings: new Array<undefined>(batch.timestamp.length),
  });

/**
 * A JSON readings body read straight into columns (lib/imu/json-batch.ts), when it has the common
 * shape and passes every rule; otherwise undefined, and the body is parsed as JSON and judged by the
 * schema, which names any problem. Either way the batch lands the same.
 */
export function jsonColumnsBatch(bytes: Uint8Array): ColumnarBatch | undefined {
  const batch = readJsonBatch(bytes);
  return batch && envelopeOf(batch).success && breakingRules(batch, 1).size === 0 ? batch : undefined;
}

/**
 * Decodes and checks a columnar body; throws ApiError 400 naming every problem (the layout's, or the
 * envelope's, or the readings'), so nothing of a bad body is ever submitted.
 */
export function columnarBatch(bytes: Uint8Array): ColumnarBatch {
  let batch: ColumnarBatch;
  try {
    batch = decodeColumnarBatch(bytes);
  } catch (e) {
    if (e instanceof ColumnarFormatError) throw new ApiError(400, 'the columnar body is malformed (see the format in the API document)', e.details);
    throw e;
  }
  const envelope = envelopeOf(batch);
  const problems = envelope.success ? [] : zodDetails(envelope.error);
  if (batch.timestamp.length) problems.push(...badReadings(batch));
  if (problems.length) throw new ApiError(400, 'the request is not valid', problems);
  return batch;
}
