// The audit log for admins: the API's writes, newest first, filtered by key, role or time, one
// keyset page at a time.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, readErrors, rowId, Timestamp } from '../../openapi.ts';

const Entry = z
  .object({
    id: z.number().int(),
    at: Timestamp,
    keyId: z.string(),
    role: z.string(),
    action: z.string().openapi({ example: 'POST /v1/datasets/{name}/versions' }),
    target: z.string().openapi({ example: 'datasets/iris/versions/2' }),
    status: z.number().int(),
    requestId: z.string(),
  })
  .openapi('AuditEntry');

export const AuditQuery = z
  .object({
    key: z.string().max(64, 'must be a key id').optional(),
    role: z.enum(['device', 'reader', 'data_scientist', 'admin']).optional(),
    since: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-11-23T00:00:00Z' })
      .refine((v) => !Number.isNaN(Date.parse(v)), 'must be a real time')
      .optional(),
    before: rowId('an entry id').optional().openapi({ description: 'Only entries older than this id (the previous page’s nextBefore)' }),
    limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be 1-500').max(500, 'must be 1-500').default(100),
  })
  .strict();

export const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['keys'],
  summary: 'The audit log of the API’s writes (admins)',
  security: keyed,
  middleware: [requireRole()] as const,
  request: { query: AuditQuery },
  responses: { 200: jsonContent(z.object({ items: z.array(Entry), nextBefore: z.number().int().nullable() }), 'entries, newest first'), ...readErrors },
});
