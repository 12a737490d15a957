// Handlers for the devices resource: validated input in, named queries, JSON out. Every answer
// carries the freshness of the sensor days it comes from, and Last-Modified from it.
import { notModifiedSince } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader } from '../../../../api/freshness.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { TtlMemo } from '../../../../lib/ttl-memo.ts';
import { sensorPipeline } from '../../pipeline.ts';
import {
  activityDaysBetween,
  deviceActivity,
  deviceSessions,
  findSession,
  listDevices,
  sessionWindowPredictions,
  type SessionSummary,
} from './devices.queries.ts';
import * as routes from './devices.routes.ts';

const sessionJson = (s: SessionSummary) => ({ ...s, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt) });

const FIRST_PG_DAY = '0001-01-01';

export function deviceHandlers(db: Queryable, options: { freshnessTtlMs?: number } = {}) {
  const freshness = new FreshnessReader(db, sensorPipeline, options.freshnessTtlMs);
  const spans = new TtlMemo<string[]>(freshness.ttlMs);

  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const rows = await listDevices(db, q.cursor?.[0] ?? null, q.limit + 1);
    const page = pageOf(rows, q.limit, routes.deviceCursor, (d) => [d.deviceId] as const);
    // The page spans its devices' first to last day; every day of gold in that span counts (a late
    // day there may change who is listed), found once a moment per span.
    const from = page.items.reduce<string | null>((a, d) => (a === null || d.firstDay < a ? d.firstDay : a), null);
    const to = page.items.reduce<string | null>((a, d) => (a === null || d.lastDay > a ? d.lastDay : a), null);
    const days = from && to ? await spans.get(`${from}/${to}`, () => activityDaysBetween(db, from, to)) : [];
    const fresh = await freshness.read(days, routes.LISTING_FRESHNESS_PARTITIONS);
    return (notModifiedSince(c, undefined, fresh.lastModified) as never) ?? c.json({ ...page, freshness: fresh }, 200);
  };

  const activity: AppRouteHandler<typeof routes.activity> = async (c) => {
    const { deviceId } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    // RFC 3339 dates include the year 0000, which PostgreSQL's date lacks; it is before any data.
    const days = to < FIRST_PG_DAY ? [] : await deviceActivity(db, deviceId, from < FIRST_PG_DAY ? FIRST_PG_DAY : from, to);
    const fresh = await freshness.read(days.map((d) => d.day));
    return (notModifiedSince(c, undefined, fresh.lastModified) as never) ?? c.json({ deviceId, days, freshness: fresh }, 200);
  };

  const sessions: AppRouteHandler<typeof routes.sessions> = async (c) => {
    const { deviceId } = c.req.valid('param');
    const q = c.req.valid('query');
    const key = q.cursor && { startedAt: q.cursor[0].toISOString(), sessionId: q.cursor[1] };
    const rows = await deviceSessions(db, deviceId, key, q.limit + 1);
    const page = pageOf(rows, q.limit, routes.sessionCursor, (s) => [s.startedAt, s.sessionId] as const);
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
