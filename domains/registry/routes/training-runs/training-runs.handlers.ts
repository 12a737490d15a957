// Handler for one training run: five named queries in parallel, one body, a strong ETag once ended.
import { immutableJson } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { versionJson } from '../models/models.handlers.ts';
import { findDataset, findTrainingRun, trainingRunHyperparameters, trainingRunMetrics, trainingRunVersion } from './training-runs.queries.ts';
import type * as routes from './training-runs.routes.ts';

export function trainingRunHandlers(db: Queryable) {
  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const run = await findTrainingRun(db, id);
    if (!run) throw new ApiError(404, `no training run ${id}`);
    const { datasetId, ...r } = run;
    const [dataset, hyperparameters, metrics, version] = await Promise.all([
      datasetId === null ? undefined : findDataset(db, datasetId),
      trainingRunHyperparameters(db, id),
      trainingRunMetrics(db, id),
      trainingRunVersion(db, id),
    ]);
    const details = (name: string) => metrics.find((m) => m.name === name)?.details ?? null;
    const body = {
      ...r,
      startedAt: iso(r.startedAt),
      endedAt: isoOrNull(r.endedAt),
      dataset: dataset ?? null,
      hyperparameters,
      metrics: metrics.filter((m) => !m.details).map(({ details: _, ...m }) => m),
      confusionMatrix: details('confusion_matrix'),
      featureImportance: (details('feature_importance') as { features?: unknown } | null)?.features ?? null,
      version: version ? versionJson(version) : null,
    };
    return immutableJson(c, body, r.status !== 'running') as never;
  };
  return { one };
}
