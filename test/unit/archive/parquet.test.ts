// The archive's Parquet: every value a row held comes back as written (float4 as float4, NaN, -0,
// ±Infinity, NULLs in and out of arrays, microsecond timestamps, int8 beyond 2^53), and the row
// digest tells apart rows that differ in any one value.
import { describe, expect, it } from 'vitest';
import {
  archiveColumn,
  ArchiveWriter,
  copyValues,
  readArchive,
  RowDigest,
  timestampText,
  UnsupportedColumn,
  type ArchiveRow,
} from '../../../lib/archive/parquet.ts';

const columns = [
  archiveColumn('t', 'day', 'date'),
  archiveColumn('t', 'device_id', 'text'),
  archiveColumn('t', 'received_at', 'timestamp with time zone'),
  archiveColumn('t', 'ms', 'integer[]'),
  archiveColumn('t', 'ax', 'real[]'),
  archiveColumn('t', 'ax8', 'double precision[]'),
  archiveColumn('t', 'n', 'bigint'),
  archiveColumn('t', 'rate', 'double precision'),
  archiveColumn('t', 'ok', 'boolean'),
  archiveColumn('t', 'tags', 'text[]'),
];

const rows: ArchiveRow[] = [
  [20_666, 'wrist-1', 1_785_542_400_123_456n, [0, 20, 40], [0.1, -0, NaN], null, 9_007_199_254_740_993n, 50, true, ['a', 'b "c"']],
  [20_666, 'wrist-ü', -1n, [], null, [Infinity, -Infinity, 1e-300, null], null, 1 / 3, false, null],
  [20_666, null, 0n, [86_399_999], [3.4e38, -1.17e-38, null], null, -1n, -0, null, []],
];

function roundTrip(input: ArchiveRow[], groups = 1): Promise<ArchiveRow[]> {
  const w = new ArchiveWriter(columns);
  const size = Math.ceil(input.length / groups);
  for (let i = 0; i < input.length; i += size) w.add(input.slice(i, i + size));
  const bytes = w.finish();
  return readArchive(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, columns);
}

const digest = (input: ArchiveRow[]) => {
  const d = new RowDigest(columns);
  for (const r of input) d.add(r);
  return d.hex();
};

describe('archive Parquet', () => {
  it('reads back every value as written, row groups and all', async () => {
    const back = await roundTrip(rows, 3);
    expect(back).toHaveLength(3);
    expect(back[0]![4]).toEqual([Math.fround(0.1), -0, NaN]);
    expect(Object.is((back[0]![4] as number[])[1], -0)).toBe(true);
    expect(back[0]![2]).toBe(1_785_542_400_123_456n);
    expect(back[0]![6]).toBe(9_007_199_254_740_993n);
    expect(back[1]![5]).toEqual([Infinity, -Infinity, 1e-300, null]);
    expect(back[1]![1]).toBe('wrist-ü');
    expect(back[2]![1]).toBeNull();
    expect(back[2]![9]).toEqual([]);
    expect(back[1]![9]).toBeNull();
    expect(Object.is(back[2]![7], -0)).toBe(true);
    expect(digest(back)).toBe(digest(rows));
  });

  it('a digest differs when one value does, even a float4 rounding or the sign of zero', () => {
    const base = digest(rows);
    const changed = (f: (r: ArchiveRow[]) => void) => {
      const copy = structuredClone(rows);
      f(copy);
      return digest(copy);
    };
    expect(changed((r) => ((r[0]![4] as number[])[1] = 0))).not.toBe(base);
    expect(changed((r) => (r[0]![2] = 1_785_542_400_123_457n))).not.toBe(base);
    expect(changed((r) => (r[1]![5] = [Infinity, -Infinity, 1e-300]))).not.toBe(base);
    expect(changed((r) => r.reverse())).not.toBe(base);
    expect(changed((r) => ((r[2]![3] as number[])[0] = 86_399_998))).not.toBe(base);
    // 0.1 as a double and as float4 are one float4 value: the digest of a real column agrees.
    expect(changed((r) => ((r[0]![4] as number[])[0] = Math.fround(0.1)))).toBe(base);
  });

  it('writes timestamps back with their microseconds, before 1970 too', () => {
    expect(timestampText(1_785_542_400_123_456n)).toBe('2026-08-01T00:00:00.123456+00');
    expect(timestampText(-1n)).toBe('1969-12-31T23:59:59.999999+00');
    expect(copyValues(columns, rows[0]!).slice(0, 3)).toEqual(['2026-08-01', 'wrist-1', '2026-08-01T00:00:00.123456+00']);
  });

  it('refuses a column type it cannot keep exactly, naming the column', () => {
    expect(() => archiveColumn('bronze.x', 'payload', 'jsonb')).toThrow(UnsupportedColumn);
    expect(() => archiveColumn('bronze.x', 'payload', 'jsonb')).toThrow(/bronze\.x\.payload: type jsonb/);
  });
});
