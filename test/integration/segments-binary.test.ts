// Bronze segments by binary COPY against a real PostgreSQL: the same batches' rows copied as text
// (what ingest sent before) and as binary (what it sends now) read back identically, float4 bits and
// −0 included, for every shape a batch can take; and a large sample of short decimals over the whole
// range isShortDecimal accepts parses to Math.fround of its double in PostgreSQL's own float4in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentRows, SEGMENT_COLUMNS, isShortDecimal, type SegmentBatch } from '../../domains/sensor/ingest/segments.ts';
import { copyBatches, copyBinaryBatches } from '../../lib/db/copy.ts';
import { withTransaction } from '../../lib/db/pool.ts';
import type { CopyRow } from '../../lib/db/copy-format.ts';
import { CHANNELS, type Reading } from '../../lib/imu/reading.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.pools.owner.query(`
    CREATE TABLE bronze.segments_as_text (LIKE bronze.imu_segments);
    CREATE TABLE bronze.segments_as_binary (LIKE bronze.imu_segments);
    CREATE TABLE bronze.decimals_as_text (k int[] PRIMARY KEY, v real[]);
    CREATE TABLE bronze.decimals_as_binary (k int[] PRIMARY KEY, v real[]);
  `);
});
afterAll(() => stack?.close());

const DAY = 86_400_000;

function random(seed: number) {
  let s = seed;
  return () => (s = (s * 48_271) % 2_147_483_647) / 2_147_483_647;
}

/** A short decimal of 1–6 significant digits anywhere from 1e-15 to 1e15, either sign. */
function shortDecimal(next: () => number): number {
  const v = Number(((next() * 2 - 1) * 10 ** Math.floor(next() * 30 - 15)).toPrecision(1 + Math.floor(next() * 6)));
  return Math.abs(v) < 1e-15 ? 0 : v;
}

function batch(id: string, start: number, n: number, value: (i: number, c: number) => number | undefined): SegmentBatch {
  const readings = Array.from({ length: n }, (_, i) => {
    const r: Record<string, number> = { timestamp: start + i * 20 };
    CHANNELS.forEach((c, k) => {
      const v = value(i, k);
      if (v !== undefined) r[c] = v;
    });
    return r as unknown as Reading;
  });
  return { deviceId: 'gerät-1', batchId: id, sessionId: id.endsWith('s') ? 's-1' : null, readings };
}

/** The same readings as the columnar body brings them. */
function asColumns(b: SegmentBatch & { readings: readonly Reading[] }, nine: boolean): SegmentBatch {
  return {
    deviceId: b.deviceId,
    batchId: `${b.batchId}-columns`,
    sessionId: b.sessionId,
    timestamp: Float64Array.from(b.readings, (r) => r.timestamp),
    channels: CHANNELS.slice(0, nine ? 9 : 6).map((c) => Float64Array.from(b.readings, (r) => r[c]!)),
  };
}

/** Every column as PostgreSQL prints it (real and float8 print the shortest exact decimal, −0 as "-0"). */
async function printed(table: string) {
  const { rows } = await stack.pools.owner.query<{ row: string }>(`SELECT t::text AS row FROM bronze.${table} t ORDER BY batch_id, day`);
  return rows.map((r) => r.row);
}

describe('bronze segments by binary COPY', () => {
  it('reads back exactly what text COPY stored, for every shape of batch', async () => {
    const next = random(11);
    const midnight = Date.UTC(2026, 10, 30);
    const start = midnight - 600;
    const short = batch('short-s', start, 60, () => shortDecimal(next));
    const batches: SegmentBatch[] = [
      short,
      asColumns(short as SegmentBatch & { readings: readonly Reading[] }, true),
      batch('signed-zero', start, 40, (i, c) => (i % 2 ? -0 : c === 0 ? 0 : -1.5)),
      batch('tiny-huge', start, 40, (i, c) => (c % 2 ? Number(`${i + 1}e-15`) : -999_999e9 + i * 1e9)),
      batch('no-magnetometer-s', start, 50, (i, c) => (c >= 6 ? undefined : Math.round(next() * 1e5) / 1e4)),
      batch('partial-magnetometer', start, 50, (i, c) => (c >= 6 && i % 3 === 0 ? undefined : Math.round(next() * 1e4) / 1e2)),
      batch('full-doubles', start, 50, (i, c) => (c === 7 && i % 4 === 0 ? undefined : next() * 30 - 15)),
      batch('one-long-value', start + DAY, 40, (i, c) => (i === 39 && c === 3 ? Math.PI : i / 8)),
      batch('old-day', Date.UTC(2021, 2, 14, 9), 10, (i, c) => i - c),
    ];
    const rows = batches.map((b) => segmentRows(b, new Date(midnight + 123)));
    // Both segment kinds, both sides of midnight, and NULL elements are in the sample.
    const flat = rows.flat();
    const at = (name: string) => SEGMENT_COLUMNS.findIndex((c) => c.name === name);
    expect(new Set(flat.map((r) => r[at('day')]))).toEqual(new Set(['2026-11-29', '2026-11-30', '2026-12-01', '2021-03-14']));
    expect(flat.some((r) => r[at('ax')] === null) && flat.some((r) => r[at('ax8')] === null)).toBe(true);
    expect(flat.some((r) => Array.isArray(r[at('my')]) && (r[at('my')] as unknown[]).includes(null))).toBe(true);

    await withTransaction(stack.pools.owner, async (client) => {
      await copyBatches(client, { table: 'bronze.segments_as_text', columns: SEGMENT_COLUMNS }, rows);
      await copyBinaryBatches(client, { table: 'bronze.segments_as_binary', columns: SEGMENT_COLUMNS }, rows);
    });
    const text = await printed('segments_as_text');
    expect(text).toHaveLength(flat.length);
    expect(await printed('segments_as_binary')).toEqual(text);
    // The zeros and the extremes went to real[], as short decimals.
    const { rows: kinds } = await stack.pools.owner.query(
      `SELECT DISTINCT batch_id, ax IS NOT NULL AS short FROM bronze.segments_as_binary WHERE batch_id IN ('signed-zero', 'tiny-huge') ORDER BY 1`,
    );
    expect(kinds).toEqual([
      { batch_id: 'signed-zero', short: true },
      { batch_id: 'tiny-huge', short: true },
    ]);
    // −0 kept its sign in real[] (and 0 stayed 0); session_id NULL stayed NULL; non-ASCII text intact.
    const { rows: zero } = await stack.pools.owner.query(
      `SELECT ax::text AS ax, session_id, device_id FROM bronze.segments_as_binary WHERE batch_id = 'signed-zero' ORDER BY day`,
    );
    expect(zero[0]).toEqual({ ax: expect.stringMatching(/^\{0,-0,0,-0,/), session_id: null, device_id: 'gerät-1' });
  });

  it('stores 200,000 short decimals from 1e-15 to 1e15 as the float4 PostgreSQL parses from their text', async () => {
    const next = random(20_261_201);
    const arrays: CopyRow[] = [];
    for (let k = 0; k < 200; k++) {
      const values = new Float64Array(1000);
      for (let i = 0; i < values.length; i++) {
        let v = shortDecimal(next);
        while (!isShortDecimal(v)) v = shortDecimal(next);
        values[i] = v;
      }
      arrays.push([Int32Array.of(k), values]);
    }
    const columns = [
      { name: 'k', type: 'int4[]' as const },
      { name: 'v', type: 'float4[]' as const },
    ];
    await withTransaction(stack.pools.owner, async (client) => {
      await copyBatches(client, { table: 'bronze.decimals_as_text', columns }, [arrays]);
      await copyBinaryBatches(client, { table: 'bronze.decimals_as_binary', columns }, [arrays]);
    });
    const { rows } = await stack.pools.owner.query<{ k: number; same: boolean }>(
      `SELECT t.k[1] AS k, t.v::text = b.v::text AS same FROM bronze.decimals_as_text t JOIN bronze.decimals_as_binary b USING (k) ORDER BY 1`,
    );
    expect(rows).toHaveLength(200);
    expect(rows.filter((r) => !r.same)).toEqual([]);
  });
});
