// The deployment's pipelines for frontends: each with its steps, deadline and freshness limit, open
// alerts, its schedule as Temporal knows it, and its last run; the partition grid of one; and a
// pipeline's stale partitions, with why and what happens next.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors, Timestamp } from '../../openapi.ts';
import { Alert } from '../alerts/alerts.routes.ts';
import { Run } from '../runs/runs.routes.ts';

const Pipeline = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    partitioning: z.object({ kind: z.enum(['daily', 'weekly', 'keys']), timezone: z.string().optional(), keys: z.array(z.string()).optional() }),
    steps: z.array(
      z.object({
        id: z.string(),
        activity: z.string(),
        layer: z.string(),
        dependsOn: z.array(z.string()),
        queue: z.enum(['io', 'compute']),
        pool: z.object({ name: z.string(), slots: z.number().int() }).nullable(),
      }),
    ),
    deadline: z.string().nullable().openapi({ description: 'e.g. "D+1 06:00": each partition must have succeeded by 06:00 the next day' }),
    freshness: z
      .object({ maxAge: z.union([z.string(), z.number()]) })
      .nullable()
      .openapi({ description: 'how old the newest successful partition may be before a freshness alert (not the freshness of gold answers)' }),
    alerts: z.array(Alert).openapi({ description: 'open alerts: missed deadlines, stale data' }),
    schedule: z.object({ spec: z.string(), timezone: z.string(), paused: z.boolean(), note: z.string().optional(), nextRuns: z.array(Timestamp) }).nullable(),
    lastRun: Run.nullable(),
  })
  .openapi('Pipeline');

const Cell = z.object({ status: z.string(), attempts: z.number().int(), reusedFrom: z.number().int().optional() }).nullable();

const Grid = z
  .object({
    pipeline: z.string(),
    steps: z.array(z.string()).openapi({ description: 'the columns of every row, in dependency order' }),
    partitions: z.array(
      z.object({
        partition: z.string(),
        run: z.object({ id: z.number().int(), status: z.string(), trigger: z.string(), startedAt: Timestamp, endedAt: Timestamp.nullable() }).nullable(),
        cells: z.array(Cell),
      }),
    ),
  })
  .openapi('PartitionGrid');

const PartitionKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a partition key (a date YYYY-MM-DD, or a key)');

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
  summary: 'Pipelines with their steps, deadlines, open alerts, schedules and last runs',
  security: keyed,
  middleware: [readers] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(Pipeline) }), 'pipelines'), ...readErrors },
});

export const partitions = createRoute({
  method: 'get',
  path: '/{name}/partitions',
  tags: ['runs'],
  summary: "The partition grid: each partition's latest run and every step's status (from..to inclusive, at most 1,000)",
  security: keyed,
  middleware: [readers] as const,
  request: {
    params: z.object({ name: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a pipeline name') }),
    query: z.object({ from: PartitionKey.optional(), to: PartitionKey.optional() }).strict(),
  },
  responses: {
    200: jsonContent(Grid, 'the grid'),
    ...readErrors,
    ...notFound,
    422: errorResponse(
      'valid by the schema but not for this pipeline: a from/to that is not a date of a daily pipeline, from after to, or more than 1,000 partitions; named in details',
    ),
  },
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
