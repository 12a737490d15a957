// Device ingest: POST /v1/ingest/readings and /v1/ingest/sessions, with a device key (bound to its
// device) or an admin key. A bad batch is refused whole (400, nothing stored); a repeated batch id
// is acknowledged as a duplicate and not stored again; an oversized body is 413.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requireRole, type KeyStore } from '../../../api/auth.ts';
import { ApiError, ErrorSchema } from '../../../api/errors.ts';
import { ExerciseSession, IngestAck, ReadingsBatch } from '../ingest/schema.ts';
import { landSession } from '../ingest/sessions.ts';
import { IngestOverloaded, type IngestWriter } from '../ingest/writer.ts';
import type { AppDeps, AppEnv } from '../../../api/types.ts';

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

function ownDevice(c: { get(key: 'principal'): { role: string; deviceId?: string } }, deviceId: string): void {
  const principal = c.get('principal');
  if (principal.role === 'device' && principal.deviceId !== deviceId) {
    throw new ApiError(403, `this key may only post for device ${principal.deviceId}`, [
      { field: 'deviceId', reason: `is not this key's device (${principal.deviceId})` },
    ]);
  }
}

const errors = {
  400: { description: 'invalid body; every problem is named by field', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'no valid key', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'not a device or admin key, or another device', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: 'body too large', content: { 'application/json': { schema: ErrorSchema } } },
  415: { description: 'not JSON', content: { 'application/json': { schema: ErrorSchema } } },
  503: {
    description: 'the database is unavailable or ingest is overloaded; retry with the same batch id',
    content: { 'application/json': { schema: ErrorSchema } },
  },
};

export function ingestRoutes(deps: AppDeps, keys: KeyStore, writer: IngestWriter, maxBodyBytes = MAX_INGEST_BODY_BYTES) {
  const readings = createRoute({
    method: 'post',
    path: '/v1/ingest/readings',
    tags: ['ingest'],
    summary: 'Land a batch of IMU readings in bronze',
    description:
      'Acknowledged (201) only once the readings are committed. Re-sending a batch id is safe: the answer is 200 "duplicate" and nothing is stored twice.',
    security: [{ apiKey: [] }],
    middleware: [requireRole(keys, 'device'), jsonOnly, limit(maxBodyBytes)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: ReadingsBatch } } } },
    responses: {
      201: { description: 'stored', content: { 'application/json': { schema: IngestAck } } },
      200: { description: 'a duplicate of a batch already stored', content: { 'application/json': { schema: IngestAck } } },
      ...errors,
    },
  });
  const sessions = createRoute({
    method: 'post',
    path: '/v1/ingest/sessions',
    tags: ['ingest'],
    summary: 'Land an exercise session (with its label, when known) in bronze',
    security: [{ apiKey: [] }],
    middleware: [requireRole(keys, 'device'), jsonOnly, limit(64 * 1024)] as const,
    request: { body: { required: true, content: { 'application/json': { schema: ExerciseSession } } } },
    responses: {
      201: { description: 'stored', content: { 'application/json': { schema: IngestAck } } },
      200: { description: 'a duplicate of a record already stored', content: { 'application/json': { schema: IngestAck } } },
      ...errors,
    },
  });

  return new OpenAPIHono<AppEnv>()
    .openapi(readings, async (c) => {
      const batch = c.req.valid('json');
      ownDevice(c, batch.deviceId);
      let landing;
      try {
        landing = await writer.submit(batch, c.get('principal').keyId, c.get('requestId'));
      } catch (e) {
        if (e instanceof IngestOverloaded) {
          c.header('Retry-After', '1');
          throw new ApiError(503, `${e.message}; retry with the same batch id`);
        }
        deps.log.warn({ err: (e as Error).message, requestId: c.get('requestId') }, 'ingest transaction failed');
        throw new ApiError(503, 'the batch could not be stored (nothing was written); retry with the same batch id');
      }
      const body = { status: landing, deviceId: batch.deviceId, batchId: batch.batchId, items: batch.readings.length };
      return landing === 'stored' ? c.json(body, 201) : c.json(body, 200);
    })
    .openapi(sessions, async (c) => {
      const session = c.req.valid('json');
      ownDevice(c, session.deviceId);
      let landing;
      try {
        landing = await landSession(deps.ingestPool, session, c.get('principal').keyId, c.get('requestId'));
      } catch (e) {
        deps.log.warn({ err: (e as Error).message, requestId: c.get('requestId') }, 'session insert failed');
        throw new ApiError(503, 'the session could not be stored (nothing was written); retry with the same batch id');
      }
      const body = { status: landing, deviceId: session.deviceId, batchId: session.batchId, items: 1 };
      return landing === 'stored' ? c.json(body, 201) : c.json(body, 200);
    });
}
