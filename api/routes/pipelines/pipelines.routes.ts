// The deployment's pipelines for frontends: each with its steps, its schedule as Temporal knows it,
// and its last run; and a pipeline's stale partitions, with why and what happens next.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, notFound, readErrors, Timestamp } from '../../openapi.ts';
import { Run } from '../runs/runs.routes.ts';

const Pipeline = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    partitioning: z.object({ kind: z.enum(['daily', 'weekly', 'keys']), timezone: z.string().optional(), keys: z.array(z.string()).optional() }),
    steps: z.array(z.object({ id: z.string(), activity: z.string(), layer: z.string(), dependsOn: z.array(z.string()), queue: z.enum(['io', 'compute']) })),
    schedule: z.object({ spec: z.string(), timezone: z.string(), paused: z.boolean(), note: z.string().optional(), nextRuns: z.array(Timestamp) }).nullable(),
    lastRun: Run.nullable(),
  })
  .openapi('Pipeline');

const InputKind = z.enum(['arrivals', 'landing', 'upstream']);
const StalePartition = z
  .object({
    partition: z.string(),
    state: z
      .enum(['stale', 'ready'])
      .openapi({ description: 'stale: its inputs changed since its last success; ready: never succeeded, its trigger inputs are there' }),
    reason: z.string().openapi({ example: '312 readings from 2 devices arrived after run 41' }),
    changes: z.array(z.object({ input: z.string(), kind: InputKind, reason: z.string(), changedAt: Timestamp.nullable() })),
    kinds: z.array(InputKind),
    watermark: z.object({ runId: z.number().int(), succeededAt: Timestamp }).nullable().openapi({ description: 'the last successful run' }),
    quietForMs: z.number().nullable().openapi({ description: 'since the inputs last changed' }),
    staleForMs: z.number().nullable().openapi({ description: 'since a reconciler first noticed' }),
    latestRun: z.object({ id: z.number().int(), status: z.string(), trigger: z.string(), startedForMs: z.number(), error: z.string().nullable() }).nullable(),
    next: z.string().openapi({ example: 're-runs by itself in 4 minutes (after 10 minutes without new input)' }),
  })
  .openapi('StalePartition');
const StaleReport = z
  .object({
    pipeline: z.string(),
    checkedAt: Timestamp,
    reconciler: z.boolean().nullable().openapi({ description: 'whether a reconciler runs for the pipeline (null: Temporal did not answer)' }),
    policy: z.object({
      lateData: z
        .object({
          quietPeriodMs: z.number(),
          lookbackMs: z.number(),
          maxDelayMs: z.number().nullable(),
          priority: z.number().int(),
          concurrency: z.number().int(),
        })
        .nullable(),
      triggers: z.object({ on: z.array(z.enum(['upstream', 'landing'])), settleMs: z.object({ upstream: z.number(), landing: z.number() }) }).nullable(),
    }),
    items: z.array(StalePartition),
  })
  .openapi('StaleReport');

const readers = requireRole('reader');

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['runs'],
  summary: 'Pipelines with their steps, schedules and last runs',
  security: keyed,
  middleware: [readers] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(Pipeline) }), 'pipelines'), ...readErrors },
});

export const stale = createRoute({
  method: 'get',
  path: '/{name}/stale',
  tags: ['runs'],
  summary: "A pipeline's stale partitions (inputs changed since their last success) and ready ones, with why and what happens next",
  security: keyed,
  middleware: [readers] as const,
  request: { params: z.object({ name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a pipeline name') }) },
  responses: { 200: jsonContent(StaleReport, 'the stale partitions, newest first'), ...readErrors, ...notFound },
});
