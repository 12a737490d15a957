// A training run for frontends: dataset, hyperparameters, metrics, confusion matrix, feature
// importance and the version it produced; cacheable once ended.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, notFound, readErrors, rowId, Timestamp } from '../../../../api/openapi.ts';
import { ModelVersion } from '../models/models.routes.ts';

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
    version: ModelVersion.nullable(),
  })
  .openapi('TrainingRun');

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
