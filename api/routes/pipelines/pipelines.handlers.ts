// Handler for /pipelines: the definitions this deployment runs, joined with run history and schedules.
import { lastRuns } from '../../../engine/history/run-queries.ts';
import { pipelines } from '../../../domains/index.ts';
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
  return { list };
}
