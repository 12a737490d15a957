// The run-history endpoints through app.request() on real PostgreSQL and Temporal: pipelines,
// runs with filters and keyset pagination, one run with steps and lineage (cached once finished),
// a backfill's progress, and the 400s for bad parameters.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { getPipeline } from '../../domains/index.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { showSchedule, createSchedule, deleteSchedule } from '../../engine/temporal/schedules.ts';
import { runPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
let reader: string;
let device: string;
let backfillId: string;

// Response bodies are checked field by field.
const json = (res: Response): Promise<any> => res.json();
const get = (path: string, key = reader, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { authorization: `Bearer ${key}`, ...headers } });

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
    schedules: async (p) => {
      try {
        return await showSchedule(stack.client, p);
      } catch {
        return undefined;
      }
    },
  });
  reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
  device = (await createApiKey(stack.pools.owner, { name: 'esp', role: 'device', deviceId: 'd1' })).token;
  await runPipeline(stack, getPipeline('demo'), '2026-10-01');
  await runPipeline(stack, getPipeline('demo'), '2026-10-02');
  const backfill = await startBackfill(stack.client, stack.config, getPipeline('demo'), { range: { from: '2026-10-03', to: '2026-10-06' }, concurrency: 2 });
  await backfill.result();
  backfillId = backfill.workflowId;
  // Many finished runs with colliding start times, to page through.
  await stack.pools.owner.query(`
    INSERT INTO ops.pipeline_runs (pipeline, partition_key, status, trigger, workflow_id, run_id, started_at, ended_at)
    SELECT 'paged', 'p' || i, CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'succeeded' END, 'manual', 'paged/p' || i, 'r' || i,
           timestamp '2026-01-01' + (i / 4) * interval '1 minute', timestamp '2026-01-01' + (i / 4) * interval '1 minute' + interval '5 seconds'
      FROM generate_series(1, 137) i`);
});
afterAll(() => stack?.close());

describe('GET /v1/pipelines', () => {
  it('lists pipelines with their steps, schedule and last run', async () => {
    await createSchedule(stack.client, stack.config, getPipeline('demo'), { cron: '0 2 * * *', paused: true, note: 'test', taskQueues: stack.taskQueues });
    try {
      const body = await json(await get('/v1/pipelines'));
      const demo = body.items.find((p: { name: string }) => p.name === 'demo');
      expect(demo.steps.map((s: { id: string }) => s.id)).toEqual(['land', 'clean', 'by_source', 'by_hour', 'summary']);
      expect(demo.steps.find((s: { id: string }) => s.id === 'summary').dependsOn).toEqual(['by_source', 'by_hour']);
      expect(demo.schedule).toMatchObject({ spec: 'cron 0 2 * * *', paused: true, note: 'test' });
      expect(demo.lastRun).toMatchObject({ pipeline: 'demo', status: 'succeeded', trigger: 'backfill' });
    } finally {
      await deleteSchedule(stack.client, 'demo');
    }
  });
});

describe('GET /v1/runs', () => {
  it('pages through every run exactly once, newest first, even with equal start times', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: any = await json(await get(`/v1/runs?pipeline=paged&limit=10${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...body.items.map((r: { partition: string }) => r.partition));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(14);
    expect(seen).toHaveLength(137);
    expect(new Set(seen).size).toBe(137);
    const { rows } = await stack.pools.owner.query(`SELECT partition_key FROM ops.pipeline_runs WHERE pipeline = 'paged' ORDER BY started_at DESC, id DESC`);
    expect(seen).toEqual(rows.map((r) => r.partition_key));
  });

  it('filters by status, time and backfill', async () => {
    const failed = await json(await get('/v1/runs?pipeline=paged&status=failed&limit=200'));
    expect(failed.items).toHaveLength(45);
    expect(failed.items.every((r: { status: string }) => r.status === 'failed')).toBe(true);
    const since = await json(await get('/v1/runs?pipeline=paged&since=2026-01-01T00:30:00Z&limit=200'));
    expect(since.items.every((r: { startedAt: string }) => r.startedAt >= '2026-01-01T00:30:00.000Z')).toBe(true);
    expect(since.items.length).toBe(137 - 120 + 1);
    const backfill = await json(await get(`/v1/runs?backfill=${encodeURIComponent(backfillId)}`));
    expect(backfill.items.map((r: { partition: string }) => r.partition).sort()).toEqual(['2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06']);
  });

  it('refuses unknown parameters, bad values and forged cursors with 400 naming the parameter', async () => {
    const cases: [string, { field: string; reason: string }][] = [
      ['/v1/runs?colour=red', { field: 'query.colour', reason: 'is not a known parameter' }],
      ['/v1/runs?limit=1000', { field: 'query.limit', reason: 'must be at most 200' }],
      ['/v1/runs?status=exploded', { field: 'query.status', reason: expect.stringContaining('Invalid option') as unknown as string }],
      ['/v1/runs?since=yesterday', { field: 'query.since', reason: 'must be an ISO-8601 date-time' }],
      ['/v1/runs?cursor=bm90IGEgY3Vyc29y', { field: 'query.cursor', reason: 'is not a cursor from this endpoint' }],
      ["/v1/runs?pipeline=demo'%20OR%201=1--", { field: 'query.pipeline', reason: 'must be a pipeline name' }],
      // PostgreSQL's text holds no NUL: refused as declared, not a 500 from the database.
      ['/v1/runs?backfill=%00x', { field: 'query.backfill', reason: 'must be 1–300 characters, none of them a control character' }],
    ];
    for (const [path, detail] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect((await json(res)).error.details, path).toContainEqual(detail);
    }
  });

  it('takes any cursor of the declared pattern as a position: (startedAt ms, id) newest first', async () => {
    const all: any = await json(await get('/v1/runs?pipeline=paged&limit=200'));
    const pivot = all.items[4];
    const after: any = await json(await get(`/v1/runs?pipeline=paged&limit=200&cursor=${Date.parse(pivot.startedAt)}.${pivot.id}`));
    expect(after.items.map((r: { id: number }) => r.id)).toEqual(all.items.slice(5).map((r: { id: number }) => r.id));
    // Never issued, still schema-valid: a position before every run, so an empty page.
    expect(await json(await get('/v1/runs?cursor=0.0'))).toEqual({ items: [], nextCursor: null });
  });

  it('answers 401 without a key and 403 for a device key', async () => {
    expect((await app.request('/v1/runs')).status).toBe(401);
    expect((await get('/v1/runs', device)).status).toBe(403);
  });
});

describe('GET /v1/runs/{id}', () => {
  it('returns a run with its steps, dependencies and lineage, cacheable once finished', async () => {
    const { rows } = await stack.pools.owner.query(`SELECT id FROM ops.pipeline_runs WHERE workflow_id = 'demo/2026-10-01'`);
    const res = await get(`/v1/runs/${rows[0].id}`);
    expect(res.status).toBe(200);
    const run = await json(res);
    expect(run).toMatchObject({ pipeline: 'demo', partition: '2026-10-01', status: 'succeeded' });
    const clean = run.steps.find((s: { stepId: string }) => s.stepId === 'clean');
    expect(clean).toMatchObject({ status: 'succeeded', attempts: 1, layer: 'silver', dependsOn: ['land'], rowsRead: 10_000 });
    expect(clean.lineage).toContainEqual({ direction: 'write', table: 'silver.demo_events_clean', partition: '2026-10-01', rows: clean.rowsWritten });
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await get(`/v1/runs/${rows[0].id}`, reader, { 'if-none-match': etag! })).status).toBe(304);
  });

  it('answers 404 for an unknown run and 400 for a bad id', async () => {
    expect((await get('/v1/runs/999999')).status).toBe(404);
    const bad = await get('/v1/runs/1;DROP%20TABLE%20x');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.details[0].field).toBe('path.id');
  });
});

describe('GET /v1/backfills/{id}', () => {
  it("reports a backfill's progress from the runs it started", async () => {
    const body = await json(await get(`/v1/backfills/${encodeURIComponent(backfillId)}`));
    expect(body).toMatchObject({
      id: backfillId,
      pipeline: 'demo',
      partitions: 4,
      concurrency: 2,
      status: 'succeeded',
      pending: 0,
      runs: { succeeded: 4, failed: 0 },
    });
    expect((await get(`/v1/backfills/${encodeURIComponent('backfill/none')}`)).status).toBe(404);
  });
});

describe('metrics and compression', () => {
  it('counts requests per route in Prometheus format', async () => {
    await get('/v1/runs?pipeline=paged');
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/refinery_http_requests_total\{method="GET",route="\/v1\/runs",status="200"\} \d+/);
    expect(text).toMatch(/refinery_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/v1\/runs"\}/);
    expect(text).toMatch(/refinery_db_pool_connections\{pool="read",state="total"\}/);
  });

  it('compresses responses for clients that accept it, to the same JSON, and leaves small ones alone', async () => {
    const res = await get('/v1/runs?pipeline=paged&limit=200', reader, { 'accept-encoding': 'gzip' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const zipped = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(zipped.length);
    const plain = await get('/v1/runs?pipeline=paged&limit=200', reader);
    expect(plain.headers.get('content-encoding')).toBeNull();
    const text = await plain.text();
    expect(zipped.length).toBeLessThan(Buffer.byteLength(text) / 3);
    expect(gunzipSync(zipped).toString('utf8')).toBe(text);
    const small = await get('/v1/whoami', reader, { 'accept-encoding': 'gzip' });
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(((await small.json()) as { role: string }).role).toBe('reader');
  });
});
