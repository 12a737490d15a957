// Training runs for frontends and data scientists: the list (running and failed ones too, from
// pipelines and from outside code through the tracking API), and one run with its dataset
// version, hyperparameters, metrics per step and epoch, tags, artifacts, confusion matrix, feature
// importance and the version it produced; cacheable once ended.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, notFound, readErrors, rowId, Timestamp } from '../../../../api/openapi.ts';
import { ModelVersion } from '../models/models.routes.ts';

const Metric = z.object({
  name: z.string(),
  value: z.number().nullable(),
  step: z.number().int().nullable(),
  epoch: z.number().int().nullable(),
  label: z.string().nullable(),
});
export const RunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'killed']);
const Artifact = z.object({ path: z.string(), uri: z.string(), sizeBytes: z.number().int(), sha256: z.string(), contentType: z.string().nullable() });
const TrainingRun = z
  .object({
    id: z.number().int(),
    model: z.string(),
    status: RunStatus,
    source: z.enum(['pipeline', 'tracking']),
    name: z.string().nullable(),
    createdBy: z.string().nullable(),
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
        version: z.number().int(),
        sha256: z.string().nullable().openapi({ description: 'of the exact bytes trained on' }),
        source: z.string(),
        partitions: z.array(z.string()).nullable(),
        rows: z.number().int(),
        features: z.number().int(),
        classCounts: z.record(z.string(), z.number()).nullable(),
        split: z.record(z.string(), z.unknown()),
      })
      .nullable(),
    tags: z.record(z.string(), z.string()),
    artifacts: z.array(Artifact),
    hyperparameters: z.record(z.string(), z.unknown()),
    metrics: z.array(Metric),
    confusionMatrix: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) }).nullable(),
    featureImportance: z.array(z.object({ feature: z.string(), importance: z.number() })).nullable(),
    version: ModelVersion.nullable(),
  })
  .openapi('TrainingRun');

const RunSummary = z
  .object({
    id: z.number().int(),
    model: z.string(),
    status: RunStatus,
    source: z.enum(['pipeline', 'tracking']),
    name: z.string().nullable(),
    partition: z.string().nullable(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    error: z.string().nullable(),
    dataset: z.object({ name: z.string(), version: z.number().int() }).nullable(),
    metrics: z.record(z.string(), z.number()),
  })
  .openapi('TrainingRunSummary');

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['registry'],
  summary: 'Training runs, newest first: queued, running, failed and killed ones as well as successes',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: {
    query: z
      .object({
        model: z
          .string()
          .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a model name')
          .optional(),
        status: RunStatus.optional(),
        before: rowId('a run id').optional(),
        limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-200').max(200, 'must be 1-200').default(50),
      })
      .strict(),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(RunSummary), nextBefore: z.number().int().nullable() }), 'runs'), ...readErrors },
});

export const one = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['registry'],
  summary: 'A training run: dataset, hyperparameters, metrics, confusion matrix, feature importance (cacheable once ended)',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: {
    params: z.object({ id: rowId('a training run id') }),
  },
  responses: { 200: jsonContent(TrainingRun, 'the training run'), 304: { description: 'not modified' }, ...readErrors, ...notFound },
});
