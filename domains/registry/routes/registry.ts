// The model registry for frontends: models with their production version, a model's versions, the
// current production version, a training run with its hyperparameters, metrics, confusion matrix
// and feature importance, and experiments with their runs.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requireRole, type KeyStore } from '../../../api/auth.ts';
import { immutableJson } from '../../../api/cache.ts';
import { ApiError, notFoundError, readErrors } from '../../../api/errors.ts';
import type { AppDeps, AppEnv } from '../../../api/types.ts';

const ModelName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a model name');
const Timestamp = z.string().openapi({ format: 'date-time' });
const Version = z
  .object({
    id: z.number().int(),
    version: z.number().int(),
    status: z.enum(['candidate', 'production', 'archived', 'rejected']),
    trainingRunId: z.number().int().nullable(),
    createdAt: Timestamp,
    promotedAt: Timestamp.nullable(),
    gate: z.record(z.string(), z.unknown()).nullable(),
    features: z.number().int(),
    classes: z.array(z.string()).nullable(),
  })
  .openapi('ModelVersion');
const Model = z
  .object({
    name: z.string(),
    task: z.string(),
    algorithm: z.string(),
    description: z.string().nullable(),
    createdAt: Timestamp,
    production: Version.nullable(),
    versions: z.number().int(),
  })
  .openapi('Model');
const Metric = z.object({ name: z.string(), value: z.number().nullable(), step: z.number().int().nullable(), label: z.string().nullable() });
const TrainingRun = z
  .object({
    id: z.number().int(),
    model: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    partition: z.string().nullable(),
    pipelineRunId: z.number().int().nullable(),
    seed: z.number().nullable(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    error: z.string().nullable(),
    dataset: z
      .object({
        id: z.number().int(),
        name: z.string(),
        source: z.string(),
        partitions: z.array(z.string()),
        rows: z.number().int(),
        features: z.number().int(),
        classCounts: z.record(z.string(), z.number()).nullable(),
        split: z.record(z.string(), z.unknown()),
      })
      .nullable(),
    hyperparameters: z.record(z.string(), z.unknown()),
    metrics: z.array(Metric),
    confusionMatrix: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) }).nullable(),
    featureImportance: z.array(z.object({ feature: z.string(), importance: z.number() })).nullable(),
    version: Version.nullable(),
  })
  .openapi('TrainingRun');
const Experiment = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: Timestamp,
    runs: z.array(
      z.object({
        trainingRunId: z.number().int(),
        model: z.string(),
        status: z.string(),
        note: z.string().nullable(),
        metrics: z.record(z.string(), z.number()),
      }),
    ),
  })
  .openapi('Experiment');

const errors = readErrors;
const notFound = notFoundError;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
function versionJson(v: Record<string, any>) {
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    trainingRunId: v.training_run_id,
    createdAt: v.created_at.toISOString(),
    promotedAt: iso(v.promoted_at),
    gate: v.gate,
    features: v.feature_names.length,
    classes: v.classes,
  };
}

const VERSION_COLUMNS = 'id, model_id, version, status, training_run_id, created_at, promoted_at, gate, feature_names, classes';

export function registryRoutes(deps: AppDeps, keys: KeyStore) {
  const readers = requireRole(keys, 'reader');
  const security = [{ apiKey: [] }];
  const list = createRoute({
    method: 'get',
    path: '/v1/models',
    tags: ['registry'],
    summary: 'Models, each with its production version',
    security,
    middleware: [readers] as const,
    responses: { 200: { description: 'models', content: { 'application/json': { schema: z.object({ items: z.array(Model) }) } } }, ...errors },
  });
  const versions = createRoute({
    method: 'get',
    path: '/v1/models/{name}/versions',
    tags: ['registry'],
    summary: "A model's versions, newest first, with each promotion decision",
    security,
    middleware: [readers] as const,
    request: { params: z.object({ name: ModelName }) },
    responses: { 200: { description: 'versions', content: { 'application/json': { schema: z.object({ items: z.array(Version) }) } } }, ...errors, ...notFound },
  });
  const production = createRoute({
    method: 'get',
    path: '/v1/models/{name}/production',
    tags: ['registry'],
    summary: "The model's production version",
    security,
    middleware: [readers] as const,
    request: { params: z.object({ name: ModelName }) },
    responses: { 200: { description: 'the production version', content: { 'application/json': { schema: Version } } }, ...errors, ...notFound },
  });
  const run = createRoute({
    method: 'get',
    path: '/v1/training-runs/{id}',
    tags: ['registry'],
    summary: 'A training run: dataset, hyperparameters, metrics, confusion matrix, feature importance (cacheable once ended)',
    security,
    middleware: [readers] as const,
    request: {
      params: z.object({ id: z.coerce.number({ error: 'must be a training run id' }).int('must be a training run id').positive('must be a training run id') }),
    },
    responses: {
      200: { description: 'the training run', content: { 'application/json': { schema: TrainingRun } } },
      304: { description: 'not modified' },
      ...errors,
      ...notFound,
    },
  });
  const experiments = createRoute({
    method: 'get',
    path: '/v1/experiments',
    tags: ['registry'],
    summary: 'Experiments and their runs, with each run’s headline metrics',
    security,
    middleware: [readers] as const,
    responses: { 200: { description: 'experiments', content: { 'application/json': { schema: z.object({ items: z.array(Experiment) }) } } }, ...errors },
  });

  return new OpenAPIHono<AppEnv>()
    .openapi(list, async (c) => {
      const { rows } = await deps.readPool.query(
        `SELECT m.*, (SELECT count(*) FROM registry.model_versions v WHERE v.model_id = m.id)::int AS versions FROM registry.models m ORDER BY m.name`,
      );
      const { rows: prod } = await deps.readPool.query(`SELECT ${VERSION_COLUMNS} FROM registry.model_versions WHERE status = 'production'`);
      const byModel = new Map(prod.map((v) => [v.model_id, v]));
      return c.json(
        {
          items: rows.map((m) => ({
            name: m.name,
            task: m.task,
            algorithm: m.algorithm,
            description: m.description,
            createdAt: m.created_at.toISOString(),
            production: byModel.has(m.id) ? versionJson(byModel.get(m.id)!) : null,
            versions: m.versions,
          })),
        },
        200,
      );
    })
    .openapi(versions, async (c) => {
      const { name } = c.req.valid('param');
      const { rows } = await deps.readPool.query(
        `SELECT ${VERSION_COLUMNS.split(', ')
          .map((col) => `v.${col}`)
          .join(', ')} FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id WHERE m.name = $1 ORDER BY v.version DESC`,
        [name],
      );
      if (!rows.length) {
        const exists = await deps.readPool.query('SELECT 1 FROM registry.models WHERE name = $1', [name]);
        if (!exists.rowCount) throw new ApiError(404, `no model ${name}`);
      }
      return c.json({ items: rows.map(versionJson) }, 200);
    })
    .openapi(production, async (c) => {
      const { name } = c.req.valid('param');
      const { rows } = await deps.readPool.query(
        `SELECT ${VERSION_COLUMNS.split(', ')
          .map((col) => `v.${col}`)
          .join(', ')} FROM registry.model_versions v JOIN registry.models m ON m.id = v.model_id WHERE m.name = $1 AND v.status = 'production'`,
        [name],
      );
      if (!rows[0]) throw new ApiError(404, `model ${name} has no production version`);
      return c.json(versionJson(rows[0]), 200);
    })
    .openapi(run, async (c) => {
      const { id } = c.req.valid('param');
      const { rows } = await deps.readPool.query(
        `SELECT r.*, m.name AS model FROM registry.training_runs r JOIN registry.models m ON m.id = r.model_id WHERE r.id = $1`,
        [id],
      );
      const r = rows[0];
      if (!r) throw new ApiError(404, `no training run ${id}`);
      const [dataset, hyper, metrics, version] = await Promise.all([
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped pg row, until this route gets typed queries
        r.dataset_id ? deps.readPool.query('SELECT * FROM registry.datasets WHERE id = $1', [r.dataset_id]) : Promise.resolve({ rows: [] as any[] }),
        deps.readPool.query('SELECT name, value FROM registry.hyperparameters WHERE training_run_id = $1 ORDER BY name', [id]),
        deps.readPool.query(
          'SELECT name, value, step, label, details FROM registry.metrics WHERE training_run_id = $1 ORDER BY name, label NULLS FIRST, step NULLS FIRST',
          [id],
        ),
        deps.readPool.query(`SELECT ${VERSION_COLUMNS} FROM registry.model_versions WHERE training_run_id = $1`, [id]),
      ]);
      const d = dataset.rows[0];
      const confusion = metrics.rows.find((m) => m.name === 'confusion_matrix')?.details ?? null;
      const importance = metrics.rows.find((m) => m.name === 'feature_importance')?.details ?? null;
      const body = {
        id: r.id,
        model: r.model,
        status: r.status,
        partition: r.partition_key,
        pipelineRunId: r.pipeline_run_id,
        seed: r.seed,
        startedAt: r.started_at.toISOString(),
        endedAt: iso(r.ended_at),
        error: r.error,
        dataset: d
          ? {
              id: d.id,
              name: d.name,
              source: d.source,
              partitions: d.partitions,
              rows: d.rows,
              features: d.features,
              classCounts: d.class_counts,
              split: d.split,
            }
          : null,
        hyperparameters: Object.fromEntries(hyper.rows.map((h) => [h.name, h.value])),
        metrics: metrics.rows.filter((m) => !m.details).map((m) => ({ name: m.name, value: m.value, step: m.step, label: m.label })),
        confusionMatrix: confusion,
        featureImportance: importance?.features ?? null,
        version: version.rows[0] ? versionJson(version.rows[0]) : null,
      };
      return immutableJson(c, body, r.status !== 'running') as never;
    })
    .openapi(experiments, async (c) => {
      const { rows } = await deps.readPool.query('SELECT * FROM registry.experiments ORDER BY created_at DESC, id DESC');
      const { rows: runs } = await deps.readPool.query(
        `SELECT er.experiment_id, er.training_run_id, er.note, r.status, m.name AS model,
                coalesce((SELECT jsonb_object_agg(name, value) FROM registry.metrics x WHERE x.training_run_id = r.id AND x.label IS NULL AND x.step IS NULL AND x.value IS NOT NULL), '{}') AS metrics
           FROM registry.experiment_runs er JOIN registry.training_runs r ON r.id = er.training_run_id JOIN registry.models m ON m.id = r.model_id
          ORDER BY er.added_at`,
      );
      return c.json(
        {
          items: rows.map((e) => ({
            id: e.id,
            name: e.name,
            description: e.description,
            createdAt: e.created_at.toISOString(),
            runs: runs
              .filter((r) => r.experiment_id === e.id)
              .map((r) => ({ trainingRunId: r.training_run_id, model: r.model, status: r.status, note: r.note, metrics: r.metrics })),
          })),
        },
        200,
      );
    });
}
