// Handlers for the devices resource: validated input in, named queries, JSON out.
import { ApiError } from '../../../../api/errors.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import { decodeCursor, pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { deviceActivity, deviceSessions, findSession, listDevices, sessionWindowPredictions, type SessionSummary } from './devices.queries.ts';
import type * as routes from './devices.routes.ts';

const sessionJson = (s: SessionSummary) => ({ ...s, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt) });

export function deviceHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const after = decodeCursor(q.cursor, ['string']);
    const rows = await listDevices(db, (after?.[0] as string | undefined) ?? null, q.limit + 1);
    return c.json(
      pageOf(rows, q.limit, (d) => [d.deviceId]),
      200,
    );
  };

  const activity: AppRouteHandler<typeof routes.activity> = async (c) => {
    const { deviceId } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    return c.json({ deviceId, days: await deviceActivity(db, deviceId, from, to) }, 200);
  };

  const sessions: AppRouteHandler<typeof routes.sessions> = async (c) => {
    const { deviceId } = c.req.valid('param');
    const q = c.req.valid('query');
    const key = decodeCursor(q.cursor, ['string', 'string']);
    const rows = await deviceSessions(db, deviceId, key && { startedAt: key[0] as string, sessionId: key[1] as string }, q.limit + 1);
    const page = pageOf(rows, q.limit, (s) => [iso(s.startedAt), s.sessionId]);
    return c.json({ items: page.items.map(sessionJson), nextCursor: page.nextCursor }, 200);
  };

  const session: AppRouteHandler<typeof routes.session> = async (c) => {
    const { deviceId, sessionId } = c.req.valid('param');
    const summary = await findSession(db, deviceId, sessionId);
    if (!summary) throw new ApiError(404, `no session ${sessionId} for device ${deviceId}`);
    const windows = await sessionWindowPredictions(db, deviceId, sessionId, summary.day);
    return c.json({ ...sessionJson(summary), windowPredictions: windows.map((w) => ({ ...w, startTs: iso(w.startTs), endTs: iso(w.endTs) })) }, 200);
  };

  return { list, activity, sessions, session };
}
