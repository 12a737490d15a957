// Handlers for device ingest: a device key posts only for its own device; readings go through the
// batching IngestWriter, sessions are one insert; a failure is "nothing was written, retry".
import { ApiError } from '../../../../api/errors.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppDeps, AppEnv } from '../../../../api/types.ts';
import { timeProblems } from '../../ingest/schema.ts';
import { landSession } from '../../ingest/sessions.ts';
import { IngestOverloaded, type IngestWriter } from '../../ingest/writer.ts';
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
  const readings: AppRouteHandler<ReturnType<typeof routes.readings>> = async (c) => {
    const batch = c.req.valid('json');
    ownDevice(c.get('principal'), batch.deviceId);
    checkRules(timeProblems(batch.readings.map((r, i) => ({ field: `readings[${i}].timestamp`, ms: r.timestamp }))));
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
  };

  const sessions: AppRouteHandler<typeof routes.sessions> = async (c) => {
    const session = c.req.valid('json');
    ownDevice(c.get('principal'), session.deviceId);
    const { startedAt, endedAt } = session;
    checkRules([
      ...timeProblems([{ field: 'startedAt', ms: startedAt }, ...(endedAt === undefined ? [] : [{ field: 'endedAt', ms: endedAt }])]),
      ...(endedAt !== undefined && endedAt < startedAt ? [{ field: 'endedAt', reason: 'must not be before startedAt' }] : []),
    ]);
    let landing;
    try {
      landing = await landSession(deps.ingestPool, session, c.get('principal').keyId, c.get('requestId'));
    } catch (e) {
      deps.log.warn({ err: (e as Error).message, requestId: c.get('requestId') }, 'session insert failed');
      throw new ApiError(503, 'the session could not be stored (nothing was written); retry with the same batch id');
    }
    const body = { status: landing, deviceId: session.deviceId, batchId: session.batchId, items: 1 };
    return landing === 'stored' ? c.json(body, 201) : c.json(body, 200);
  };

  return { readings, sessions };
}
