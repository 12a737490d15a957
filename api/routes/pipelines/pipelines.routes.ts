// The deployment's pipelines for frontends: each with its steps, its schedule as Temporal knows it,
// and its last run.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, readErrors, Timestamp } from '../../openapi.ts';
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

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['runs'],
  summary: 'Pipelines with their steps, schedules and last runs',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(Pipeline) }), 'pipelines'), ...readErrors },
});
