// Handlers for the devices resource: validated input in, named queries, JSON out. Every answer
// carries the freshness of the sensor days it comes from, and Last-Modified from it.
import { notModifiedSince } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader } from '../../../../api/freshness.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import { decodeCursor, pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { sensorPipeline } from '../../pipeline.ts';
import { daysOfDevices, deviceActivity, deviceSessions, findSession, listDevices, sessionWindowPredictions, type SessionSummary } from './devices.queries.ts';
import type * as routes from './devices.routes.ts';

const sessionJson = (s: SessionSummary) => ({ ...s, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt) });

export function deviceHandlers(db: Queryable, options: { freshnessTtlMs?: number } = {}) {
  const freshness = new FreshnessReader(db, sensorPipeline, options.freshnessTtlMs);

  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, ['string']);
    const rows = await listDevices(db, (after?.[0] as string | undefined) ?? null, q.limit + 1);
    const page = pageOf(rows, q.limit, (d) => [d.deviceId]);
    const fresh = await freshness.read(
      await daysOfDevices(
        db,
        page.items.map((d) => d.deviceId),
      ),
    );
    return (notModifiedSince(c, undefined, fresh.lastModified) as never) ?? c.json({ ...page, freshness: fresh }, 200);
  };

  const activity: AppRouteHandler<typeof routes.activity> = async (c) => {
    const { deviceId } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    const days = await deviceActivity(db, deviceId, from, to);
    const fresh = await freshness.read(days.map((d) => d.day));
    return (notModifiedSince(c, undefined, fresh.lastModified) as never) ?? c.json({ deviceId, days, freshness: fresh }, 200);
  };

  const sessions: AppRouteHandler<typeof routes.sessions> = async (c) => {
    const { deviceId } = c.req.valid('param');
    const q = c.req.valid('query');
    const key = decodeCursor(q.cursor, ['string', 'string']);
    const rows = await deviceSessions(db, deviceId, key && { startedAt: key[0] as string, sessionId: key[1] as string }, q.limit + 1);
    const page = pageOf(rows, q.limit, (s) => [iso(s.startedAt), s.sessionId]);
    const fresh = await freshness.read(page.items.map((s) => s.day));
    return (
      (notModifiedSince(c, undefined, fresh.lastModified) as never) ??
      c.json({ items: page.items.map(sessionJson), nextCursor: page.nextCursor, freshness: fresh }, 200)
    );
  };

  const session: AppRouteHandler<typeof routes.session> = async (c) => {
    const { deviceId, sessionId } = c.req.valid('param');
    const summary = await findSession(db, deviceId, sessionId);
    if (!summary) throw new ApiError(404, `no session ${sessionId} for device ${deviceId}`);
    const fresh = await freshness.read([summary.day]);
    const cached = notModifiedSince(c, undefined, fresh.lastModified);
    if (cached) return cached as never;
    const windows = await sessionWindowPredictions(db, deviceId, sessionId, summary.day);
    return c.json(
      { ...sessionJson(summary), windowPredictions: windows.map((w) => ({ ...w, startTs: iso(w.startTs), endTs: iso(w.endTs) })), freshness: fresh },
      200,
    );
  };

  return { list, activity, sessions, session };
}
