// Deploying by hand, next to the automatic gate: put a chosen version in production, roll back to
// the one it replaced, each with a reason and who did it; MLflow-style aliases (challenger, shadow,
// any name) that point at versions; and the promotion history of all of it, gate decisions included.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors, Timestamp } from '../../../../api/openapi.ts';
import { ModelNameParam } from '../models/models.routes.ts';

const tags = ['registry'];
const scientists = requireRole('data_scientist');
const Reason = z.string().trim().min(3, 'say why, in at least 3 characters').max(2000, 'must be at most 2000 characters');
const AliasName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a lowercase alias name')
  .refine((a) => !['production', 'latest'].includes(a), '"production" is the deployed version (use deploy) and "latest" the newest');
const VersionNumber = z
  .number({ error: 'must be a version number' })
  .int('must be a version number')
  .positive('must be a version number')
  .max(2_147_483_647, 'must be a version number');
const Change = z.object({ model: z.string(), version: z.number().int(), previous: z.number().int().nullable() }).openapi('ProductionChange');
const writeErrors = {
  ...readErrors,
  ...notFound,
  409: errorResponse('the change makes no sense now (already in production, nothing to roll back to)'),
  422: errorResponse('valid by the schema, but the model has no such version (details name the field)'),
  503: errorResponse('the registrar role is not configured on this API process'),
};

export const deploy = createRoute({
  method: 'post',
  path: '/{name}/deploy',
  tags,
  summary: 'Put a version in production by hand (the previous one is archived); recorded with the reason and the key',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: z.object({ name: ModelNameParam }),
    body: { required: true, content: { 'application/json': { schema: z.object({ version: VersionNumber, reason: Reason }).strict() } } },
  },
  responses: { 200: jsonContent(Change, 'the version now in production, and the one it replaced'), ...writeErrors },
});

export const rollback = createRoute({
  method: 'post',
  path: '/{name}/rollback',
  tags,
  summary: 'Back to the version the production one replaced (or to a named version)',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: z.object({ name: ModelNameParam }),
    body: { required: true, content: { 'application/json': { schema: z.object({ reason: Reason, version: VersionNumber.optional() }).strict() } } },
  },
  responses: { 200: jsonContent(Change, 'the version now in production, and the one rolled back'), ...writeErrors },
});

const Promotion = z
  .object({
    id: z.number().int(),
    action: z.enum(['gate-promote', 'gate-reject', 'deploy', 'rollback', 'alias-set', 'alias-removed']),
    alias: z.string().nullable(),
    version: z.number().int().nullable(),
    previousVersion: z.number().int().nullable(),
    reason: z.string(),
    actor: z.string().openapi({ description: 'the API key id, or "pipeline run N" for the automatic gate' }),
    actorRole: z.string().nullable(),
    requestId: z.string().nullable(),
    at: Timestamp,
  })
  .openapi('Promotion');

export const history = createRoute({
  method: 'get',
  path: '/{name}/history',
  tags,
  summary: 'Every deploy, rollback, alias move and gate decision, newest first',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: {
    params: z.object({ name: ModelNameParam }),
    query: z
      .object({
        limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-500').max(500, 'must be 1-500').default(100),
      })
      .strict(),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(Promotion) }), 'history'), ...readErrors, ...notFound },
});

export const aliases = createRoute({
  method: 'get',
  path: '/{name}/aliases',
  tags,
  summary: "A model's aliases",
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: { params: z.object({ name: ModelNameParam }) },
  responses: {
    200: jsonContent(
      z.object({ items: z.array(z.object({ alias: z.string(), version: z.number().int(), updatedBy: z.string(), updatedAt: Timestamp })) }),
      'aliases',
    ),
    ...readErrors,
    ...notFound,
  },
});

export const setAlias = createRoute({
  method: 'put',
  path: '/{name}/aliases/{alias}',
  tags,
  summary: 'Point an alias at a version (creates or moves it)',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: z.object({ name: ModelNameParam, alias: AliasName }),
    body: { required: true, content: { 'application/json': { schema: z.object({ version: VersionNumber, reason: Reason }).strict() } } },
  },
  responses: {
    200: jsonContent(z.object({ model: z.string(), alias: z.string(), version: z.number().int(), previous: z.number().int().nullable() }), 'the alias'),
    ...writeErrors,
  },
});

export const removeAlias = createRoute({
  method: 'delete',
  path: '/{name}/aliases/{alias}',
  tags,
  summary: 'Remove an alias',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: z.object({ name: ModelNameParam, alias: AliasName }),
    query: z.object({ reason: Reason }).strict(),
  },
  responses: { 200: jsonContent(z.object({ model: z.string(), alias: z.string(), removed: z.literal(true) }), 'removed'), ...writeErrors },
});
