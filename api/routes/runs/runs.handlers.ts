// Handlers for the run routes, over engine/history's named queries; runJson is shared with /pipelines.
import type { z } from '@hono/zod-openapi';
import { getRun, listRuns, type RunRow } from '../../../engine/history/run-queries.ts';
import type { Queryable } from '../../../lib/db/pool.ts';
import { immutableJson } from '../../cache.ts';
import { ApiError } from '../../errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import { pageOf } from '../../pagination.ts';
import * as routes from './runs.routes.ts';

export type RunStatus = z.infer<typeof routes.RunStatus>;

export function runJson(r: RunRow) {
  return {
    id: r.id,
    pipeline: r.pipeline,
    partition: r.partition,
    status: r.status as RunStatus,
    trigger: r.trigger as 'manual' | 'schedule' | 'backfill',
    workflowId: r.workflowId,
    temporalRunId: r.runId,
    backfillId: r.backfillId,
    startedAt: iso(r.startedAt),
    endedAt: isoOrNull(r.endedAt),
    durationMs: r.durationMs,
    error: r.error,
  };
}

export function runHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const rows = await listRuns(db, {
      pipeline: q.pipeline,
      status: q.status,
      since: q.since ? new Date(q.since) : undefined,
      backfillId: q.backfill,
      limit: q.limit + 1,
      after: q.cursor && { startedAt: q.cursor[0], id: q.cursor[1] },
    });
    const page = pageOf(rows, q.limit, routes.runCursor, (r) => [r.startedAt, r.id] as const);
    return c.json({ items: page.items.map(runJson), nextCursor: page.nextCursor }, 200);
  };

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const run = await getRun(db, id);
    if (!run) throw new ApiError(404, `no run ${id}`);
    const body = {
      ...runJson(run),
      params: run.params,
      steps: run.steps.map((s) => ({ ...s, startedAt: isoOrNull(s.startedAt), endedAt: isoOrNull(s.endedAt) })),
    };
    return immutableJson(c, body, run.status !== 'running') as never;
  };

  return { list, one };
}
