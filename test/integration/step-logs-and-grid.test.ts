// What an operator looks at, on the real stack: a failing attempt's logs with its stack and cause
// chain through the API and the CLI (bounded, no secrets); the partition grid through the API and
// the CLI, matching run history; every run's link to the Temporal UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { getPipeline } from '../../domains/index.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { startBackfill, startPipelineRun } from '../../engine/temporal/runs.ts';
import { refineryCli } from '../support/cli.ts';
import { runPipeline, summaryOf, testPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
let reader: string;
const UI = 'http://temporal-ui.test:8233';

const get = async (path: string): Promise<{ status: number; body: any; text: string }> => {
  const res = await app.request(path, { headers: { authorization: `Bearer ${reader}` } });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
};

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
    temporal: { uiUrl: UI, namespace: 'default' },
  });
  reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
});
afterAll(() => stack?.close());

describe('step logs', () => {
  it('keep each attempt of a failing step, bounded, with the error, its stack and cause, and no secrets', async () => {
    const pipeline = testPipeline('talkative', [
      {
        id: 'talk',
        activity: 'chatty',
        layer: 'silver',
        params: { lines: 2500, fail: true },
        retry: { maximumAttempts: 2, initialInterval: '200 milliseconds' },
      },
    ]);
    const summary = await runPipeline(stack, pipeline, '2026-11-20');
    expect(summary.status).toBe('failed');

    const api = await get(`/v1/runs/${summary.runId}/steps/talk/logs`);
    expect(api.status).toBe(200);
    expect(api.text).not.toContain('hunter2');
    expect(api.body.attempts.map((a: any) => [a.attempt, a.status, a.lines.length, a.dropped])).toEqual([
      [1, 'failed', 2000, 501],
      [2, 'failed', 2000, 501],
    ]);
    const second = api.body.attempts[1];
    expect(second.lines[0]).toMatchObject({
      seq: 502,
      level: 'info',
      message: 'working on chunk 502 of 2500',
      fields: { line: 502, source: 'postgres://loader:***@db.internal/warehouse' },
    });
    expect(second.lines.at(-1)).toMatchObject({ seq: 2501, level: 'error', message: 'chunk 2500 could not be written' });
    expect(second.error).toMatchObject({
      type: 'Error',
      message: 'chunk 2500 could not be written',
      causes: [{ type: 'Error', message: 'connection to postgres://loader:***@db.internal/warehouse refused' }],
    });
    expect(second.error.stack).toMatch(/\n\s+at .*control-steps\.ts/);

    const one = await get(`/v1/runs/${summary.runId}/steps/talk/logs?attempt=1&after=2400`);
    expect(one.body.attempts).toHaveLength(1);
    expect(one.body.attempts[0].lines.map((l: any) => l.seq)).toEqual(Array.from({ length: 101 }, (_, i) => 2401 + i));
    expect((await get(`/v1/runs/${summary.runId}/steps/nope/logs`)).status).toBe(404);
    expect((await get(`/v1/runs/${summary.runId}/steps/talk/logs?attempt=0`)).status).toBe(400);

    const cli = await refineryCli(stack, ['runs', 'logs', String(summary.runId), '--step', 'talk', '--attempt', '2']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).not.toContain('hunter2');
    expect(cli.stdout).toContain('── talk · attempt 2 of 2 · failed ──');
    expect(cli.stdout).toContain('… 501 earlier lines dropped');
    expect(cli.stdout).toMatch(/INFO {2}working on chunk 2500 of 2500 {2}line=2500 source=postgres:\/\/loader:\*\*\*@db\.internal\/warehouse/);
    expect(cli.stdout).toContain('Error: chunk 2500 could not be written\n    at ');
    expect(cli.stdout).toContain('Caused by Error: connection to postgres://loader:***@db.internal/warehouse refused');
    const { rows } = await stack.pools.owner.query(
      `SELECT count(*)::int AS n FROM ops.step_logs l WHERE l.message LIKE '%hunter2%' OR l.fields::text LIKE '%hunter2%'`,
    );
    expect(rows[0].n).toBe(0);
  });

  it('--follow prints lines as steps write them and stops when the run ends', async () => {
    const pipeline = testPipeline('followed', [
      { id: 'before', activity: 'chatty', layer: 'bronze', params: { lines: 3 } },
      { id: 'wait', activity: 'sleep', layer: 'silver', dependsOn: ['before'], params: { ms: 4000 } },
      { id: 'after', activity: 'chatty', layer: 'gold', dependsOn: ['wait'], params: { lines: 2 } },
    ]);
    const { handle } = await startPipelineRun(stack.client, stack.config, pipeline, '2026-11-21');
    // Attach once the first step has logged, while the run is still going.
    let runId: number | undefined;
    for (let i = 0; i < 100 && !runId; i++) {
      const { rows } = await stack.pools.owner.query(
        `SELECT r.id FROM ops.pipeline_runs r JOIN ops.step_runs s ON s.pipeline_run_id = r.id JOIN ops.step_logs l ON l.step_run_id = s.id
          WHERE r.workflow_id = $1 AND r.status = 'running' LIMIT 1`,
        [handle.workflowId],
      );
      runId = rows[0]?.id;
      if (!runId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runId).toBeDefined();
    const attachedAt = new Date();
    const cli = await refineryCli(stack, ['runs', 'logs', String(runId), '--follow']);
    const exitedAt = new Date();
    const summary = await summaryOf(handle.result());
    expect(summary.status).toBe('succeeded');
    const { rows } = await stack.pools.owner.query('SELECT ended_at FROM ops.pipeline_runs WHERE id = $1', [runId]);
    // It followed: attached before the run ended, and left on its own once it had.
    expect(attachedAt.getTime()).toBeLessThan(rows[0].ended_at.getTime());
    expect(exitedAt.getTime()).toBeGreaterThanOrEqual(rows[0].ended_at.getTime());
    expect(cli.code).toBe(0);
    const out = cli.stdout.split('\n').filter((l) => l.startsWith('──') || l.includes('working on'));
    expect(out.map((l) => l.replace(/^\S+ (INFO) +/, '$1 ').replace(/ {2}line=.*$/, ''))).toEqual([
      '── before · attempt 1 ──',
      'INFO working on chunk 1 of 3',
      'INFO working on chunk 2 of 3',
      'INFO working on chunk 3 of 3',
      '── wait · attempt 1 ──',
      '── after · attempt 1 ──',
      'INFO working on chunk 1 of 2',
      'INFO working on chunk 2 of 2',
    ]);
    expect(cli.stdout).not.toContain('hunter2');
  }, 60_000);
});

describe('the partition grid', () => {
  it('shows, per partition, its latest run and every step as run history has them', async () => {
    const demo = getPipeline('demo');
    const backfill = await startBackfill(stack.client, stack.config, demo, { range: { from: '2026-09-01', to: '2026-09-03' }, concurrency: 3 });
    await backfill.result();
    const partial = await refineryCli(stack, ['run', 'demo', '--partition', '2026-09-02', '--steps', 'by_hour+']);
    expect(partial.code).toBe(0);
    const manual = await runPipeline(stack, demo, '2026-09-05');

    const grid = await get('/v1/pipelines/demo/partitions?from=2026-09-01&to=2026-09-06');
    expect(grid.status).toBe(200);
    expect(grid.body.steps).toEqual(['land', 'clean', 'by_source', 'by_hour', 'summary']);
    expect(grid.body.partitions.map((p: any) => p.partition)).toEqual(['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04', '2026-09-05', '2026-09-06']);

    // The same facts straight from run history: latest run per partition, latest attempt per step.
    const { rows: history } = await stack.pools.owner.query(
      `SELECT DISTINCT ON (r.partition_key) r.partition_key, r.id, r.status,
              (SELECT json_object_agg(step_id, status) FROM (SELECT DISTINCT ON (step_id) step_id, status FROM ops.step_runs
                WHERE pipeline_run_id = r.id ORDER BY step_id, attempt DESC) s) AS steps
         FROM ops.pipeline_runs r WHERE r.pipeline = 'demo' AND r.partition_key BETWEEN '2026-09-01' AND '2026-09-06'
        ORDER BY r.partition_key, r.started_at DESC, r.id DESC`,
    );
    for (const h of history) {
      const row = grid.body.partitions.find((p: any) => p.partition === h.partition_key);
      expect(row.run).toMatchObject({ id: h.id, status: h.status });
      expect(Object.fromEntries(grid.body.steps.map((s: string, i: number) => [s, row.cells[i].status]))).toEqual(h.steps);
    }
    const sept2 = grid.body.partitions[1];
    expect(sept2.cells.map((c: any) => c.status)).toEqual(['reused', 'reused', 'reused', 'succeeded', 'succeeded']);
    const { rows: backfilled } = await stack.pools.owner.query(`SELECT id FROM ops.pipeline_runs WHERE backfill_id = $1 AND partition_key = '2026-09-02'`, [
      backfill.workflowId,
    ]);
    expect(sept2.cells.slice(0, 3).map((c: any) => c.reusedFrom)).toEqual([backfilled[0].id, backfilled[0].id, backfilled[0].id]);
    expect(grid.body.partitions[3]).toEqual({ partition: '2026-09-04', run: null, cells: [null, null, null, null, null] });
    expect(grid.body.partitions[4].run).toMatchObject({ id: manual.runId, trigger: 'manual', status: 'succeeded' });

    const cli = await refineryCli(stack, ['runs', 'grid', 'demo', '--from', '2026-09-01', '--to', '2026-09-06']);
    expect(cli.code).toBe(0);
    const lines = cli.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('2026-09-02'))).toMatch(/^2026-09-02\s+\d+ {2}↺ ↺ ↺ ✓ ✓ {2}succeeded$/);
    expect(lines.find((l) => l.startsWith('2026-09-04'))).toMatch(/^2026-09-04\s+· · · · · {2}no run$/);
    expect(cli.stdout).toContain('6 partitions: 4 succeeded, 2 no run');

    expect((await get('/v1/pipelines/demo/partitions?from=2026-09-06&to=2026-09-01')).body.error.message).toBe('--from 2026-09-06 is after --to 2026-09-01');
    expect((await get('/v1/pipelines/demo/partitions?from=2020-01-01&to=2026-01-01')).status).toBe(422);
    expect((await get('/v1/pipelines/nope/partitions')).status).toBe(404);
    // Found by schemathesis: a `to` that is not a date is the caller's mistake, not a server error; the
    // schema allows any partition key (keyed pipelines take keys), so a daily pipeline refuses it with 422.
    const notADate = await get('/v1/pipelines/demo/partitions?to=0');
    expect([notADate.status, notADate.body.error.message]).toEqual([422, 'to: partition "0" is not a date (YYYY-MM-DD)']);
  }, 120_000);

  it('links every run to its workflow in the Temporal UI', async () => {
    const runs = await get('/v1/runs?pipeline=demo&limit=2');
    for (const r of runs.body.items) {
      expect(r.temporalUrl).toBe(`${UI}/namespaces/default/workflows/${encodeURIComponent(r.workflowId)}/${r.temporalRunId}/history`);
    }
    const one = await get(`/v1/runs/${runs.body.items[0].id}`);
    expect(one.body.temporalUrl).toBe(runs.body.items[0].temporalUrl);
    const cli = await refineryCli(stack, ['runs', 'show', String(runs.body.items[0].id)], { TEMPORAL_UI_URL: UI });
    expect(cli.stdout).toContain(`temporal: ${runs.body.items[0].temporalUrl}`);
  });
});
