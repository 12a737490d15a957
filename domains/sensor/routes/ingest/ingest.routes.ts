// Device ingest: POST /v1/ingest/readings and /v1/ingest/sessions, with a device key (bound to its
// device) or an admin key. A bad batch is refused whole (400, nothing stored); a repeated batch id
// is acknowledged as a duplicate and not stored again; an oversized body is 413. The readings
// route is built from the configured body limit, so it is a function of it.
import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireRole } from '../../../../api/auth.ts';
import { limitBody } from '../../../../api/body-limit.ts';
import { ApiError } from '../../../../api/errors.ts';
import { errorResponse, jsonContent, keyed } from '../../../../api/openapi.ts';
import type { AppEnv } from '../../../../api/types.ts';
import { ExerciseSession, IngestAck, ReadingsBatch } from '../../ingest/schema.ts';

/** 5,000 readings of JSON with magnetometer fields fit in about 1 MiB. */
export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

const jsonOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'send the body as JSON (Content-Type: application/json)');
  await next();
};

const limit = (maxBytes: number) =>
  limitBody(maxBytes, () => {
    throw new ApiError(413, `the body is larger than ${maxBytes} bytes; send fewer readings per batch`);
  });

const errors = {
  400: errorResponse('invalid body; every problem is named by field'),
  401: errorResponse('no valid key'),
  403: errorResponse('not a device or admin key, or another device'),
  413: errorResponse('body too large'),
  415: errorResponse('not JSON'),
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

export const readings = (maxBodyBytes = MAX_INGEST_BODY_BYTES) =>
  createRoute({
    method: 'post',
    path: '/readings',
    tags,
    summary: 'Land a batch of IMU readings in bronze',
    description:
      'Acknowledged (201) only once the readings are committed. Re-sending a batch id is safe: the answer is 200 "duplicate" and nothing is stored twice. ' +
      'Each reading is flat (ax, ay, az, gx, gy, gz, optional mx, my, mz) or nested by sensor (accelerometer, gyroscope, optional magnetometer, each {x, y, z}); both land as the same bronze row. ' +
      'Timestamps are moved to the server clock by clockOffsetMs when given; a batch more than 5 minutes ahead of the server clock is refused with 422 clock_ahead, naming by how much. ' +
      'The acknowledgement carries serverTime and the device’s newest live prediction.',
    security: keyed,
    middleware: [requireRole('device'), jsonOnly, limit(maxBodyBytes)] as const,
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
