// Training a model on a chosen dataset version with a chosen split, as a pipeline run: the API
// records the queued run and starts the model-training pipeline on Temporal; a worker does the
// work; GET /v1/training-runs/{id} reports it (queued, running, succeeded or failed).
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors } from '../../../../api/openapi.ts';
import { DatasetName } from '../datasets/datasets.routes.ts';
import { ModelNameParam } from '../models/models.routes.ts';

const Column = z.string().min(1).max(200);

export const TrainRequest = z
  .object({
    dataset: DatasetName,
    datasetVersion: z
      .number()
      .int()
      .positive()
      .max(2_147_483_647, 'must be a version number')
      .optional()
      .openapi({ description: 'default: the latest version' }),
    target: Column,
    features: z.array(Column).min(1, 'name at least one feature').max(2000).optional().openapi({ description: 'default: every numeric column but the target' }),
    task: z.enum(['classification', 'regression']).optional().openapi({ description: "default: the model's task" }),
    split: z
      .object({
        testFraction: z.number().min(0.05, 'must be 0.05-0.5').max(0.5, 'must be 0.05-0.5').default(0.2),
        seed: z.number().int().min(0).max(4_294_967_295).default(1),
      })
      .strict()
      .default({ testFraction: 0.2, seed: 1 }),
    hyperparameters: z
      .object({
        nEstimators: z.number().int().min(1).max(1000).default(100),
        maxDepth: z.number().int().min(1).max(100).optional(),
        minSamplesLeaf: z.number().int().min(1).max(10_000).optional(),
        maxFeatures: z.union([z.enum(['sqrt', 'log2', 'all']), z.number().positive().max(1_000_000)]).optional(),
      })
      .strict()
      .default({ nEstimators: 100 }),
    experiment: z.string().min(1).max(200).optional(),
  })
  .strict()
  .openapi('TrainRequest');

export const train = createRoute({
  method: 'post',
  path: '/{name}/train',
  tags: ['registry'],
  summary: 'Train a new version on a dataset version (a pipeline run on Temporal); follow it at /v1/training-runs/{id}',
  security: keyed,
  middleware: [requireRole('data_scientist')] as const,
  request: { params: z.object({ name: ModelNameParam }), body: { required: true, content: { 'application/json': { schema: TrainRequest } } } },
  responses: {
    202: jsonContent(
      z.object({ trainingRunId: z.number().int(), status: z.literal('queued'), pipeline: z.string(), partition: z.string(), workflowId: z.string() }),
      'queued',
    ),
    ...readErrors,
    ...notFound,
    409: errorResponse('the dataset version has no file to train on (recorded before storage, or purged)'),
    422: errorResponse(
      'valid by the schema, but not for this model or dataset: no such dataset or version, a column that is missing or not numeric, the target as a feature, no task to infer (details name each field)',
    ),
    503: errorResponse('Temporal or the registrar role is not available to this API process'),
  },
});
