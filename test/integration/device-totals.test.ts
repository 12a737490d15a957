// Each device's totals over every day of gold (migrations/0094): kept by triggers on
// gold.device_daily_activity in the writing transaction, equal to summing the days whatever writes
// them (inserts, re-runs that replace a day, updates, deletes, truncation, concurrent writers of
// different days), and read by the device listing as one row a device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { activityDaysBetween, listDevices } from '../../domains/sensor/routes/devices/devices.queries.ts';
import { LISTING_FRESHNESS_PARTITIONS } from '../../domains/sensor/routes/devices/devices.routes.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;

/** The totals as kept, and as summed from the days, device by device. */
async function keptAndSummed() {
  const kept = await q(
    `SELECT device_id, first_day::text, last_day::text, days, readings::bigint, sessions::bigint, active_minutes FROM gold.device_totals ORDER BY 1`,
  );
  const summed = await q(
    `SELECT device_id, min(partition_date)::text AS first_day, max(partition_date)::text AS last_day, count(*)::int AS days, sum(readings)::bigint AS readings,
            sum(sessions)::bigint AS sessions, sum(active_minutes) AS active_minutes FROM gold.device_daily_activity GROUP BY 1 ORDER BY 1`,
  );
  return { kept, summed };
}

/** A day's rows for the devices, as the summaries step writes them: the day replaced in one transaction. */
async function writeDay(day: string, devices: string[], readings = 1000) {
  await withTransaction(stack.pools.worker, async (client) => {
    await client.query('DELETE FROM gold.device_daily_activity WHERE partition_date = $1', [day]);
    await client.query(`INSERT INTO gold.device_daily_activity SELECT $1::date, d, $3, 10, 2, 30.5, '{}', NULL FROM unnest($2::text[]) AS d`, [
      day,
      devices,
      readings,
    ]);
  });
}

describe('device totals', () => {
  it('follow inserts, a re-run replacing a day, updates and deletes', async () => {
    await writeDay('2026-05-01', ['dev-a', 'dev-b']);
    await writeDay('2026-05-02', ['dev-a', 'dev-c']);
    await writeDay('2026-05-03', ['dev-a']);
    await writeDay('2026-05-02', ['dev-a', 'dev-b'], 2000); // re-run: dev-c's only day goes, dev-b gains one
    await stack.pools.worker.query(`UPDATE gold.device_daily_activity SET readings = readings + 5 WHERE device_id = 'dev-a'`);
    await stack.pools.worker.query(`DELETE FROM gold.device_daily_activity WHERE partition_date = '2026-05-01' AND device_id = 'dev-a'`);
    const { kept, summed } = await keptAndSummed();
    expect(kept).toEqual(summed);
    expect(kept.map((k) => k.device_id)).toEqual(['dev-a', 'dev-b']);
    expect(kept[0]).toMatchObject({ first_day: '2026-05-02', last_day: '2026-05-03', days: 2, readings: 2005 + 1005 });
    const listed = await listDevices(stack.pools.api, null, 10);
    expect(listed).toEqual([
      { deviceId: 'dev-a', firstDay: '2026-05-02', lastDay: '2026-05-03', days: 2, readings: 3010, sessions: 4, activeMinutes: 61 },
      { deviceId: 'dev-b', firstDay: '2026-05-01', lastDay: '2026-05-02', days: 2, readings: 3000, sessions: 4, activeMinutes: 61 },
    ]);
    expect(await listDevices(stack.pools.api, 'dev-a', 10)).toHaveLength(1);
  });

  it('stay equal to the days with concurrent writers of different days of the same devices', async () => {
    const devices = Array.from({ length: 40 }, (_, i) => `fleet-${String(i).padStart(2, '0')}`);
    const days = Array.from({ length: 12 }, (_, i) => `2026-06-${String(i + 1).padStart(2, '0')}`);
    // Every day written by 6 writers at once, then every day again (a re-run), with overlapping
    // device sets. A day is never written by two writers at once (a run holds its partition).
    for (const pass of [0, 1]) {
      let next = 0;
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (let i = next++; i < days.length; i = next++)
            await writeDay(
              days[i]!,
              devices.filter((_, d) => (d + i + pass) % 3 !== 0),
              100 + i + pass,
            );
        }),
      );
    }
    const { kept, summed } = await keptAndSummed();
    expect(kept).toEqual(summed);
    expect(kept.length).toBeGreaterThan(40);
  });

  it('give the listing, whose freshness names the newest days and counts the rest however many days there are', async () => {
    const ready = { postgres: async () => {}, temporal: async () => {} };
    const app = createApp({ readPool: stack.pools.api, ingestPool: stack.pools.ingest, log: createLogger('silent', 'device-totals'), ready });
    const { token } = await createApiKey(stack.pools.owner, { name: 'listing reader', role: 'reader' });
    const res = await app.request('/v1/devices?limit=100', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { deviceId: string; days: number }[]; freshness: { partitions: { partition: string }[]; omitted: number } };
    const days = (await q('SELECT DISTINCT partition_date::text AS day FROM gold.device_daily_activity ORDER BY 1 DESC')).map((r) => r.day as string);
    expect(body.items.map((d) => d.deviceId)).toEqual((await q('SELECT device_id FROM gold.device_totals ORDER BY 1')).map((r) => r.device_id));
    expect(days.length).toBeGreaterThan(LISTING_FRESHNESS_PARTITIONS);
    expect(body.freshness.partitions.map((p) => p.partition)).toEqual(days.slice(0, LISTING_FRESHNESS_PARTITIONS));
    expect(body.freshness.omitted).toBe(days.length - LISTING_FRESHNESS_PARTITIONS);
  });

  it('give the days of gold in a span, one probe a day, gaps and edges as they are', async () => {
    const distinct = async (from: string, to: string) =>
      (
        await q('SELECT DISTINCT partition_date::text AS day FROM gold.device_daily_activity WHERE partition_date BETWEEN $1 AND $2 ORDER BY 1', [from, to])
      ).map((r) => r.day as string);
    for (const [from, to] of [
      ['2026-04-01', '2026-07-01'],
      ['2026-05-02', '2026-06-03'],
      ['2026-05-04', '2026-05-31'],
      ['2026-06-12', '2026-06-12'],
    ] as const) {
      const days = await activityDaysBetween(stack.pools.api, from, to);
      expect(days, `${from}..${to}`).toEqual(await distinct(from, to));
    }
    expect(await activityDaysBetween(stack.pools.api, '2026-05-02', '2026-06-03')).toContain('2026-06-01');
    expect(await activityDaysBetween(stack.pools.api, '2026-05-04', '2026-05-31')).toEqual([]);
  });

  it('are emptied with the days, and the API role may read them but not write them', async () => {
    await stack.pools.owner.query('TRUNCATE gold.device_daily_activity');
    expect(await q('SELECT count(*)::int AS n FROM gold.device_totals')).toEqual([{ n: 0 }]);
    await expect(stack.pools.api.query(`INSERT INTO gold.device_totals VALUES ('x', '2026-01-01', '2026-01-01', 1, 1, 1, 1)`)).rejects.toThrow(
      /permission denied/,
    );
  });
});
