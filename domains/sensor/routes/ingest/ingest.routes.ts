// Device ingest: POST /v1/ingest/readings and /v1/ingest/sessions, with a device key (bound to its
// device) or an admin key. A bad batch is refused whole (400, nothing stored); a repeated batch id
// is acknowledged as a duplicate and not stored again; an oversized body is 413. The readings
// route is built from the configured body limit, so it is a function of it.
import { createRoute } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requireRole } from '../../../../api/auth.ts';
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
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, `the body is larger than ${maxBytes} bytes; send fewer readings per batch`);
    },
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

export const readings = (maxBodyBytes = MAX_INGEST_BODY_BYTES) =>
  createRoute({
    method: 'post',
    path: '/readings',
    tags,
    summary: 'Land a batch of IMU readings in bronze',
    description:
      'Acknowledged (201) only once the readings are committed. Re-sending a batch id is safe: the answer is 200 "duplicate" and nothing is stored twice.',
    security: keyed,
    middleware: [requireRole('device'), jsonOnly, limit(maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: ReadingsBatch } } } },
    responses: {
      201: jsonContent(IngestAck, 'stored'),
      200: jsonContent(IngestAck, 'a duplicate of a batch already stored'),
      ...errors,
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
  },
});
