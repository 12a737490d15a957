// Device ingest: POST /v1/ingest/readings and /v1/ingest/sessions, with a device key (bound to its
// device) or an admin key. A bad batch is refused whole (400, nothing stored); a repeated batch id
// is acknowledged as a duplicate and not stored again; an oversized body is 413. The readings
// route takes JSON or the columnar body, and is built from the configured body limit and the
// handler that reads bodies as columns, so it is a function of them.
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../../../api/auth.ts';
import { limitBody } from '../../../../api/body-limit.ts';
import { ApiError } from '../../../../api/errors.ts';
import { errorResponse, jsonContent, keyed } from '../../../../api/openapi.ts';
import type { AppEnv } from '../../../../api/types.ts';
import { COLUMNAR_MEDIA_TYPE } from '../../../../lib/imu/columnar-batch.ts';
import { ExerciseSession, IngestAck, ReadingsBatch } from '../../ingest/schema.ts';

/** 5,000 readings of JSON with magnetometer fields fit in about 1 MiB. */
export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

const isJson = (type: string | undefined) => /^application\/json\b/i.test(type ?? '');
/** Whether a Content-Type names the columnar readings body (parameters after ";" allowed). */
export const isColumnarBody = (type: string | undefined) => (type ?? '').split(';', 1)[0]!.trim().toLowerCase() === COLUMNAR_MEDIA_TYPE;

const jsonOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isJson(c.req.header('content-type'))) throw new ApiError(415, 'send the body as JSON (Content-Type: application/json)');
  await next();
};

const jsonOrColumnar: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type');
  if (!isJson(type) && !isColumnarBody(type)) {
    throw new ApiError(415, `send the body as JSON (Content-Type: application/json) or columnar (Content-Type: ${COLUMNAR_MEDIA_TYPE})`);
  }
  await next();
};

/**
 * The columnar body as the API document describes it (the layout is lib/imu/columnar-batch.ts's). No
 * validator reads it (the route's validators read JSON only; the asColumns middleware reads this).
 */
const ColumnarBody = z.string().openapi({
  format: 'binary',
  description:
    'The same batch as columns, for firmware that can send it (little-endian throughout): a 40-byte header — ' +
    'bytes 0–3 "RIMU"; 4 version (1); 5 channels (6: ax ay az gx gy gz, or 9: and mx my mz); ' +
    '6 flags (bit 0: a timestamp per reading, bit 1: clockOffsetMs present; other bits 0); 7, 8, 9 the byte lengths of deviceId, batchId (1–128 each) and sessionId (0 = none); ' +
    '10–11 zero; 12–15 u32 the readings n; 16–23 f64 start (epoch ms) and 24–31 f64 interval (ms): reading i is at start + i × interval (both 0 with bit 0); ' +
    '32–39 f64 clockOffsetMs (0 without bit 1). Then deviceId, batchId and sessionId as ASCII, zero-padded to a multiple of 8 bytes; then, with bit 0, n f64 timestamps; ' +
    'then each channel as n f64 values. The same rules as JSON apply (ids, 1–5,000 readings, whole-ms timestamps, finite values in physical range: NaN and ±Infinity are refused), ' +
    'and a problem is named the same way (readings[3].ax); a malformed layout is 400 naming the header field.',
});

const limit = (maxBytes: number) =>
  limitBody(maxBytes, () => {
    throw new ApiError(413, `the body is larger than ${maxBytes} bytes; send fewer readings per batch`);
  });

const errors = {
  400: errorResponse('invalid body; every problem is named by field'),
  401: errorResponse('no valid key'),
  403: errorResponse('not a device or admin key, or another device'),
  413: errorResponse('body too large'),
  415: errorResponse('not JSON (or, for readings, not the columnar body either)'),
  422: errorResponse(
    'valid by the schema but breaks a rule it cannot express: a time before 2000 or beyond the clock limit, or endedAt before startedAt; named in details',
  ),
  503: errorResponse('the database is unavailable or ingest is overloaded; retry with the same batch id'),
};
const tags = ['ingest'];

function batchExample(shape: 'flat' | 'nested') {
  const readings = [0, 20].map((dt) => {
    const timestamp = 1764000000000 + dt;
    const acc = { x: 0.12, y: -0.03, z: 9.79 };
    const gyro = { x: 0.01, y: -0.02, z: 0.003 };
    return shape === 'flat'
      ? { timestamp, ax: acc.x, ay: acc.y, az: acc.z, gx: gyro.x, gy: gyro.y, gz: gyro.z }
      : { timestamp, accelerometer: acc, gyroscope: gyro };
  });
  return { deviceId: 'wrist-01', batchId: `wrist-01-${shape}-000123`, sessionId: 'wrist-01-2025-11-24-1', readings };
}

/**
 * `asColumns` answers, before the JSON validator, a columnar body and a JSON body it can read as
 * columns (ingest.handlers.ts); any other JSON body goes on to the validator.
 */
export const readings = (maxBodyBytes = MAX_INGEST_BODY_BYTES, asColumns: MiddlewareHandler<AppEnv> = (_, next) => next()) =>
  createRoute({
    method: 'post',
    path: '/readings',
    tags,
    summary: 'Land a batch of IMU readings in bronze',
    description:
      'Acknowledged (201) only once the readings are committed. Re-sending a batch id is safe: the answer is 200 "duplicate" and nothing is stored twice. ' +
      'Each reading is flat (ax, ay, az, gx, gy, gz, optional mx, my, mz) or nested by sensor (accelerometer, gyroscope, optional magnetometer, each {x, y, z}); both land as the same bronze row. ' +
      'Timestamps are moved to the server clock by clockOffsetMs when given; a batch more than 5 minutes ahead of the server clock is refused with 422 clock_ahead, naming by how much. ' +
      'The acknowledgement carries serverTime and the device’s newest live prediction. ' +
      `The batch may instead come as columns (Content-Type ${COLUMNAR_MEDIA_TYPE}, layout below): the same rules, answers and exactly-once batch ids, a fraction of the bytes and of the server's work.`,
    security: keyed,
    middleware: [requireRole('device'), jsonOrColumnar, limit(maxBodyBytes), asColumns] as const,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: ReadingsBatch,
            examples: {
              flat: { summary: 'flat readings, device clock set', value: batchExample('flat') },
              nested: {
                summary: 'nested readings (ESP32 firmware), device clock 10 minutes fast',
                value: { ...batchExample('nested'), clockOffsetMs: -600000 },
              },
            },
          },
          [COLUMNAR_MEDIA_TYPE]: { schema: ColumnarBody },
        },
      },
    },
    responses: {
      201: jsonContent(IngestAck, 'stored'),
      200: jsonContent(IngestAck, 'a duplicate of a batch already stored'),
      ...errors,
      422: errorResponse(
        'the batch is too far ahead of the server clock (code clock_ahead); the message names by how much and the clockOffsetMs that would fix it',
      ),
    },
  });

export const sessions = createRoute({
  method: 'post',
  path: '/sessions',
  tags,
  summary: 'Land an exercise session (with its label, when known) in bronze',
  security: keyed,
  middleware: [requireRole('device'), jsonOnly, limit(64 * 1024)] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ExerciseSession } } } },
  responses: {
    201: jsonContent(IngestAck, 'stored'),
    200: jsonContent(IngestAck, 'a duplicate of a record already stored'),
    ...errors,
    422: errorResponse('the session is too far ahead of the server clock (code clock_ahead)'),
  },
});
