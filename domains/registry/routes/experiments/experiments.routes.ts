// Experiments for frontends: each with its runs and each run's headline metrics.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../../../api/auth.ts';
import { jsonContent, keyed, readErrors, Timestamp } from '../../../../api/openapi.ts';

const Experiment = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: Timestamp,
    runs: z.array(
      z.object({
        trainingRunId: z.number().int(),
        model: z.string(),
        status: z.string(),
        note: z.string().nullable(),
        metrics: z.record(z.string(), z.number()),
      }),
    ),
  })
  .openapi('Experiment');

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['registry'],
  summary: 'Experiments and their runs, with each run’s headline metrics',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  responses: { 200: jsonContent(z.object({ items: z.array(Experiment) }), 'experiments'), ...readErrors },
});
