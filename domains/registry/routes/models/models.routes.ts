// The model registry's models for frontends: each model with its production version, a model's
// versions with their promotion decisions, and its production version. ModelVersion is shared
// with the training-runs resource.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors, Timestamp } from '../../../../api/openapi.ts';

const ModelName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a model name');

export const ModelVersion = z
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
    aliases: z.array(z.string()).openapi({ description: 'aliases pointing at this version (production is its status, not an alias)' }),
    artifact: z
      .object({ uri: z.string(), sizeBytes: z.number().int(), sha256: z.string(), format: z.string().nullable() })
      .nullable()
      .openapi({ description: 'the serialised model in object storage; null for versions made before artifacts moved there' }),
  })
  .openapi('ModelVersion');
const Model = z
  .object({
    name: z.string(),
    task: z.string(),
    algorithm: z.string(),
    description: z.string().nullable(),
    createdAt: Timestamp,
    production: ModelVersion.nullable(),
    versions: z.number().int(),
  })
  .openapi('Model');

const tags = ['registry'];
const readers = requireRole('reader');

export const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Models, each with its production version',
  security: keyed,
  middleware: [readers] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(Model) }), 'models'), ...readErrors },
});

export const versions = createRoute({
  method: 'get',
  path: '/{name}/versions',
  tags,
  summary: "A model's versions, newest first, with each promotion decision",
  security: keyed,
  middleware: [readers] as const,
  request: { params: z.object({ name: ModelName }) },
  responses: { 200: jsonContent(z.object({ items: z.array(ModelVersion) }), 'versions'), ...readErrors, ...notFound },
});

export const production = createRoute({
  method: 'get',
  path: '/{name}/production',
  tags,
  summary: "The model's production version",
  security: keyed,
  middleware: [readers] as const,
  request: { params: z.object({ name: ModelName }) },
  responses: { 200: jsonContent(ModelVersion, 'the production version'), ...readErrors, ...notFound },
});

export const ModelNameParam = ModelName;
/** A version by number, "production", "latest", or an alias. */
export const VersionRef = z.string().regex(/^([1-9]\d{0,8}|[a-z][a-z0-9_-]{0,62})$/, 'must be a version number, "production", "latest" or an alias');

const NewModel = z
  .object({
    name: ModelName,
    task: z.enum(['classification', 'regression', 'other']),
    algorithm: z.string().trim().min(1, 'must not be empty').max(200).default('random forest (lib/forest)'),
    description: z.string().max(2000).optional(),
  })
  .strict()
  .openapi('NewModel');

export const create = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Register a model (its versions come from training runs)',
  security: keyed,
  middleware: [requireRole('data_scientist')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: NewModel } } } },
  responses: {
    201: jsonContent(Model, 'the model'),
    ...readErrors,
    409: errorResponse('a model of that name exists'),
    503: errorResponse('the registrar role is not configured on this API process'),
  },
});

const ComparedVersion = z.object({
  version: ModelVersion,
  trainingRunId: z.number().int().nullable(),
  dataset: z.object({ name: z.string(), version: z.number().int(), sha256: z.string().nullable() }).nullable(),
  metrics: z.record(z.string(), z.number()),
});

export const compare = createRoute({
  method: 'get',
  path: '/{name}/compare',
  tags,
  summary: 'Two versions side by side: headline metrics, their difference, and the data each was trained on',
  security: keyed,
  middleware: [readers] as const,
  request: {
    params: z.object({ name: ModelName }),
    query: z
      .object({
        a: VersionRef.default('latest').openapi({ description: 'default: the newest version' }),
        b: VersionRef.default('production').openapi({ description: 'default: the production version' }),
      })
      .strict(),
  },
  responses: {
    200: jsonContent(
      z.object({
        a: ComparedVersion,
        b: ComparedVersion,
        metrics: z.array(z.object({ name: z.string(), a: z.number().nullable(), b: z.number().nullable(), delta: z.number().nullable() })),
      }),
      'the comparison (delta = a − b)',
    ),
    ...readErrors,
    ...notFound,
  },
});
