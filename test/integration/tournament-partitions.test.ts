// Simulated outcomes by tournament (migrations/0092): each tournament's rows in a partition of its own,
// made by the worker through bronze.ensure_simulated_outcomes_partition (never by a failing insert),
// so a re-run's replacement and its dead rows stay in its tournament, and a read of one tournament
// touches one partition whatever the number of tournaments behind it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows } from '../../lib/db/copy.ts';
import { withClient, withTransaction } from '../../lib/db/pool.ts';
import { OUTCOME_COLUMNS } from '../../lib/tournament/outcome-rows.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

const q = async (sql: string, params: unknown[] = []) => (await stack.pools.owner.query(sql, params)).rows;

/** The partition each of a tournament's rows is in, and how many rows each holds. */
async function placement(tournament: string): Promise<Record<string, number>> {
  const rows = await q(`SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM bronze.simulated_outcomes WHERE tournament_key = $1 GROUP BY 1`, [
    tournament,
  ]);
  return Object.fromEntries(rows.map((r) => [r.part, r.n]));
}

/** `simulations` simulations of a 4-team field, as the simulate step writes them. */
function outcomes(tournament: string, simulations: number, from = 0) {
  return Array.from({ length: simulations * 4 }, (_, i) => {
    const simulation = from + Math.floor(i / 4);
    return [tournament, simulation, `team-${i % 4}`, i % 3, 0, (i % 3) + 1];
  });
}

async function replace(tournament: string, simulations: number) {
  await stack.pools.worker.query('SELECT bronze.ensure_simulated_outcomes_partition($1)', [tournament]);
  await withTransaction(stack.pools.worker, async (client) => {
    await client.query('DELETE FROM bronze.simulated_outcomes WHERE tournament_key = $1', [tournament]);
    await copyRows(client, { table: 'bronze.simulated_outcomes', columns: OUTCOME_COLUMNS }, outcomes(tournament, simulations));
  });
}

describe('simulated outcomes by tournament', () => {
  it('give each tournament a partition of its own, named after its key, made once', async () => {
    await replace('ncaa-tournament-2026', 50);
    await replace('NCAA Women’s / 2026', 30);
    expect(await placement('ncaa-tournament-2026')).toEqual({
      [`bronze.simulated_outcomes_ncaa_tournament_2026_${(await md5('ncaa-tournament-2026')).slice(0, 8)}`]: 200,
    });
    const other = await placement('NCAA Women’s / 2026');
    expect(Object.keys(other)).toEqual([expect.stringMatching(/^bronze\.simulated_outcomes_ncaa_women_s_2026_[0-9a-f]{8}$/)]);
    expect(Object.values(other)).toEqual([120]);
    const { rows } = await stack.pools.worker.query('SELECT bronze.ensure_simulated_outcomes_partition($1) AS made', ['ncaa-tournament-2026']);
    expect(rows[0].made).toBe(false);
  });

  it('land a tournament without a partition in the default one, and move its rows when the partition is made', async () => {
    await withClient(stack.pools.worker, (client) =>
      copyRows(client, { table: 'bronze.simulated_outcomes', columns: OUTCOME_COLUMNS }, outcomes('late-key', 10)),
    );
    expect(await placement('late-key')).toEqual({ 'bronze.simulated_outcomes_default': 40 });
    await stack.pools.worker.query('SELECT bronze.ensure_simulated_outcomes_partition($1)', ['late-key']);
    expect(Object.values(await placement('late-key'))).toEqual([40]);
    expect(Object.keys(await placement('late-key'))[0]).toMatch(/^bronze\.simulated_outcomes_late_key_[0-9a-f]{8}$/);
    expect((await q('SELECT count(*)::int AS n FROM bronze.simulated_outcomes_default'))[0].n).toBe(0);
  });

  it('keep a re-run in its tournament: the other partitions are not touched, and reads and deletes of one tournament scan one partition', async () => {
    const otherPart = Object.keys(await placement('NCAA Women’s / 2026'))[0]!;
    const before = await q(`SELECT min(xmin::text::bigint) AS lo, max(xmin::text::bigint) AS hi, count(*)::int AS n FROM ${otherPart}`);
    await replace('ncaa-tournament-2026', 80);
    expect(Object.values(await placement('ncaa-tournament-2026'))).toEqual([320]);
    expect(await q(`SELECT min(xmin::text::bigint) AS lo, max(xmin::text::bigint) AS hi, count(*)::int AS n FROM ${otherPart}`)).toEqual(before);
    for (const sql of [
      `EXPLAIN (FORMAT JSON) SELECT team_key, wins FROM bronze.simulated_outcomes WHERE tournament_key = $1`,
      `EXPLAIN (FORMAT JSON) DELETE FROM bronze.simulated_outcomes WHERE tournament_key = $1 AND simulation >= 10`,
    ]) {
      const { rows } = await stack.pools.worker.query(sql, ['ncaa-tournament-2026']);
      // Every table the plan names other than the parent (which a DELETE names as its target).
      const scanned = [...JSON.stringify(rows[0]['QUERY PLAN']).matchAll(/"Relation Name":"([^"]+)"/g)]
        .map((m) => m[1])
        .filter((name) => name !== 'simulated_outcomes');
      expect(new Set(scanned)).toEqual(new Set([expect.stringMatching(/simulated_outcomes_ncaa_tournament_2026_/)]));
    }
  });

  it('are made only through the function: the worker cannot create tables in bronze, and the API may not call it', async () => {
    await expect(
      stack.pools.worker.query('CREATE TABLE bronze.simulated_outcomes_x PARTITION OF bronze.simulated_outcomes FOR VALUES IN ($$x$$)'),
    ).rejects.toThrow(/permission denied/);
    await expect(stack.pools.api.query('SELECT bronze.ensure_simulated_outcomes_partition($1)', ['x'])).rejects.toThrow(/permission denied/);
  });
});

async function md5(text: string): Promise<string> {
  return (await q('SELECT md5($1) AS h', [text]))[0].h;
}
