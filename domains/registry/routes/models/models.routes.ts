// The model registry's models for frontends: each model with its production version, a model's
// versions with their promotion decisions, and its production version. ModelVersion is shared
// with the training-runs resource.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, notFound, readErrors, Timestamp } from '../../../../api/openapi.ts';

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
