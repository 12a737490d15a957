// The COPY writer against a real PostgreSQL: exact round trips, atomic partition replacement,
// and streaming (errors stop the source instead of draining it).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyRows, replacePartition } from '../../lib/db/copy.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.pools.owner.query(`
    CREATE TABLE bronze.roundtrip (
      id int PRIMARY KEY, t text, d float8, i int8, b bool, ts timestamptz, j jsonb, ta text[], da float8[], by bytea
    );
    CREATE TABLE bronze.partitioned (day date NOT NULL, n int NOT NULL, note text);
    GRANT SELECT, INSERT, DELETE ON bronze.partitioned TO refinery_worker;
  `);
});
afterAll(() => stack?.close());

const names = ['id', 't', 'd', 'i', 'b', 'ts', 'j', 'ta', 'da', 'by'];
const columns = names.map((name) => (name === 'j' ? { name, json: true } : name));
const tricky = fc.string({ unit: fc.constantFrom('\\', '\t', '\n', '\r', 'N', '"', '{', '}', ',', ' ', 'é', '😀', '\u2028', '\u0001', 'a') });
const text = fc.oneof(tricky, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })).filter((s) => !s.includes('\0'));
const json = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('\\u0000'));
const row = fc.record({
  t: fc.option(text),
  d: fc.option(fc.double()),
  i: fc.option(fc.maxSafeInteger()),
  b: fc.option(fc.boolean()),
  ts: fc.option(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })),
  j: fc.option(json),
  ta: fc.option(fc.array(fc.option(text), { maxLength: 5 })),
  da: fc.option(fc.array(fc.double(), { maxLength: 5 })),
  by: fc.option(fc.uint8Array({ maxLength: 32 })),
});

describe('COPY writer', () => {
  it('round-trips arbitrary strings, numbers, nulls, dates, JSON and arrays exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 40 }), async (rows) => {
        const written = await withTransaction(stack.pools.owner, async (client) => {
          await client.query('TRUNCATE bronze.roundtrip');
          return copyRows(
            client,
            { table: 'bronze.roundtrip', columns },
            rows.map((r, id) => [id, r.t, r.d, r.i, r.b, r.ts, r.j, r.ta, r.da, r.by]),
          );
        });
        expect(written).toBe(rows.length);
        const { rows: back } = await stack.pools.owner.query(`SELECT ${names.join(', ')} FROM bronze.roundtrip ORDER BY id`);
        expect(back).toHaveLength(rows.length);
        rows.forEach((r, id) => {
          const got = back[id];
          expect(got.t).toBe(r.t);
          expect(Object.is(got.d, r.d)).toBe(true);
          expect(got.i).toBe(r.i);
          expect(got.b).toBe(r.b);
          expect(got.ts?.getTime() ?? null).toBe(r.ts?.getTime() ?? null);
          // jsonb stores JSON, so -0 becomes 0 exactly as JSON.stringify would write it.
          expect(got.j).toStrictEqual(r.j === null ? null : JSON.parse(JSON.stringify(r.j)));
          expect(got.ta).toStrictEqual(r.ta);
          expect(got.da === null ? null : got.da.map(Number)).toStrictEqual(r.da);
          expect(got.by === null ? null : new Uint8Array(got.by)).toStrictEqual(r.by);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('replaces exactly one partition and leaves the others alone', async () => {
    const target = { table: 'bronze.partitioned', columns: ['day', 'n', 'note'] };
    const rowsFor = (day: string, count: number, note: string) => Array.from({ length: count }, (_, n) => [day, n, note]);
    await replacePartition(stack.pools.worker, target, { day: '2026-01-01' }, rowsFor('2026-01-01', 100, 'first'));
    await replacePartition(stack.pools.worker, target, { day: '2026-01-02' }, rowsFor('2026-01-02', 50, 'other'));
    const result = await replacePartition(stack.pools.worker, target, { day: '2026-01-01' }, rowsFor('2026-01-01', 80, 'second'));
    expect(result).toEqual({ deleted: 100, inserted: 80 });
    const { rows } = await stack.pools.owner.query('SELECT day::text, note, count(*)::int AS n FROM bronze.partitioned GROUP BY 1, 2 ORDER BY 1');
    expect(rows).toEqual([
      { day: '2026-01-01', note: 'second', n: 80 },
      { day: '2026-01-02', note: 'other', n: 50 },
    ]);
  });

  it('keeps the old partition when the new rows fail half way (one transaction)', async () => {
    const target = { table: 'bronze.partitioned', columns: ['day', 'n', 'note'] };
    await replacePartition(stack.pools.worker, target, { day: '2026-02-01' }, [['2026-02-01', 1, 'kept']]);
    function* failing() {
      for (let n = 0; n < 50_000; n++) {
        if (n === 30_000) throw new Error('source broke');
        yield ['2026-02-01', n, 'new'];
      }
    }
    await expect(replacePartition(stack.pools.worker, target, { day: '2026-02-01' }, failing())).rejects.toThrow('source broke');
    const { rows } = await stack.pools.owner.query("SELECT note FROM bronze.partitioned WHERE day = '2026-02-01'");
    expect(rows).toEqual([{ note: 'kept' }]);
  });

  it('never leaves duplicates when two replacements of one partition race', async () => {
    const target = { table: 'bronze.partitioned', columns: ['day', 'n', 'note'] };
    const rows = Array.from({ length: 5000 }, (_, n) => ['2026-03-01', n, 'race']);
    await Promise.all([1, 2, 3, 4].map(() => replacePartition(stack.pools.worker, target, { day: '2026-03-01' }, rows)));
    const { rows: counts } = await stack.pools.owner.query("SELECT count(*)::int AS n FROM bronze.partitioned WHERE day = '2026-03-01'");
    expect(counts[0].n).toBe(5000);
  });

  it('stops pulling from the source when the server rejects a row (streaming, not buffering)', async () => {
    let pulled = 0;
    function* source() {
      for (let n = 0; n < 1_000_000; n++) {
        pulled++;
        yield ['2026-04-01', n === 20_000 ? 'not a number' : n, 'x'];
      }
    }
    await expect(
      replacePartition(stack.pools.worker, { table: 'bronze.partitioned', columns: ['day', 'n', 'note'] }, { day: '2026-04-01' }, source()),
    ).rejects.toThrow(/invalid input syntax for type integer/);
    expect(pulled).toBeLessThan(1_000_000);
    const { rows } = await stack.pools.owner.query("SELECT count(*)::int AS n FROM bronze.partitioned WHERE day = '2026-04-01'");
    expect(rows[0].n).toBe(0);
  });

  it('refuses a row with the wrong number of values, naming the table and row', async () => {
    await expect(
      withTransaction(stack.pools.owner, (client) => copyRows(client, { table: 'bronze.partitioned', columns: ['day', 'n', 'note'] }, [['2026-05-01', 1]])),
    ).rejects.toThrow('bronze.partitioned: row 1 has 2 values for 3 columns');
  });
});
