// Handlers for device ingest: a device key posts only for its own device; timestamps move to the
// server clock (the declared offset applied, too far ahead refused); readings go through the
// batching IngestWriter, sessions are one insert; a failure is "nothing was written, retry". Every
// acknowledgement carries the server time, and a readings acknowledgement the newest live prediction.
import { ApiError } from '../../../../api/errors.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppDeps, AppEnv } from '../../../../api/types.ts';
import type { Context, MiddlewareHandler } from 'hono';
import { checkOnServerClock, checkTimesOnServerClock } from '../../ingest/clock.ts';
import { columnarBatch, jsonColumnsBatch } from '../../ingest/columnar.ts';
import { readingCount } from '../../ingest/segments.ts';
import type { ReadingsBatch } from '../../ingest/schema.ts';
import { landSession } from '../../ingest/sessions.ts';
import { IngestOverloaded, type IngestWriter, type LandingBatch } from '../../ingest/writer.ts';
import { isColumnarBody } from './ingest.routes.ts';
import type * as routes from './ingest.routes.ts';

function ownDevice(principal: AppEnv['Variables']['principal'], deviceId: string): void {
  if (principal.role === 'device' && principal.deviceId !== deviceId) {
    throw new ApiError(403, `this key may only post for device ${principal.deviceId}`, [
      { field: 'deviceId', reason: `is not this key's device (${principal.deviceId})` },
    ]);
  }
}

/** Refuses (422) what the schema lets through but the time rules do not; nothing is written. */
function checkRules(problems: { field: string; reason: string }[]): void {
  if (problems.length) throw new ApiError(422, 'the request breaks a rule stated in the API document', problems);
}

export function ingestHandlers(deps: AppDeps, writer: IngestWriter) {
  /** Lands a checked batch from either body: its own device's, on the server clock, committed before the answer. */
  async function land(c: Context<AppEnv>, batch: LandingBatch) {
    ownDevice(c.get('principal'), batch.deviceId);
    const rows = 'readings' in batch ? batch.readings : null;
    const column = 'readings' in batch ? null : batch.timestamp;
    const count = readingCount(batch);
    const offset = checkTimesOnServerClock(
      count,
      rows ? (i) => rows[i]!.timestamp : (i) => column![i]!,
      (i) => `readings[${i}].timestamp`,
      batch.clockOffsetMs,
      Date.now(),
    );
    // The readings are this request's own parse, so they move to the server clock in place.
    if (offset !== 0) {
      if (rows) for (const r of rows) r.timestamp += offset;
      else for (let i = 0; i < count; i++) column![i]! += offset;
    }
    let landed;
    try {
      landed = await writer.submit(batch, c.get('principal').keyId, c.get('requestId'));
    } catch (e) {
      if (e instanceof IngestOverloaded) {
        c.header('Retry-After', '1');
        throw new ApiError(503, `${e.message}; retry with the same batch id`);
      }
      deps.log.warn({ err: (e as Error).message, requestId: c.get('requestId') }, 'ingest transaction failed');
      throw new ApiError(503, 'the batch could not be stored (nothing was written); retry with the same batch id');
    }
    const body = {
      status: landed.landing,
      deviceId: batch.deviceId,
      batchId: batch.batchId,
      items: count,
      serverTime: Date.now(),
      ...(batch.clockOffsetMs === undefined ? {} : { clockOffsetMs: offset }),
      ...(landed.prediction ? { prediction: landed.prediction } : {}),
    };
    return landed.landing === 'stored' ? c.json(body, 201) : c.json(body, 200);
  }

  // Only a JSON body the middleware could not read as columns reaches the handler, so the validated
  // body is the JSON batch, not the string the document's binary media type would type it as.
  const readings: AppRouteHandler<ReturnType<typeof routes.readings>> = (c) => land(c, c.req.valid('json') as ReadingsBatch);

  /**
   * Answered before the route's JSON validator: the columnar body (COLUMNAR_MEDIA_TYPE), decoded and
   * checked by the JSON form's rules; and a JSON body of the common shape (flat or nested readings,
   * plain ids, nothing to refuse), read straight into the same columns. Any other JSON body goes on to the validator, which
   * parses it (from the bytes read here, kept by the request) and names what is wrong with it.
   */
  const asColumns: MiddlewareHandler<AppEnv> = async (c, next) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (isColumnarBody(c.req.header('content-type'))) return land(c, columnarBatch(bytes));
    const batch = jsonColumnsBatch(bytes);
    return batch ? land(c, batch) : next();
  };

  const sessions: AppRouteHandler<typeof routes.sessions> = async (c) => {
    const posted = c.req.valid('json');
    ownDevice(c.get('principal'), posted.deviceId);
    const stamps = [{ field: 'startedAt', ms: posted.startedAt }, ...(posted.endedAt === undefined ? [] : [{ field: 'endedAt', ms: posted.endedAt }])];
    const offset = checkOnServerClock(stamps, posted.clockOffsetMs, Date.now());
    const session = {
      ...posted,
      startedAt: posted.startedAt + offset,
      ...(posted.endedAt === undefined ? {} : { endedAt: posted.endedAt + offset }),
    };
    checkRules(session.endedAt !== undefined && session.endedAt < session.startedAt ? [{ field: 'endedAt', reason: 'must not be before startedAt' }] : []);
    let landing;
    try {
      landing = await landSession(deps.ingestPool, session, c.get('principal').keyId, c.get('requestId'));
    } catch (e) {
      deps.log.warn({ err: (e as Error).message, requestId: c.get('requestId') }, 'session insert failed');
      throw new ApiError(503, 'the session could not be stored (nothing was written); retry with the same batch id');
    }
    const body = {
      status: landing,
      deviceId: session.deviceId,
      batchId: session.batchId,
      items: 1,
      serverTime: Date.now(),
      ...(posted.clockOffsetMs === undefined ? {} : { clockOffsetMs: offset }),
    };
    return landing === 'stored' ? c.json(body, 201) : c.json(body, 200);
  };

  return { readings, asColumns, sessions };
}
