// A backfill's progress for frontends: its range, mode and status, runs per status, failures.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, notFound, printable, readErrors, Timestamp } from '../../openapi.ts';
import { RunStatus } from '../runs/runs.routes.ts';

const Backfill = z
  .object({
    id: z.string(),
    pipeline: z.string(),
    range: z.unknown(),
    partitions: z.number().int(),
    concurrency: z.number().int(),
    mode: z.enum(['all', 'only-failed']),
    status: RunStatus,
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    pending: z.number().int(),
    runs: z.object({ running: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
    failures: z.array(z.object({ partition: z.string(), error: z.string().nullable() })),
  })
  .openapi('Backfill');

export const one = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['runs'],
  summary: "A backfill's progress (its id URL-encoded, e.g. backfill%2Fdemo%2F…)",
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: { params: z.object({ id: printable(300) }) },
  responses: { 200: jsonContent(Backfill, 'the backfill'), ...readErrors, ...notFound },
});
