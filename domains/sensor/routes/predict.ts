// POST /v1/predict: one window of raw readings in, the production exercise model's class
// probabilities out. Read-only: the model comes from the registry through the read role, is kept
// in memory, and is reloaded when another version is promoted. Nothing is written.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { NoProductionModelError, ProductionModelCache } from '../../registry/sql/models.ts';
import { argmax } from '../../../lib/forest/index.ts';
import { cleanReadings, deviceColumns, extractFeatures, FEATURE_COUNT, windowSampleRate, type Reading as ImuReading } from '../../../lib/imu/index.ts';
import { requireRole, type KeyStore } from '../../../api/auth.ts';
import { ApiError, ErrorSchema, notFoundError, readErrors } from '../../../api/errors.ts';
import { Reading } from '../ingest/schema.ts';
import type { AppDeps, AppEnv } from '../../../api/types.ts';

export const PREDICT_MIN_READINGS = 50;
export const PREDICT_MAX_READINGS = 2_000;

const PredictRequest = z
  .object({
    model: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a model name such as "exercise-classifier"')
      .optional()
      .openapi({ example: 'exercise-classifier' }),
    readings: z
      .array(Reading, { error: (i) => (i.input === undefined ? 'required' : 'must be an array') })
      .min(PREDICT_MIN_READINGS, `must hold at least ${PREDICT_MIN_READINGS} readings (one window, 1 s at 50 Hz)`)
      .max(PREDICT_MAX_READINGS, `must hold at most ${PREDICT_MAX_READINGS} readings (one window)`),
  })
  .strict()
  .openapi('PredictRequest');

const Prediction = z
  .object({
    model: z.string(),
    version: z.number().int(),
    modelVersionId: z.number().int(),
    predicted: z.string(),
    probability: z.number(),
    probabilities: z.record(z.string(), z.number()),
    window: z.object({ readings: z.number().int(), durationMs: z.number(), sampleRateHz: z.number() }),
  })
  .openapi('Prediction');

export function predictRoutes(deps: AppDeps, keys: KeyStore) {
  const caches = new Map<string, ProductionModelCache>();
  const cacheFor = (model: string) => {
    let cache = caches.get(model);
    if (!cache) caches.set(model, (cache = new ProductionModelCache(deps.readPool, model)));
    return cache;
  };
  const route = createRoute({
    method: 'post',
    path: '/v1/predict',
    tags: ['sensor'],
    summary: 'Classify one window of readings with the production model (writes nothing)',
    security: [{ apiKey: [] }],
    middleware: [
      requireRole(keys, 'reader', 'device'),
      bodyLimit({
        maxSize: 512 * 1024,
        onError: () => {
          throw new ApiError(413, 'the body is larger than 512 KiB; send one window');
        },
      }),
    ] as const,
    request: { body: { required: true, content: { 'application/json': { schema: PredictRequest } } } },
    responses: {
      200: { description: 'class probabilities', content: { 'application/json': { schema: Prediction } } },
      ...readErrors,
      404: { description: 'the model has no production version yet', content: notFoundError[404].content },
      413: { description: 'body too large', content: { 'application/json': { schema: ErrorSchema } } },
      503: { description: 'the database is unavailable', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
  return new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    const body = c.req.valid('json');
    const model = body.model ?? 'exercise-classifier';
    let loaded;
    try {
      loaded = await cacheFor(model).get();
    } catch (e) {
      if (e instanceof NoProductionModelError) throw new ApiError(404, e.message);
      throw e;
    }
    const { columns } = cleanReadings(deviceColumns('request', null, body.readings as ImuReading[]));
    if (columns.length < PREDICT_MIN_READINGS) {
      throw new ApiError(400, 'too few readings remain after removing duplicates', [
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
  });
}
