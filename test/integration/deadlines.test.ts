// Deadlines and freshness on the real stack, with deadlines seconds away: a missed deadline raises
// one alert and one notification, even across a worker restart and a second watch start; the alert
// shows in the API and the CLI until the partition succeeds. Stale data alerts once, and fresher
// data resolves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { saveTarget } from '../../engine/notifications/store.ts';
import { addDays, localDate } from '../../engine/pipeline/partitions.ts';
import { ensureWatches } from '../../engine/temporal/watches.ts';
import { watchStateQuery } from '../../engine/workflows/index.ts';
import { refineryCli } from '../support/cli.ts';
import { runPipeline, testPipeline } from '../support/pipelines.ts';
import { createTestStack, type RunningWorkers, type TestStack } from '../support/stack.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

let stack: TestStack;
let receiver: WebhookReceiver;
let app: App;
let reader: string;
let workers: RunningWorkers;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  workers = await stack.startWorkers();
  receiver = await startWebhookReceiver();
  await saveTarget(stack.pools.owner, { name: 'sla', url: `${receiver.url}/sla`, format: 'json', events: null, isDefault: false });
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 't'),
    ready: { postgres: async () => {}, temporal: async () => {} },
  });
  reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
});
afterAll(async () => {
  await receiver?.close();
  await stack?.close();
});

const alerts = async (query = '') => {
  const res = await app.request(`/v1/alerts${query}`, { headers: { authorization: `Bearer ${reader}` } });
  return ((await res.json()) as { items: any[] }).items;
};

const hhmmss = (ms: number) => new Date(ms).toISOString().slice(11, 19);

describe('deadlines', () => {
  it('a partition that misses its deadline alerts once, through a worker restart, until it succeeds', async () => {
    const due = Math.ceil((Date.now() + 12_000) / 1000) * 1000;
    const partition = new Date(due).toISOString().slice(0, 10);
    const pipeline = { ...testPipeline('punctual', [{ id: 'make', activity: 'noop', layer: 'gold' }]), deadline: `D+0 ${hhmmss(due)}`, notify: ['sla'] };
    expect(await ensureWatches(stack.client, stack.taskQueues.io, [pipeline])).toEqual(['punctual']);
    const watch = stack.client.workflow.getHandle('watch/punctual');
    await expect
      .poll(() => watch.query(watchStateQuery).then((s) => s.nextDeadline), { timeout: 10_000 })
      .toEqual({
        partition,
        at: new Date(due).toISOString(),
      });

    // The workers restart while the timer runs, and a restarted worker starts the watch again.
    await workers.stop();
    workers = await stack.startWorkers();
    await ensureWatches(stack.client, stack.taskQueues.io, [pipeline]);

    const [hook] = await receiver.waitFor((h) => h.body?.type === 'deadline.missed', 1, 40_000);
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    expect(hook!.body).toMatchObject({
      id: `deadline.missed/punctual/${partition}`,
      pipeline: 'punctual',
      partition,
      title: `punctual ${partition} had not succeeded by its deadline ${new Date(due).toISOString()}`,
    });
    expect(await alerts('?pipeline=punctual')).toEqual([
      expect.objectContaining({ id: `deadline/punctual/${partition}`, kind: 'deadline', partition, dueAt: new Date(due).toISOString(), resolvedAt: null }),
    ]);
    const cli = await refineryCli(stack, ['alerts', '--pipeline', 'punctual']);
    expect(cli.stdout).toMatch(new RegExp(`^OPEN\\s+deadline\\s+punctual\\s+${partition}\\s+punctual ${partition} had not succeeded`));

    // Met: the partition succeeds, and the alert is resolved (still listed with --all / ?all=true).
    await runPipeline(stack, pipeline, partition);
    expect(await alerts('?pipeline=punctual')).toEqual([]);
    expect((await alerts('?pipeline=punctual&all=true'))[0].resolvedAt).not.toBeNull();
    // Notified once, and the watch has moved on to the next day.
    await new Promise((r) => setTimeout(r, 2000));
    expect(receiver.received.filter((h) => h.body?.type === 'deadline.missed')).toHaveLength(1);
    expect((await watch.query(watchStateQuery)).nextDeadline?.partition).toBe(addDays(partition, 1));
  }, 120_000);
});

describe('freshness', () => {
  it('stale data alerts once; a newer partition resolves it and re-arms the timer', async () => {
    const today = localDate(new Date(), 'UTC');
    const old = addDays(today, -2);
    // The data of `old` is as of the end of its day; it turns stale six seconds from now.
    const staleAt = Date.now() + 6000;
    const maxAge = staleAt - Date.parse(`${addDays(old, 1)}T00:00:00Z`);
    const pipeline = { ...testPipeline('fresh', [{ id: 'make', activity: 'noop', layer: 'gold' }]), freshness: { maxAge }, notify: ['sla'] };
    await runPipeline(stack, pipeline, old);
    await ensureWatches(stack.client, stack.taskQueues.io, [pipeline]);

    const [hook] = await receiver.waitFor((h) => h.body?.type === 'freshness.exceeded', 1, 30_000);
    expect(hook!.body).toMatchObject({ id: `freshness.exceeded/fresh/${old}`, partition: old, facts: { 'newest partition': old } });
    expect(await alerts('?pipeline=fresh')).toEqual([expect.objectContaining({ kind: 'freshness', partition: old, resolvedAt: null })]);

    await runPipeline(stack, pipeline, addDays(old, 1));
    expect(await alerts('?pipeline=fresh')).toEqual([]);
    const watch = stack.client.workflow.getHandle('watch/fresh');
    await expect
      .poll(() => watch.query(watchStateQuery).then((s) => s.staleAt), { timeout: 10_000 })
      .toBe(new Date(Date.parse(`${today}T00:00:00Z`) + maxAge).toISOString());
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.filter((h) => h.body?.type === 'freshness.exceeded')).toHaveLength(1);
  }, 90_000);
});
