// Handler for /alerts, over engine/history/alerts.ts; alertJson is shared with /pipelines.
import { listAlerts, type Alert } from '../../../engine/history/alerts.ts';
import type { Queryable } from '../../../lib/db/pool.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import type * as routes from './alerts.routes.ts';

export function alertJson(a: Alert) {
  return { ...a, dueAt: iso(a.dueAt), raisedAt: iso(a.raisedAt), resolvedAt: isoOrNull(a.resolvedAt) };
}

export function alertHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const alerts = await listAlerts(db, { pipeline: q.pipeline, open: q.all !== 'true', limit: 500 });
    return c.json({ items: alerts.map(alertJson) }, 200);
  };
  return { list };
}
