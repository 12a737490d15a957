// Arrival counting as ingest does it: the ingest role appends through bronze.record_arrivals and
// nothing else; folds running alongside concurrent ingest never lose or double a count (readers
// see folded totals plus the log in one snapshot); "from N devices" counts the devices that sent
// rows after an instant, folded or not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldArrivals, recordArrivals } from '../../engine/staleness/arrivals.ts';
import { arrivalTotals, originsSince } from '../../engine/staleness/current.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

const totals = async () => Object.fromEntries((await arrivalTotals(stack.pools.api, 'imu_readings')).map((t) => [t.partition, Number(t.items)]));

describe('arrivals', () => {
  it('are only ever added by the ingest role, through the function', async () => {
    await expect(stack.pools.ingest.query(`INSERT INTO ops.arrival_log VALUES ('x', 'p', '{a}', '{1}', 1, now())`)).rejects.toThrow(/permission denied/);
    await expect(stack.pools.ingest.query('SELECT * FROM ops.arrivals')).rejects.toThrow(/permission denied/);
    await expect(stack.pools.api.query('SELECT bronze.fold_arrivals()')).rejects.toThrow(/permission denied/);
  });

  it('keep every count through folds racing concurrent ingest, and count late devices before and after a fold', async () => {
    const days = ['2026-11-20', '2026-11-21', '2026-11-22'];
    const expected: Record<string, number> = {};
    const writes = Array.from({ length: 60 }, (_, i) => async () => {
      const day = days[i % days.length]!;
      const items = 100 + i;
      // Each in its own transaction, as a flush does; a few roll back and must leave no count.
      const failed = i % 10 === 7;
      await withTransaction(stack.pools.ingest, async (client) => {
        await recordArrivals(client, 'imu_readings', [
          { partition: day, origin: `wrist-${i % 7}`, items },
          { partition: day, origin: `wrist-${(i + 1) % 7}`, items: 1 },
        ]);
        if (failed) throw new Error('rolled back');
      }).catch(() => {});
      if (!failed) expected[day] = (expected[day] ?? 0) + items + 1;
    });
    // A fold started after every fourth write, all of them at once.
    const work = writes.flatMap((write, i) => (i % 4 === 0 ? [write, () => foldArrivals(stack.pools.worker)] : [write]));
    await Promise.all(work.map((f) => f()));
    expect(await totals()).toEqual(expected);
    await foldArrivals(stack.pools.worker);
    expect(await totals()).toEqual(expected);
    const { rows } = await stack.pools.owner.query('SELECT count(*)::int AS n FROM ops.arrival_log');
    expect(rows[0].n).toBe(0);

    // Two devices sync late for one day: counted while in the log, and after the fold.
    const [{ at }] = (await stack.pools.owner.query(`SELECT date_trunc('milliseconds', clock_timestamp()) AS at`)).rows;
    await new Promise((r) => setTimeout(r, 5));
    await recordArrivals(stack.pools.ingest, 'imu_readings', [
      { partition: days[1]!, origin: 'wrist-late', items: 10 },
      { partition: days[1]!, origin: 'wrist-0', items: 5 },
    ]);
    const since = [{ partition: days[1]!, after: at.toISOString() }];
    expect(await originsSince(stack.pools.api, 'imu_readings', since)).toEqual(new Map([[days[1], 2]]));
    await foldArrivals(stack.pools.worker);
    expect(await originsSince(stack.pools.api, 'imu_readings', since)).toEqual(new Map([[days[1], 2]]));
    expect((await totals())[days[1]!]).toBe(expected[days[1]!]! + 15);
  });
});
