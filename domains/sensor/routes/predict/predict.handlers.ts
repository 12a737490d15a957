// Handler for /v1/predict: the production model is kept in memory per model name and reloaded when
// another version is promoted; features are computed exactly as the batch pipeline computes them.
import { ApiError } from '../../../../api/errors.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import { argmax } from '../../../../lib/forest/index.ts';
import type { Pool } from '../../../../lib/db/pool.ts';
import type { ObjectStorage } from '../../../../lib/storage/index.ts';
import { cleanReadings, deviceColumns, extractFeatures, FEATURE_COUNT, windowSampleRate, type Reading } from '../../../../lib/imu/index.ts';
import { NoProductionModelError, ProductionModelCache } from '../../../registry/sql/models.ts';
import { PREDICT_MIN_READINGS, type predict as predictRoute } from './predict.routes.ts';

export function predictHandlers(db: Pool, storage?: ObjectStorage) {
  const caches = new Map<string, ProductionModelCache>();
  const production = async (model: string) => {
    let cache = caches.get(model);
    if (!cache) caches.set(model, (cache = new ProductionModelCache(db, model, storage)));
    try {
      return await cache.get();
    } catch (e) {
      if (e instanceof NoProductionModelError) throw new ApiError(404, e.message);
      throw e;
    }
  };

  const predict: AppRouteHandler<typeof predictRoute> = async (c) => {
    const body = c.req.valid('json');
    const model = body.model ?? 'exercise-classifier';
    const loaded = await production(model);
    const { columns } = cleanReadings(deviceColumns('request', null, body.readings as Reading[]));
    if (columns.length < PREDICT_MIN_READINGS) {
      throw new ApiError(422, 'too few readings remain after removing duplicates', [
        { field: 'readings', reason: `only ${columns.length} distinct timestamps; need ${PREDICT_MIN_READINGS}` },
      ]);
    }
    const window = { start: 0, end: columns.length, startTs: columns.timestamp[0], endTs: columns.timestamp[columns.length - 1] };
    const features = extractFeatures(columns, [window]);
    if (loaded.forest.features !== FEATURE_COUNT)
      throw new ApiError(503, `production ${model} v${loaded.version} expects ${loaded.forest.features} features; this API computes ${FEATURE_COUNT}`);
    const p = loaded.forest.predictProba({ data: features, rows: 1, cols: FEATURE_COUNT });
    const best = argmax(p, 0, loaded.classes.length);
    return c.json(
      {
        model,
        version: loaded.version,
        modelVersionId: loaded.modelVersionId,
        predicted: loaded.classes[best],
        probability: p[best],
        probabilities: Object.fromEntries(loaded.classes.map((k, i) => [k, p[i]])),
        window: { readings: columns.length, durationMs: window.endTs - window.startTs, sampleRateHz: windowSampleRate(window) },
      },
      200,
    );
  };
  return { predict };
}
