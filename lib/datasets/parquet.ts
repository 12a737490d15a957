// Parquet datasets read with hyparquet (plus hyparquet-compressors for gzip, zstd, brotli, lz4):
// ranged reads through an AsyncBuffer, one row group at a time, so a file is profiled or loaded
// without being held whole. Values that are not plain (dates, big integers, nested) become text.
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DatasetFileError } from './csv.ts';
import { TableProfile, type Cell } from './profile.ts';

export type { AsyncBuffer };

/** Reads byte ranges of a stored object (end exclusive, as hyparquet asks). */
export function rangeReader(size: number, read: (start: number, endInclusive: number) => Promise<Buffer>): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start, end = size) {
      if (end <= start) return new ArrayBuffer(0);
      const b = await read(start, end - 1);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

function plain(v: unknown): Cell {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

async function metadataOf(file: AsyncBuffer): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(file);
  } catch (e) {
    throw new DatasetFileError(null, null, `not a readable Parquet file (${(e as Error).message})`);
  }
}

/** Top-level column names, in file order. */
function columnNames(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children.map((c) => c.element.name);
}

/** Calls onRows for each row group's rows (arrays in `columns` order), in order. */
export async function eachRowGroup(file: AsyncBuffer, onRows: (rows: Cell[][], names: string[]) => void, columns?: string[]): Promise<string[]> {
  const metadata = await metadataOf(file);
  const names = columns ?? columnNames(metadata);
  let start = 0;
  for (const [i, group] of metadata.row_groups.entries()) {
    const end = start + Number(group.num_rows);
    try {
      await parquetRead({
        file,
        metadata,
        columns: names,
        rowStart: start,
        rowEnd: end,
        compressors,
        onComplete: (rows: unknown[][]) =>
          onRows(
            rows.map((r) => r.map(plain)),
            names,
          ),
      });
    } catch (e) {
      throw new DatasetFileError(null, null, `row group ${i + 1} (rows ${start + 1}-${end}) cannot be read: ${(e as Error).message}`);
    }
    start = end;
  }
  return names;
}

/** The statistics and preview of a Parquet file; refuses a file with no columns or no rows. */
export async function profileParquet(file: AsyncBuffer): Promise<TableProfile> {
  const metadata = await metadataOf(file);
  const names = columnNames(metadata);
  if (!names.length) throw new DatasetFileError(null, null, 'the Parquet file has no columns');
  const seen = new Set<string>();
  for (const [i, n] of names.entries()) {
    if (seen.has(n)) throw new DatasetFileError(null, { index: i + 1, name: n }, `the column name "${n}" appears twice`);
    seen.add(n);
  }
  const profile = new TableProfile(names);
  await eachRowGroup(file, (rows) => {
    for (const r of rows) profile.addRow(r);
  });
  if (!profile.rows) throw new DatasetFileError(null, null, 'the Parquet file has no rows');
  return profile;
}
