// Tracking for code outside Refinery (MLflow's tracking calls, over plain HTTP): start a run of a
// model, log parameters, metrics per step or epoch, tags and artifacts (streamed into object
// storage), finish it with a status, and register a logged artifact as a model version so it can
// be compared and deployed like any other. Failed and running runs show in /v1/training-runs.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors, rowId, Timestamp } from '../../../../api/openapi.ts';
import { ModelNameParam } from '../models/models.routes.ts';

const tags = ['tracking'];
const scientists = requireRole('data_scientist');
const RunId = z.object({ id: rowId('a training run id') });
const Key = z.string().regex(/^[A-Za-z0-9_.\-/ ]{1,250}$/, 'must be 1-250 letters, digits, spaces, "_", ".", "-" or "/"');
/** The document states the keys' rule too (JSON Schema's propertyNames), so a client knows which names are refused. */
const keyNames = { propertyNames: { type: 'string', pattern: '^[A-Za-z0-9_.\\-/ ]{1,250}$' } } as const;
export const ArtifactPath = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){0,7}$/, 'must be a relative path of plain names, e.g. model/weights.bin');
const Params = z
  .record(Key, z.union([z.string().max(6000), z.number(), z.boolean(), z.null()]))
  .openapi({ example: { learning_rate: 0.01, optimizer: 'adam' }, ...keyNames });
const Tags = z.record(Key, z.string().max(5000)).openapi({ example: { 'git.commit': '3f2a9c1' }, ...keyNames });
const conflicts = { 409: errorResponse('the run has finished, is not a tracked run, or a parameter already has another value') };
const unconfigured = { 503: errorResponse('the registrar role or storage is not configured on this API process') };

const Run = z.object({ id: z.number().int(), model: z.string(), status: z.string(), startedAt: Timestamp }).openapi('TrackedRun');

export const create = createRoute({
  method: 'post',
  path: '/runs',
  tags,
  summary: 'Start a run (the model is registered if new); it shows as running until finished',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              model: ModelNameParam,
              task: z.enum(['classification', 'regression', 'other']).default('other'),
              name: z.string().max(200).optional(),
              experiment: z.string().min(1).max(200).optional(),
              dataset: z
                .object({ name: z.string(), version: z.number().int().positive().max(2_147_483_647, 'must be a version number') })
                .strict()
                .optional(),
              params: Params.default({}),
              tags: Tags.default({}),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    201: jsonContent(Run, 'the run'),
    ...readErrors,
    422: errorResponse('valid by the schema, but the dataset version it names does not exist (details name the field)'),
    ...unconfigured,
  },
});

export const params = createRoute({
  method: 'post',
  path: '/runs/{id}/params',
  tags,
  summary: 'Log parameters (each is set once; the same value again is accepted)',
  security: keyed,
  middleware: [scientists] as const,
  request: { params: RunId, body: { required: true, content: { 'application/json': { schema: z.object({ params: Params }).strict() } } } },
  responses: { 200: jsonContent(z.object({ logged: z.number().int() }), 'logged'), ...readErrors, ...notFound, ...conflicts, ...unconfigured },
});

export const metrics = createRoute({
  method: 'post',
  path: '/runs/{id}/metrics',
  tags,
  summary: 'Log metric values, each optionally at a step and/or epoch, with the time it was measured',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: RunId,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              metrics: z
                .array(
                  z
                    .object({
                      name: Key,
                      value: z.number(),
                      step: z.number().int().min(0).max(2_147_483_647).optional(),
                      epoch: z.number().int().min(0).max(2_147_483_647).optional(),
                      timestamp: z.iso
                        .datetime({ offset: true, error: 'must be an ISO 8601 time' })
                        .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a real time')
                        .optional(),
                    })
                    .strict(),
                )
                .min(1, 'must log at least one value')
                .max(1000, 'at most 1000 values per request'),
            })
            .strict(),
        },
      },
    },
  },
  responses: { 200: jsonContent(z.object({ logged: z.number().int() }), 'logged'), ...readErrors, ...notFound, ...conflicts, ...unconfigured },
});

export const setTags = createRoute({
  method: 'post',
  path: '/runs/{id}/tags',
  tags,
  summary: 'Set tags (a tag set again takes the new value; allowed after the run finished)',
  security: keyed,
  middleware: [scientists] as const,
  request: { params: RunId, body: { required: true, content: { 'application/json': { schema: z.object({ tags: Tags }).strict() } } } },
  responses: { 200: jsonContent(z.object({ tagged: z.number().int() }), 'tagged'), ...readErrors, ...notFound, ...conflicts, ...unconfigured },
});

export const artifact = createRoute({
  method: 'put',
  path: '/runs/{id}/artifacts',
  tags,
  summary: 'Upload an artifact (the raw body, streamed into object storage; over the upload limit is 413)',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: RunId,
    query: z.object({ path: ArtifactPath }).strict(),
    body: { required: true, content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
  },
  responses: {
    201: jsonContent(z.object({ path: z.string(), uri: z.string(), sizeBytes: z.number().int(), sha256: z.string() }), 'stored'),
    ...readErrors,
    ...notFound,
    ...conflicts,
    413: errorResponse('the body is over the upload limit'),
    ...unconfigured,
  },
});

export const artifactLink = createRoute({
  method: 'get',
  path: '/runs/{id}/artifacts',
  tags,
  summary: 'A presigned link to one of the run’s artifacts',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: { params: RunId, query: z.object({ path: ArtifactPath }).strict() },
  responses: {
    200: jsonContent(z.object({ url: z.string(), expiresAt: Timestamp, sha256: z.string(), sizeBytes: z.number().int() }), 'the link'),
    ...readErrors,
    ...notFound,
    ...unconfigured,
  },
});

export const finish = createRoute({
  method: 'post',
  path: '/runs/{id}/finish',
  tags,
  summary: 'End the run: succeeded, failed (with the error) or killed',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: RunId,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ status: z.enum(['succeeded', 'failed', 'killed']), error: z.string().max(4000).optional() }).strict(),
        },
      },
    },
  },
  responses: {
    200: jsonContent(z.object({ id: z.number().int(), status: z.string() }), 'finished'),
    ...readErrors,
    ...notFound,
    ...conflicts,
    ...unconfigured,
  },
});

export const register = createRoute({
  method: 'post',
  path: '/runs/{id}/register',
  tags,
  summary: 'Make one of the run’s artifacts a candidate version of its model (then compare, deploy, alias it)',
  security: keyed,
  middleware: [scientists] as const,
  request: {
    params: RunId,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              artifactPath: ArtifactPath,
              format: z.string().max(100).optional().openapi({ example: 'onnx' }),
              featureNames: z.array(z.string().max(200)).max(10_000).default([]),
              classes: z.array(z.string().max(200)).max(10_000).optional(),
            })
            .strict(),
        },
      },
    },
  },
  responses: {
    201: jsonContent(z.object({ model: z.string(), version: z.number().int() }), 'the new candidate version'),
    ...readErrors,
    ...notFound,
    ...conflicts,
    ...unconfigured,
  },
});
