// Handlers for /pipelines: the definitions this deployment runs, joined with run history and
// schedules; and a pipeline's stale partitions (engine/staleness/report.ts).
import { lastRuns } from '../../../engine/history/run-queries.ts';
import { staleReport } from '../../../engine/staleness/report.ts';
import { pipelines } from '../../../domains/index.ts';
import { ApiError } from '../../errors.ts';
import type { AppRouteHandler } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { runJson } from '../runs/runs.handlers.ts';
import type * as routes from './pipelines.routes.ts';

export function pipelineHandlers(deps: AppDeps) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const last = await lastRuns(deps.readPool);
    const items = await Promise.all(
      [...pipelines.values()].map(async (p) => ({
        name: p.name,
        description: p.description ?? null,
        partitioning: p.partitioning,
        steps: p.steps.map((s) => ({ id: s.id, activity: s.activity, layer: s.layer, dependsOn: s.dependsOn ?? [], queue: s.queue ?? ('io' as const) })),
        schedule: (await deps.schedules?.(p.name).catch(() => undefined)) ?? null,
        lastRun: last.has(p.name) ? runJson(last.get(p.name)!) : null,
      })),
    );
    return c.json({ items }, 200);
  };

  const stale: AppRouteHandler<typeof routes.stale> = async (c) => {
    const { name } = c.req.valid('param');
    const pipeline = pipelines.get(name);
    if (!pipeline) throw new ApiError(404, `no pipeline ${name} (known: ${[...pipelines.keys()].join(', ')})`);
    const reconciler = await deps.reconcilers?.(name).catch(() => undefined);
    const report = await staleReport(deps.readPool, pipeline, reconciler);
    const items = report.items.map(({ version: _v, ageMs: _a, latestRun, ...item }) => ({
      ...item,
      latestRun: latestRun && {
        id: latestRun.id,
        status: latestRun.status,
        trigger: latestRun.trigger,
        startedForMs: latestRun.startedForMs,
        error: latestRun.error,
      },
    }));
    return c.json({ ...report, reconciler: report.reconciler ?? null, items }, 200);
  };
  return { list, stale };
}
