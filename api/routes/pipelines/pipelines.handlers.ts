// Handlers for /pipelines: the definitions this deployment runs, joined with run history, open
// alerts and schedules; one pipeline's partition grid; and its stale partitions (engine/staleness/report.ts).
import { listAlerts } from '../../../engine/history/alerts.ts';
import { partitionGrid, recordedPipeline } from '../../../engine/history/grid.ts';
import { lastRuns } from '../../../engine/history/run-queries.ts';
import { addDays, checkPartition, localDate, PartitionError } from '../../../engine/pipeline/partitions.ts';
import { staleReport } from '../../../engine/staleness/report.ts';
import { pipelines } from '../../../domains/index.ts';
import { ApiError } from '../../errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import { alertJson } from '../alerts/alerts.handlers.ts';
import { runJson } from '../runs/runs.handlers.ts';
import type * as routes from './pipelines.routes.ts';

export function pipelineHandlers(deps: AppDeps) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const [last, alerts] = await Promise.all([lastRuns(deps.readPool), listAlerts(deps.readPool, { open: true, limit: 1000 })]);
    const items = await Promise.all(
      [...pipelines.values()].map(async (p) => ({
        name: p.name,
        description: p.description ?? null,
        partitioning: p.partitioning,
        steps: p.steps.map((s) => ({
          id: s.id,
          activity: s.activity,
          layer: s.layer,
          dependsOn: s.dependsOn ?? [],
          queue: s.queue ?? ('io' as const),
          pool: s.pool ?? null,
        })),
        deadline: p.deadline ?? null,
        freshness: p.freshness ?? null,
        alerts: alerts.filter((a) => a.pipeline === p.name).map(alertJson),
        schedule: (await deps.schedules?.(p.name).catch(() => undefined)) ?? null,
        lastRun: last.has(p.name) ? runJson(last.get(p.name)!, deps.temporal) : null,
      })),
    );
    return c.json({ items }, 200);
  };

  const partitions: AppRouteHandler<typeof routes.partitions> = async (c) => {
    const { name } = c.req.valid('param');
    const pipeline = pipelines.get(name) ?? (await recordedPipeline(deps.readPool, name));
    if (!pipeline) throw new ApiError(404, `no pipeline ${name}`);
    let { from, to } = c.req.valid('query');
    let grid;
    try {
      if (pipeline.partitioning?.kind === 'daily') {
        for (const [field, value] of [
          ['from', from],
          ['to', to],
        ] as const) {
          if (value !== undefined) checkPartition(pipeline.partitioning, value, field);
        }
        to ??= addDays(localDate(new Date(), pipeline.partitioning.timezone), -1);
        from ??= addDays(to, -29);
      }
      grid = await partitionGrid(deps.readPool, pipeline, { from, to });
    } catch (e) {
      // The schema allows any partition key (keyed pipelines take keys); what this pipeline's partitioning refuses is 422.
      if (e instanceof PartitionError) throw new ApiError(422, e.message.replace(`${name}: `, ''), [{ field: 'query', reason: e.message }]);
      throw e;
    }
    return c.json(
      {
        ...grid,
        partitions: grid.partitions.map((p) => ({
          ...p,
          run: p.run ? { ...p.run, startedAt: iso(p.run.startedAt), endedAt: isoOrNull(p.run.endedAt) } : null,
        })),
      },
      200,
    );
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
  return { list, partitions, stale };
}
