// Run history for frontends: runs filtered by pipeline, status, time and backfill (newest first),
// and one run with its steps, attempts, rows and lineage. The Run schema is shared with /pipelines.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, notFound, printable, readErrors, rowId, Timestamp } from '../../openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../pagination.ts';

export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

export const Run = z
  .object({
    id: z.number().int(),
    pipeline: z.string(),
    partition: z.string(),
    status: RunStatus,
    trigger: z.enum(['manual', 'schedule', 'backfill']),
    workflowId: z.string(),
    temporalRunId: z.string(),
    backfillId: z.string().nullable(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
  })
  .openapi('Run');

const Step = z.object({
  stepId: z.string(),
  activity: z.string(),
  layer: z.string().nullable(),
  taskQueue: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'skipped', 'cancelled']),
  attempts: z.number().int(),
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  durationMs: z.number().nullable(),
  rowsRead: z.number().nullable(),
  rowsWritten: z.number().nullable(),
  error: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  dependsOn: z.array(z.string()),
  lineage: z.array(z.object({ direction: z.enum(['read', 'write']), table: z.string(), partition: z.string().nullable(), rows: z.number().nullable() })),
});

const RunDetail = Run.extend({ params: z.record(z.string(), z.unknown()), steps: z.array(Step) }).openapi('RunDetail');

/** Runs are listed newest first by (startedAt, id). */
export const runCursor = cursorOf(cursorParts.time, cursorParts.id);

const tags = ['runs'];
const readers = requireRole('reader');

export const list = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Pipeline runs, newest first',
  security: keyed,
  middleware: [readers] as const,
  request: {
    query: z
      .object({
        pipeline: z
          .string()
          .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a pipeline name')
          .optional(),
        status: RunStatus.optional(),
        since: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional(),
        backfill: printable(300).optional(),
        ...pageQuery(runCursor),
      })
      .strict(),
  },
  responses: { 200: jsonContent(pageSchema(Run), 'a page of runs'), ...readErrors },
});

export const one = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One run with its steps, timings, rows and lineage (cacheable once finished)',
  security: keyed,
  middleware: [readers] as const,
  request: { params: z.object({ id: rowId('a run id') }) },
  responses: { 200: jsonContent(RunDetail, 'the run'), 304: { description: 'not modified' }, ...readErrors, ...notFound },
});
