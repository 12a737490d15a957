// Handlers for the run routes, over engine/history's named queries; runJson is shared with /pipelines.
import type { z } from '@hono/zod-openapi';
import { getRun, listRuns, type RunRow } from '../../../engine/history/run-queries.ts';
import { readStepLogs } from '../../../engine/history/step-logs.ts';
import { temporalWorkflowUrl } from '../../../engine/temporal/links.ts';
import type { Queryable } from '../../../lib/db/pool.ts';
import { immutableJson } from '../../cache.ts';
import { ApiError } from '../../errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import { pageOf } from '../../pagination.ts';
import type { AppDeps } from '../../types.ts';
import * as routes from './runs.routes.ts';

export type RunStatus = z.infer<typeof routes.RunStatus>;

export function runJson(r: RunRow, temporal: AppDeps['temporal']) {
  return {
    id: r.id,
    pipeline: r.pipeline,
    partition: r.partition,
    status: r.status as RunStatus,
    trigger: r.trigger as z.infer<typeof routes.RunTrigger>,
    reason: r.reason,
    workflowId: r.workflowId,
    temporalRunId: r.runId,
    backfillId: r.backfillId,
    startedAt: iso(r.startedAt),
    endedAt: isoOrNull(r.endedAt),
    durationMs: r.durationMs,
    error: r.error,
    temporalUrl: temporalWorkflowUrl(temporal?.uiUrl, temporal?.namespace ?? 'default', r.workflowId, r.runId) ?? null,
  };
}

export function runHandlers(db: Queryable, temporal: AppDeps['temporal']) {
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
    return c.json({ items: page.items.map((r) => runJson(r, temporal)), nextCursor: page.nextCursor }, 200);
  };

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const run = await getRun(db, id);
    if (!run) throw new ApiError(404, `no run ${id}`);
    const body = {
      ...runJson(run, temporal),
      params: run.params,
      selection: run.selection,
      priority: run.priority,
      steps: run.steps.map((s) => ({ ...s, startedAt: isoOrNull(s.startedAt), endedAt: isoOrNull(s.endedAt) })),
    };
    return immutableJson(c, body, run.status !== 'running') as never;
  };

  const logs: AppRouteHandler<typeof routes.logs> = async (c) => {
    const { id, step } = c.req.valid('param');
    const q = c.req.valid('query');
    const attempts = await readStepLogs(db, id, step, { attempt: q.attempt, afterSeq: q.after, limit: q.limit });
    if (!attempts.length) {
      const run = await getRun(db, id);
      if (!run) throw new ApiError(404, `no run ${id}`);
      if (!run.steps.some((s) => s.stepId === step)) throw new ApiError(404, `run ${id} has no step ${step}`);
    }
    return c.json(
      {
        runId: id,
        stepId: step,
        attempts: attempts.map((a) => ({
          ...a,
          startedAt: isoOrNull(a.startedAt),
          endedAt: isoOrNull(a.endedAt),
          error: a.error ? { ...a.error, stack: a.error.stack ?? null, causes: a.error.causes.map((x) => ({ ...x, stack: x.stack ?? null })) } : null,
          lines: a.lines.map((l) => ({ ...l, at: iso(l.at), fields: l.fields ?? null })),
        })),
      },
      200,
    );
  };

  return { list, one, logs };
}
