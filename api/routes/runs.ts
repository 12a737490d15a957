// Run history for frontends: pipelines with their schedules and last runs, runs filtered by
// pipeline, status and time, one run with its steps and lineage, and a backfill's progress.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { getBackfill, getRun, lastRuns, listRuns, type RunRow } from '../../engine/history/run-queries.ts';
import { pipelines } from '../../domains/index.ts';
import { requireRole, type KeyStore } from '../auth.ts';
import { immutableJson } from '../cache.ts';
import { ApiError, notFoundError, readErrors } from '../errors.ts';
import { decodeCursor, pageOf, pageQuery, pageSchema } from '../pagination.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const Timestamp = z.string().openapi({ format: 'date-time' });
const RunStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled']);

const Run = z
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

const Pipeline = z
  .object({
    name: z.string(),
    description: z.string().nullable(),
    partitioning: z.object({ kind: z.enum(['daily', 'keys']), timezone: z.string().optional(), keys: z.array(z.string()).optional() }),
    steps: z.array(z.object({ id: z.string(), activity: z.string(), layer: z.string(), dependsOn: z.array(z.string()), queue: z.enum(['io', 'compute']) })),
    schedule: z.object({ spec: z.string(), timezone: z.string(), paused: z.boolean(), note: z.string().optional(), nextRuns: z.array(Timestamp) }).nullable(),
    lastRun: Run.nullable(),
  })
  .openapi('Pipeline');

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

const errors = readErrors;
const notFound = notFoundError;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function runJson(r: RunRow) {
  return {
    id: r.id,
    pipeline: r.pipeline,
    partition: r.partition,
    status: r.status as z.infer<typeof RunStatus>,
    trigger: r.trigger as 'manual' | 'schedule' | 'backfill',
    workflowId: r.workflowId,
    temporalRunId: r.runId,
    backfillId: r.backfillId,
    startedAt: r.startedAt.toISOString(),
    endedAt: iso(r.endedAt),
    durationMs: r.durationMs,
    error: r.error,
  };
}

export function runRoutes(deps: AppDeps, keys: KeyStore) {
  const readers = requireRole(keys, 'reader');
  const listPipelines = createRoute({
    method: 'get',
    path: '/v1/pipelines',
    tags: ['runs'],
    summary: 'Pipelines with their steps, schedules and last runs',
    security: [{ apiKey: [] }],
    middleware: [readers] as const,
    responses: { 200: { description: 'pipelines', content: { 'application/json': { schema: z.object({ items: z.array(Pipeline) }) } } }, ...errors },
  });
  const listRunsRoute = createRoute({
    method: 'get',
    path: '/v1/runs',
    tags: ['runs'],
    summary: 'Pipeline runs, newest first',
    security: [{ apiKey: [] }],
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
          backfill: z.string().max(200).optional(),
          ...pageQuery,
        })
        .strict(),
    },
    responses: { 200: { description: 'a page of runs', content: { 'application/json': { schema: pageSchema(Run) } } }, ...errors },
  });
  const getRunRoute = createRoute({
    method: 'get',
    path: '/v1/runs/{id}',
    tags: ['runs'],
    summary: 'One run with its steps, timings, rows and lineage (cacheable once finished)',
    security: [{ apiKey: [] }],
    middleware: [readers] as const,
    request: { params: z.object({ id: z.coerce.number({ error: 'must be a run id' }).int('must be a run id').positive('must be a run id') }) },
    responses: {
      200: { description: 'the run', content: { 'application/json': { schema: RunDetail } } },
      304: { description: 'not modified' },
      ...errors,
      ...notFound,
    },
  });
  const getBackfillRoute = createRoute({
    method: 'get',
    path: '/v1/backfills/{id}',
    tags: ['runs'],
    summary: "A backfill's progress (its id URL-encoded, e.g. backfill%2Fdemo%2F…)",
    security: [{ apiKey: [] }],
    middleware: [readers] as const,
    request: { params: z.object({ id: z.string().min(1).max(300) }) },
    responses: { 200: { description: 'the backfill', content: { 'application/json': { schema: Backfill } } }, ...errors, ...notFound },
  });

  return new OpenAPIHono<AppEnv>()
    .openapi(listPipelines, async (c) => {
      const last = await lastRuns(deps.readPool);
      const items = await Promise.all(
        [...pipelines.values()].map(async (p) => ({
          name: p.name,
          description: p.description ?? null,
          partitioning: p.partitioning,
          steps: p.steps.map((s) => ({ id: s.id, activity: s.activity, layer: s.layer, dependsOn: s.dependsOn ?? [], queue: s.queue ?? ('io' as const) })),
          schedule: (await deps.schedules?.(p.name).catch(() => undefined)) ?? null,
          lastRun: last.has(p.name) ? runJson(last.get(p.name)!) : null,
        })),
      );
      return c.json({ items }, 200);
    })
    .openapi(listRunsRoute, async (c) => {
      const q = c.req.valid('query');
      const key = decodeCursor(q.cursor, ['string', 'number']);
      const rows = await listRuns(deps.readPool, {
        pipeline: q.pipeline,
        status: q.status,
        since: q.since ? new Date(q.since) : undefined,
        backfillId: q.backfill,
        limit: q.limit + 1,
        after: key ? { startedAt: new Date(key[0] as string), id: key[1] as number } : undefined,
      });
      const page = pageOf(rows, q.limit, (r) => [r.startedAt.toISOString(), r.id]);
      return c.json({ items: page.items.map(runJson), nextCursor: page.nextCursor }, 200);
    })
    .openapi(getRunRoute, async (c) => {
      const run = await getRun(deps.readPool, c.req.valid('param').id);
      if (!run) throw new ApiError(404, `no run ${c.req.valid('param').id}`);
      const body = {
        ...runJson(run),
        params: run.params,
        steps: run.steps.map((s) => ({
          ...s,
          startedAt: iso(s.startedAt),
          endedAt: iso(s.endedAt),
        })),
      };
      return immutableJson(c, body, run.status !== 'running') as never;
    })
    .openapi(getBackfillRoute, async (c) => {
      const id = c.req.valid('param').id;
      const b = await getBackfill(deps.readPool, id);
      if (!b) throw new ApiError(404, `no backfill ${id}`);
      const done = b.runs.succeeded + b.runs.failed + b.runs.cancelled;
      return c.json(
        {
          ...b,
          mode: b.mode as 'all' | 'only-failed',
          status: b.status as z.infer<typeof RunStatus>,
          startedAt: b.startedAt.toISOString(),
          endedAt: iso(b.endedAt),
          pending: Math.max(0, b.partitions - done - b.runs.running),
        },
        200,
      );
    });
}
