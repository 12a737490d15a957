// Handlers for training runs: the list with headline metrics, and one run from seven named
// queries in parallel, with a strong ETag once it has ended.
import { immutableJson } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { iso, isoOrNull, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { versionJson } from '../models/models.handlers.ts';
import {
  findRunDataset,
  findTrainingRun,
  listTrainingRuns,
  trainingRunArtifacts,
  trainingRunHyperparameters,
  trainingRunMetrics,
  trainingRunTags,
  trainingRunVersion,
} from './training-runs.queries.ts';
import type * as routes from './training-runs.routes.ts';

export function trainingRunHandlers(db: Queryable) {
  const list: AppRouteHandler<typeof routes.list> = async (c) => {
    const q = c.req.valid('query');
    const rows = await listTrainingRuns(db, { ...q, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    const items = page.map((r) => ({
      id: r.id,
      model: r.model,
      status: r.status,
      source: r.source,
      name: r.name,
      partition: r.partition,
      startedAt: iso(r.startedAt),
      endedAt: isoOrNull(r.endedAt),
      error: r.error,
      dataset: r.dataset,
      metrics: r.metrics,
    }));
    return c.json({ items, nextBefore: rows.length > q.limit ? page.at(-1)!.id : null }, 200);
  };

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const run = await findTrainingRun(db, id);
    if (!run) throw new ApiError(404, `no training run ${id}`);
    const { datasetVersionId, split, ...r } = run;
    const [dataset, hyperparameters, metrics, tags, artifacts, version] = await Promise.all([
      datasetVersionId === null ? undefined : findRunDataset(db, datasetVersionId),
      trainingRunHyperparameters(db, id),
      trainingRunMetrics(db, id),
      trainingRunTags(db, id),
      trainingRunArtifacts(db, id),
      trainingRunVersion(db, id),
    ]);
    const details = (name: string) => metrics.find((m) => m.name === name)?.details ?? null;
    const body = {
      ...r,
      startedAt: iso(r.startedAt),
      endedAt: isoOrNull(r.endedAt),
      // Features: what the model used (its version's feature names) where there is one, else the dataset's columns.
      dataset: dataset ? { ...dataset, features: version?.features ?? dataset.features, split: split ?? {} } : null,
      hyperparameters,
      metrics: metrics.filter((m) => !m.details).map(({ details: _, ...m }) => m),
      tags,
      artifacts,
      confusionMatrix: details('confusion_matrix'),
      featureImportance: (details('feature_importance') as { features?: unknown } | null)?.features ?? null,
      version: version ? versionJson(version) : null,
    };
    return immutableJson(c, body, !['queued', 'running'].includes(r.status)) as never;
  };
  return { list, one };
}
