// The deployment's pipelines for frontends: each with its steps, deadline and freshness, open
// alerts, its schedule as Temporal knows it, and its last run; and the partition grid of one.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { errorResponse, jsonContent, keyed, notFound, readErrors, Timestamp } from '../../openapi.ts';
import { Alert } from '../alerts/alerts.routes.ts';
import { Run } from '../runs/runs.routes.ts';

const Pipeline = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    partitioning: z.object({ kind: z.enum(['daily', 'keys']), timezone: z.string().optional(), keys: z.array(z.string()).optional() }),
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
    freshness: z.object({ maxAge: z.union([z.string(), z.number()]) }).nullable(),
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

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['runs'],
  summary: 'Pipelines with their steps, deadlines, open alerts, schedules and last runs',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(Pipeline) }), 'pipelines'), ...readErrors },
});

export const partitions = createRoute({
  method: 'get',
  path: '/{name}/partitions',
  tags: ['runs'],
  summary: "The partition grid: each partition's latest run and every step's status (from..to inclusive, at most 1,000)",
  security: keyed,
  middleware: [requireRole('reader')] as const,
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
