// Notifications on the real stack: a failing step sends exactly one failure event to a webhook
// receiver started here (JSON and Slack formats, the event id as Idempotency-Key), the fixed run
// exactly one recovery; an unreachable or failing receiver is retried and recorded, never failing
// or holding up the run; a warn check notifies and the run succeeds; backfills report their end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTarget } from '../../engine/notifications/store.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { closedPort, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

let stack: TestStack;
let receiver: WebhookReceiver;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  receiver = await startWebhookReceiver();
  await saveTarget(stack.pools.owner, { name: 'oncall', url: `${receiver.url}/oncall`, format: 'json', events: null, isDefault: false });
  await saveTarget(stack.pools.owner, {
    name: 'chat',
    url: `${receiver.url}/chat`,
    format: 'slack',
    events: ['run.failed', 'run.recovered'],
    isDefault: false,
  });
});
afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

async function deliveries(eventId: string) {
  const { rows } = await stack.pools.owner.query(
    'SELECT target, status, attempts, response_code, last_error FROM ops.notification_deliveries WHERE event_id = $1 ORDER BY target',
    [eventId],
  );
  return rows;
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const settle = () => new Promise((r) => setTimeout(r, 2500));

describe('notifications', () => {
  it('a failing step sends one failure event per target, and the fixed run one recovery event', async () => {
    const pipeline = {
      ...testPipeline('alerting', [
        { id: 'extract', activity: 'noop', layer: 'bronze' },
        { id: 'load', activity: 'fail', layer: 'silver', dependsOn: ['extract'], retry: { maximumAttempts: 1 }, params: { message: 'warehouse is read-only' } },
        { id: 'publish', activity: 'noop', layer: 'gold', dependsOn: ['load'] },
      ]),
      notify: ['oncall', 'chat'],
    };
    const failed = await runPipeline(stack, pipeline, '2026-11-29', { partitions: ['2026-11-29'] });
    expect(failed.status).toBe('failed');

    const [json] = await receiver.waitFor((h) => h.path === '/oncall' && h.body.type === 'run.failed');
    const [slack] = await receiver.waitFor((h) => h.path === '/chat' && h.headers['x-refinery-event'] === 'run.failed');
    expect(json!.headers['idempotency-key']).toBe(`run.failed/${failed.runId}`);
    expect(json!.headers['content-type']).toBe('application/json');
    expect(json!.body).toMatchObject({
      id: `run.failed/${failed.runId}`,
      type: 'run.failed',
      pipeline: 'alerting',
      partition: '2026-11-29',
      runId: failed.runId,
      title: 'alerting 2026-11-29 failed: load: warehouse is read-only',
      facts: { run: String(failed.runId), 'failed steps': 'load', skipped: 'publish' },
    });
    expect(slack!.body.text).toBe(':x: alerting 2026-11-29 failed: load: warehouse is read-only');
    expect(slack!.body.blocks.length).toBeGreaterThan(1);

    const fixed = await runPipeline(stack, pipeline, '2026-11-29', { partitions: [] });
    expect(fixed.status).toBe('succeeded');
    await receiver.waitFor((h) => h.body?.type === 'run.recovered' || h.headers['x-refinery-event'] === 'run.recovered', 2);
    await settle();
    const events = (type: string) => receiver.received.filter((h) => h.headers['x-refinery-event'] === type);
    expect(
      events('run.failed')
        .map((h) => h.path)
        .sort(),
    ).toEqual(['/chat', '/oncall']);
    expect(
      events('run.recovered')
        .map((h) => h.path)
        .sort(),
    ).toEqual(['/chat', '/oncall']);
    const [recovered] = events('run.recovered').filter((h) => h.path === '/oncall');
    expect(recovered!.body).toMatchObject({ type: 'run.recovered', runId: fixed.runId, facts: { 'failed run': String(failed.runId) } });

    expect(await deliveries(`run.failed/${failed.runId}`)).toEqual([
      { target: 'chat', status: 'delivered', attempts: 1, response_code: 200, last_error: null },
      { target: 'oncall', status: 'delivered', attempts: 1, response_code: 200, last_error: null },
    ]);
    // A second success after the recovery is not news.
    await runPipeline(stack, pipeline, '2026-11-29', { partitions: [] });
    await settle();
    expect(events('run.recovered')).toHaveLength(2);
  });

  it('an unreachable receiver and one answering 500 are retried and recorded; the run is neither failed nor held up', async () => {
    const port = await closedPort();
    await saveTarget(stack.pools.owner, { name: 'void', url: `http://127.0.0.1:${port}/hook`, format: 'json', events: null, isDefault: false });
    const broken = await startWebhookReceiver();
    broken.answer(500);
    await saveTarget(stack.pools.owner, { name: 'broken', url: `${broken.url}/hook`, format: 'slack', events: null, isDefault: false });
    const pipeline = {
      ...testPipeline('unheard', [
        {
          id: 'land',
          activity: 'noop',
          layer: 'bronze',
          writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
          checks: [{ kind: 'rowCount', table: 'bronze.demo_events', min: 1, severity: 'warn' }],
        },
      ]),
      notify: ['void', 'broken'],
    };
    const started = Date.now();
    const summary = await runPipeline(stack, pipeline, '2026-11-28');
    expect(summary.status).toBe('succeeded');
    expect(Date.now() - started).toBeLessThan(10_000);
    const eventId = `check.warning/${summary.runId}`;
    const rows = await until(
      () => deliveries(eventId),
      (r) => r.length === 2 && r.every((d) => d.attempts >= 2),
    );
    expect(rows).toMatchObject([
      { target: 'broken', status: 'retrying', response_code: 500 },
      { target: 'void', status: 'retrying', response_code: null },
    ]);
    expect(rows[0].last_error).toBe(`${new URL(broken.url).host} answered 500: receiver says no`);
    expect(rows[1].last_error).toBe(`127.0.0.1:${port}: ECONNREFUSED`);
    expect(broken.received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(broken.received.map((h) => h.headers['idempotency-key']))).toEqual(new Set([eventId]));
    await broken.close();
  });

  it('a receiver that refuses the payload (4xx) is not retried', async () => {
    const picky = await startWebhookReceiver();
    picky.answer(410);
    await saveTarget(stack.pools.owner, { name: 'gone', url: `${picky.url}/hook`, format: 'json', events: null, isDefault: false });
    const pipeline = { ...testPipeline('refused', [{ id: 'boom', activity: 'fail', layer: 'silver', retry: { maximumAttempts: 1 } }]), notify: ['gone'] };
    const summary = await runPipeline(stack, pipeline, '2026-11-27');
    const rows = await until(
      () => deliveries(`run.failed/${summary.runId}`),
      (r) => r[0]?.status === 'failed',
    );
    expect(rows).toEqual([{ target: 'gone', status: 'failed', attempts: 1, response_code: 410, last_error: expect.stringContaining('answered 410') }]);
    await settle();
    expect(picky.received).toHaveLength(1);
    await picky.close();
  });

  it('a warn check notifies and the run succeeds; default targets hear from pipelines that name none', async () => {
    await saveTarget(stack.pools.owner, {
      name: 'everyone',
      url: `${receiver.url}/default`,
      format: 'json',
      events: ['check.warning', 'backfill.finished'],
      isDefault: true,
    });
    const pipeline = testPipeline('watchful', [
      {
        id: 'land',
        activity: 'noop',
        layer: 'bronze',
        writes: [{ table: 'bronze.demo_events', partitionColumn: 'partition_date' }],
        checks: [
          { kind: 'rowCount', table: 'bronze.demo_events', min: 1, severity: 'warn' },
          { kind: 'rowCount', table: 'bronze.demo_events', min: 0 },
        ],
      },
    ]);
    const summary = await runPipeline(stack, pipeline, '2026-11-26');
    expect(summary.status).toBe('succeeded');
    expect(summary.steps[0]!.warnings).toEqual([
      { check: 'rowCount(bronze.demo_events)', severity: 'warn', passed: false, observed: 0, detail: '0 rows (expected ≥ 1)' },
    ]);
    const [hook] = await receiver.waitFor((h) => h.path === '/default' && h.body.type === 'check.warning');
    expect(hook!.body).toMatchObject({
      id: `check.warning/${summary.runId}`,
      title: 'watchful 2026-11-26: 1 check did not pass (warn): land rowCount(bronze.demo_events): 0 rows (expected ≥ 1)',
    });
    // Both checks are stored with the run, passed or not, with what they observed.
    const { rows } = await stack.pools.owner.query(
      `SELECT c.name, c.severity, c.passed, c.observed FROM ops.check_results c JOIN ops.step_runs s ON s.id = c.step_run_id
        WHERE s.pipeline_run_id = $1 ORDER BY c.position`,
      [summary.runId],
    );
    expect(rows).toEqual([
      { name: 'rowCount(bronze.demo_events)', severity: 'warn', passed: false, observed: 0 },
      { name: 'rowCount(bronze.demo_events)', severity: 'error', passed: true, observed: 0 },
    ]);

    const backfill = await startBackfill(stack.client, stack.config, testPipeline('quiet', [{ id: 'a', activity: 'noop', layer: 'silver' }]), {
      range: { from: '2026-11-01', to: '2026-11-03' },
      concurrency: 3,
    });
    await backfill.result();
    const [done] = await receiver.waitFor((h) => h.path === '/default' && h.body.type === 'backfill.finished');
    expect(done!.body).toMatchObject({
      id: `backfill.finished/${backfill.workflowId}`,
      backfillId: backfill.workflowId,
      facts: { partitions: '3', succeeded: '3', failed: '0' },
    });
  });
});
