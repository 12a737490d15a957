// Run history for frontends: runs filtered by pipeline, status, time and backfill (newest first),
// one run with its steps, attempts, rows, lineage and check results, and a step's logs per attempt.
// The Run schema is shared with /pipelines. Every run links to its workflow in the Temporal UI.
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../auth.ts';
import { jsonContent, keyed, notFound, printable, readErrors, rowId, Timestamp } from '../../openapi.ts';
import { cursorOf, cursorParts, pageQuery, pageSchema } from '../../pagination.ts';

export const RunStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);
export const RunTrigger = z.enum(['manual', 'schedule', 'backfill', 'late-data', 'upstream', 'landing']);

export const Run = z
  .object({
    id: z.number().int(),
    pipeline: z.string(),
    partition: z.string(),
    status: RunStatus,
    trigger: RunTrigger,
    reason: z.string().nullable().openapi({ description: 'why a late-data or triggered run started' }),
    workflowId: z.string(),
    temporalRunId: z.string(),
    backfillId: z.string().nullable(),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    durationMs: z.number().nullable(),
    error: z.string().nullable(),
    temporalUrl: z.string().nullable().openapi({ description: 'the workflow in the Temporal Web UI (null when no UI address is configured)' }),
  })
  .openapi('Run');

const CheckResult = z
  .object({
    name: z.string(),
    severity: z.enum(['error', 'warn']),
    passed: z.boolean(),
    observed: z.number().nullable().openapi({ description: 'what the check counted (rows, nulls, duplicates, failures)' }),
    detail: z.string(),
  })
  .openapi('CheckResult');

const Step = z.object({
  stepId: z.string(),
  activity: z.string(),
  layer: z.string().nullable(),
  taskQueue: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'skipped', 'cancelled', 'reused']),
  attempts: z.number().int(),
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  durationMs: z.number().nullable(),
  rowsRead: z.number().nullable(),
  rowsWritten: z.number().nullable(),
  error: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  reusedFrom: z.number().int().nullable().openapi({ description: 'a partial re-run reused this step from that run' }),
  checks: z.array(CheckResult),
  dependsOn: z.array(z.string()),
  lineage: z.array(z.object({ direction: z.enum(['read', 'write']), table: z.string(), partition: z.string().nullable(), rows: z.number().nullable() })),
});

const RunDetail = Run.extend({
  params: z.record(z.string(), z.unknown()),
  selection: z.unknown().openapi({ description: 'a partial re-run: { fromFailure: true } or { steps: [...] }; null for a full run' }),
  priority: z.number().int().nullable(),
  steps: z.array(Step),
}).openapi('RunDetail');

const LogLine = z.object({
  seq: z.number().int(),
  at: Timestamp,
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
});

const ErrorDetail = z.object({
  type: z.string(),
  message: z.string(),
  stack: z.string().nullable(),
  causes: z.array(z.object({ type: z.string(), message: z.string(), stack: z.string().nullable() })),
});

const StepLogs = z
  .object({
    runId: z.number().int(),
    stepId: z.string(),
    attempts: z.array(
      z.object({
        attempt: z.number().int(),
        status: z.string(),
        startedAt: Timestamp.nullable(),
        endedAt: Timestamp.nullable(),
        dropped: z.number().int().openapi({ description: 'lines dropped from the start to keep the attempt within 2,000 lines or 1 MiB' }),
        error: ErrorDetail.nullable(),
        lines: z.array(LogLine),
      }),
    ),
  })
  .openapi('StepLogs');

/** Runs are listed newest first by (startedAt, id). */
export const runCursor = cursorOf(cursorParts.time, cursorParts.id);

const tags = ['runs'];
const RunId = rowId('a run id');
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
  request: { params: z.object({ id: RunId }) },
  responses: { 200: jsonContent(RunDetail, 'the run'), 304: { description: 'not modified' }, ...readErrors, ...notFound },
});

export const logs = createRoute({
  method: 'get',
  path: '/{id}/steps/{step}/logs',
  tags,
  summary: "A step's log lines per attempt, with each failed attempt's error, stack and causes",
  security: keyed,
  middleware: [readers] as const,
  request: {
    params: z.object({ id: RunId, step: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be a step id') }),
    query: z
      .object({
        attempt: z.coerce.number({ error: 'must be an attempt number' }).int('must be a whole number').min(1, 'attempts count from 1').max(1000).optional(),
        after: z.coerce
          .number({ error: 'must be a line number' })
          .int('must be a whole number')
          .min(0)
          .max(2 ** 31 - 1)
          .optional()
          .openapi({ description: 'only lines after this seq (to follow a running step)' }),
        limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(2000).default(2000),
      })
      .strict(),
  },
  responses: { 200: jsonContent(StepLogs, 'the logs'), ...readErrors, ...notFound },
});
