// Handler for the audit log: a page of entries and the cursor of the next.
import type { Queryable } from '../../../lib/db/pool.ts';
import { iso, type AppRouteHandler } from '../../openapi.ts';
import { auditEntries } from './audit.queries.ts';
import type * as routes from './audit.routes.ts';

export function auditHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    // Normalised to UTC: an ISO offset beyond PostgreSQL's ±15:59 would otherwise be a server error.
    const rows = await auditEntries(db, { ...q, since: q.since ? new Date(q.since).toISOString() : undefined, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({ items: page.map((r) => ({ ...r, at: iso(r.at) })), nextBefore: rows.length > q.limit ? page.at(-1)!.id : null }, 200);
  };
  return { list };
}
