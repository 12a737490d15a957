// Alerts: missed deadlines and exceeded freshness, open until met (?all=true: resolved ones too).
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, readErrors, Timestamp } from '../../openapi.ts';

export const Alert = z
  .object({
    id: z.string(),
    kind: z.enum(['deadline', 'freshness']),
    pipeline: z.string(),
    partition: z.string().nullable(),
    dueAt: Timestamp,
    raisedAt: Timestamp,
    resolvedAt: Timestamp.nullable(),
    detail: z.string(),
  })
  .openapi('Alert');

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['runs'],
  summary: 'Open alerts (missed deadlines, stale data), newest first',
  security: keyed,
  middleware: [requireRole('reader')] as const,
  request: {
    query: z
      .object({
        pipeline: z
          .string()
          .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a pipeline name')
          .optional(),
        all: z.enum(['true', 'false']).optional().openapi({ description: 'true: resolved alerts too' }),
      })
      .strict(),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(Alert) }), 'alerts'), ...readErrors },
});
