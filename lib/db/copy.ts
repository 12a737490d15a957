// The COPY writer: streams rows into a table with COPY FROM STDIN, with backpressure, and replaces
// one partition of a table atomically. Every bulk write in Refinery goes through here: in text
// format, or in binary for tables whose columns are typed (bronze's segments, the hottest write).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { columnName, type CopyColumn, type CopyRow } from './copy-format.ts';
import { CopyEncoder } from './copy-encoder.ts';
import { BinaryCopyEncoder, type BinaryColumn } from './copy-binary.ts';
import pg from 'pg';
import { quoteQualified, withTransaction, type Pool, type PoolClient } from './pool.ts';

export interface CopyTarget {
  /** Schema-qualified table, e.g. "bronze.readings". */
  table: string;
  /** Column names, or { name, json: true } for json/jsonb columns. */
  columns: readonly CopyColumn[];
}

export interface CopyOptions {
  /** Bytes of encoded rows sent per chunk (default 256 KiB). */
  chunkBytes?: number;
  /** Called after each chunk is handed to the server, with the running row count (heartbeats). */
  onProgress?: (rows: number) => void;
}

const DEFAULT_CHUNK_BYTES = 256 * 1024;

type Source<T> = Iterable<T> | AsyncIterable<T>;

/** Writes rows with COPY on the given client (inside the caller's transaction, if any). Returns the row count. */
export async function copyRows(client: PoolClient, target: CopyTarget, rows: Source<CopyRow>, options: CopyOptions = {}): Promise<number> {
  return copyBatches(client, target, batchesOf(rows), options);
}

/** Like copyRows, for sources that already yield arrays of rows (e.g. 10k simulated rows at a time). */
export async function copyBatches(client: PoolClient, target: CopyTarget, batches: Source<readonly CopyRow[]>, options: CopyOptions = {}): Promise<number> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  return copyThrough(client, statementOf(target, ''), target, new CopyEncoder(target.columns, chunkBytes), batches, { ...options, chunkBytes });
}

/** A target whose columns carry their PostgreSQL types, for binary COPY. */
export interface BinaryCopyTarget {
  table: string;
  columns: readonly BinaryColumn[];
}

/**
 * copyBatches in PostgreSQL's binary format: numbers cross as IEEE bytes, with no decimal text to
 * format here or parse in the server (lib/db/copy-binary.ts).
 */
export async function copyBinaryBatches(
  client: PoolClient,
  target: BinaryCopyTarget,
  batches: Source<readonly CopyRow[]>,
  options: CopyOptions = {},
): Promise<number> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const encoder = new BinaryCopyEncoder(target.columns, chunkBytes);
  return copyThrough(client, statementOf(target, ' (FORMAT binary)'), target, encoder, batches, { ...options, chunkBytes });
}

const statementOf = (target: { table: string; columns: readonly CopyColumn[] }, format: string) =>
  `COPY ${quoteQualified(target.table)} (${target.columns.map((c) => pg.escapeIdentifier(columnName(c))).join(', ')}) FROM STDIN${format}`;

/** Either encoder: rows in, chunks of bytes out, and (binary) a trailer at the end. */
interface RowEncoder {
  row(values: CopyRow): void;
  readonly full: boolean;
  readonly size: number;
  take(): Buffer;
  end?(): void;
}

async function copyThrough(
  client: PoolClient,
  statement: string,
  target: { table: string; columns: readonly unknown[] },
  encoder: RowEncoder,
  batches: Source<readonly CopyRow[]>,
  options: CopyOptions & { chunkBytes: number },
): Promise<number> {
  const counter = { rows: 0 };
  const sink = client.query(copyFrom(statement));
  // Let the encoder run a few chunks ahead of the socket, so formatting here overlaps parsing in
  // the server instead of the two taking turns; memory stays bounded at highWaterMark.
  const source = Readable.from(encode(target, encoder, batches, counter, options), { objectMode: false, highWaterMark: 8 * options.chunkBytes });
  await pipeline(source, sink);
  return counter.rows;
}

async function* batchesOf(rows: Source<CopyRow>): AsyncGenerator<readonly CopyRow[]> {
  // Group single rows so the encoder's loop is the same for both entry points.
  let batch: CopyRow[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === 1024) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function* encode(
  target: { table: string; columns: readonly unknown[] },
  encoder: RowEncoder,
  batches: Source<readonly CopyRow[]>,
  counter: { rows: number },
  options: CopyOptions,
): AsyncGenerator<Buffer> {
  const width = target.columns.length;
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      if (row.length !== width) {
        throw new Error(`${target.table}: row ${counter.rows + 1} has ${row.length} values for ${width} columns`);
      }
      encoder.row(row);
      counter.rows++;
      if (encoder.full) {
        yield encoder.take();
        options.onProgress?.(counter.rows);
        // When the socket takes every chunk at once, nothing here would ever wait for I/O, so the
        // server's error (or a cancellation, or a heartbeat) would only be seen after the source
        // ran dry. Yielding to the event loop once per chunk keeps errors prompt, for ~1 µs.
        await yieldToEventLoop();
      }
    }
  }
  encoder.end?.();
  if (encoder.size) yield encoder.take();
  options.onProgress?.(counter.rows);
}

export interface Partition {
  /** Column → value identifying the partition, e.g. { partition_date: '2026-11-23' }. */
  [column: string]: string | number | boolean | Date;
}

export interface ReplaceResult {
  deleted: number;
  inserted: number;
}

/**
 * Replaces one partition of a table: deletes its rows and COPYs the new ones in one transaction,
 * so a retried or re-run step leaves exactly the rows of a clean run. Concurrent replacements of
 * the same partition are serialised by an advisory lock, so they never interleave into duplicates.
 */
export async function replacePartition(
  pool: Pool,
  target: CopyTarget,
  partition: Partition,
  rows: Source<CopyRow> | { batches: Source<readonly CopyRow[]> },
  options: CopyOptions = {},
): Promise<ReplaceResult> {
  return withTransaction(pool, (client) => replacePartitionIn(client, target, partition, rows, options));
}

/**
 * Replaces one partition of a table with the rows of a query (INSERT … SELECT), for transforms that
 * stay inside PostgreSQL. `select` is a SELECT whose $1… are `params`.
 */
export async function replacePartitionFromQuery(
  pool: Pool,
  target: CopyTarget,
  partition: Partition,
  select: string,
  params: unknown[] = [],
): Promise<ReplaceResult> {
  return withTransaction(pool, async (client) => {
    const deleted = await lockAndDelete(client, target.table, partition);
    const columns = target.columns.map((c) => pg.escapeIdentifier(columnName(c))).join(', ');
    const inserted = await client.query(`INSERT INTO ${quoteQualified(target.table)} (${columns}) ${select}`, params);
    return { deleted, inserted: inserted.rowCount ?? 0 };
  });
}

async function lockAndDelete(client: PoolClient, table: string, partition: Partition): Promise<number> {
  const keys = Object.keys(partition);
  if (keys.length === 0) throw new Error(`${table}: a partition needs at least one column`);
  const values = keys.map((k) => partition[k]);
  const label = keys.map((k, i) => `${k}=${values[i] instanceof Date ? (values[i] as Date).toISOString() : String(values[i])}`).join('|');
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${table}|${label}`]);
  const where = keys.map((k, i) => `${pg.escapeIdentifier(k)} = $${i + 1}`).join(' AND ');
  const deleted = await client.query(`DELETE FROM ${quoteQualified(table)} WHERE ${where}`, values);
  return deleted.rowCount ?? 0;
}

/** replacePartition on a client already inside a transaction (for steps that write several tables at once). */
export async function replacePartitionIn(
  client: PoolClient,
  target: CopyTarget,
  partition: Partition,
  rows: Source<CopyRow> | { batches: Source<readonly CopyRow[]> },
  options: CopyOptions = {},
): Promise<ReplaceResult> {
  const deleted = await lockAndDelete(client, target.table, partition);
  const inserted = 'batches' in rows ? await copyBatches(client, target, rows.batches, options) : await copyRows(client, target, rows, options);
  return { deleted, inserted };
}
