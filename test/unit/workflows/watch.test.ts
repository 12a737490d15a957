// The watch workflow's timers against Temporal's time-skipping test server, with stub activities:
// days of deadlines and hours of staleness pass in a moment. It checks each partition once, at its
// deadline (in the pipeline's time zone), keeps its place across a redefinition, re-arms freshness
// when fresher data is signalled, and sets no timer while data is already stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadlineCheck, FreshnessCheck } from '../../../engine/activities/watches.ts';
import { deadlineOf, firstPartitionDueAfter, parseDeadline } from '../../../engine/pipeline/deadlines.ts';
import { addDays } from '../../../engine/pipeline/partitions.ts';
import { partitionSucceededSignal, redefineSignal, watchPipeline, watchStateQuery, type WatchInput } from '../../../engine/workflows/watch.ts';
import { stubWorker, type StubWorker } from '../../support/time-skipping.ts';

let stub: StubWorker;
const taskQueue = 'watch-unit';
const deadlines: (DeadlineCheck & { at: number })[] = [];
const freshness: (FreshnessCheck & { at: number })[] = [];
/** What checkFreshness answers next, by pipeline: an instant, or null (already stale). */
const staleness = new Map<string, (c: FreshnessCheck) => number | null>();

// stub is assigned before anything starts, so afterAll stops what started even if starting times out.
beforeAll(() => {
  stub = stubWorker(taskQueue, {
    checkDeadline: async (c: DeadlineCheck) => {
      deadlines.push({ ...c, at: Date.now() });
      return true;
    },
    checkFreshness: async (c: FreshnessCheck) => {
      freshness.push({ ...c, at: c.now });
      return staleness.get(c.pipeline)!(c);
    },
  });
  return stub.ready;
}, 120_000);
afterAll(() => stub?.close());

const start = (input: WatchInput) => stub.env.client.workflow.start(watchPipeline, { taskQueue, workflowId: `watch/${input.pipeline}`, args: [input] });

describe('the watch workflow', () => {
  it('checks every partition once, at its deadline in the pipeline time zone, across a redefinition', async () => {
    const input: WatchInput = { pipeline: 'paris', partitioning: { kind: 'daily', timezone: 'Europe/Paris' }, deadline: 'D+1 06:00', notify: ['oncall'] };
    const handle = await start(input);
    const startedAt = (await handle.describe()).startTime.getTime();
    const first = firstPartitionDueAfter(startedAt, parseDeadline('D+1 06:00'), 'Europe/Paris');
    await stub.env.sleep('2 days');
    await handle.signal(redefineSignal, input); // a restarted worker hands the same definition over
    await stub.env.sleep('1 day');
    const checked = deadlines.filter((d) => d.pipeline === 'paris');
    expect(checked.map((d) => d.partition)).toEqual([first, addDays(first, 1), addDays(first, 2)]);
    for (const d of checked) {
      expect(d.dueAt).toBe(deadlineOf(d.partition, parseDeadline('D+1 06:00'), 'Europe/Paris'));
      expect(new Date(d.dueAt).toLocaleTimeString('en-GB', { timeZone: 'Europe/Paris' })).toBe('06:00:00');
      expect(d.notify).toEqual(['oncall']);
    }
    const state = await stub.env.client.workflow.getHandle('watch/paris').query(watchStateQuery);
    expect(state.nextDeadline?.partition).toBe(addDays(first, 3));
    await stub.env.client.workflow.getHandle('watch/paris').terminate();
  }, 60_000);

  it('sleeps until data turns stale, sets no timer while it is, and re-arms when fresher data lands', async () => {
    const hour = 3_600_000;
    let answers = 0;
    staleness.set('fresh', (c) => {
      answers++;
      if (answers === 1) return c.now + 5 * hour; // stale in 5 h
      if (answers === 2) return null; // now stale: alerted, no timer
      return c.now + 24 * hour; // fresher data: stale again in a day
    });
    const handle = await start({ pipeline: 'fresh', partitioning: { kind: 'keys' }, freshness: { maxAge: '26 hours' } });
    await stub.env.sleep('10 hours');
    expect(freshness.filter((f) => f.pipeline === 'fresh').map((f) => f.maxAgeMs)).toEqual([26 * hour, 26 * hour]);
    const [armed, fired] = freshness.filter((f) => f.pipeline === 'fresh');
    // It woke when the data turned stale (workflow time moves in task-sized steps, a few ms).
    expect(fired!.at - armed!.at).toBeGreaterThanOrEqual(5 * hour);
    expect(fired!.at - armed!.at).toBeLessThan(5 * hour + 1000);
    // Stale: nothing wakes it for days...
    await stub.env.sleep('3 days');
    expect(freshness.filter((f) => f.pipeline === 'fresh')).toHaveLength(2);
    expect((await handle.query(watchStateQuery)).staleAt).toBeUndefined();
    // ...until a run succeeds.
    await handle.signal(partitionSucceededSignal);
    await stub.env.sleep('1 minute');
    expect(freshness.filter((f) => f.pipeline === 'fresh')).toHaveLength(3);
    const { staleAt } = await handle.query(watchStateQuery);
    expect(Date.parse(staleAt!) - freshness.at(-1)!.at).toBe(24 * hour);
    await handle.terminate();
  }, 60_000);

  it('ends at once when there is nothing to watch', async () => {
    const handle = await start({ pipeline: 'idle', partitioning: { kind: 'keys' } });
    expect(await handle.result()).toEqual({ pipeline: 'idle', missed: [] });
  }, 30_000);
});
