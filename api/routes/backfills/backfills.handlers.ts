// Handler for one backfill's progress, over engine/history's getBackfill.
import { getBackfill } from '../../../engine/history/run-queries.ts';
import type { Queryable } from '../../../lib/db/pool.ts';
import { ApiError } from '../../errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import type { RunStatus } from '../runs/runs.handlers.ts';
import type * as routes from './backfills.routes.ts';

export function backfillHandlers(db: Queryable) {
  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const b = await getBackfill(db, id);
    if (!b) throw new ApiError(404, `no backfill ${id}`);
    const done = b.runs.succeeded + b.runs.failed + b.runs.cancelled;
    return c.json(
      {
        ...b,
        mode: b.mode as 'all' | 'only-failed',
        status: b.status as RunStatus,
        startedAt: iso(b.startedAt),
        endedAt: isoOrNull(b.endedAt),
        pending: Math.max(0, b.partitions - done - b.runs.running),
      },
      200,
    );
  };
  return { one };
}
