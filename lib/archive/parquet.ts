// A day partition as Parquet, without losing a value: PostgreSQL column types mapped to Parquet
// (arrays as nullable LISTs, timestamps in microseconds, float4 as FLOAT), rows written a row group
// at a time, read back as the same JavaScript values, and a digest of the rows both sides agree on.
import { createHash, type Hash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';

export type ValueKind = 'date' | 'timestamptz' | 'text' | 'int2' | 'int4' | 'int8' | 'float4' | 'float8' | 'bool';

/** A column of an archived table: its name, value kind and whether it holds arrays of that kind. */
export interface ArchiveColumn {
  name: string;
  kind: ValueKind;
  array: boolean;
}

/**
 * JavaScript values of a row, in column order: dates as days since 1970-01-01, timestamps as
 * bigint microseconds since the epoch, int8 as bigint, floats as numbers, arrays as arrays.
 */
export type ArchiveRow = unknown[];

const KINDS: Record<string, ValueKind> = {
  date: 'date',
  'timestamp with time zone': 'timestamptz',
  text: 'text',
  smallint: 'int2',
  integer: 'int4',
  bigint: 'int8',
  real: 'float4',
  'double precision': 'float8',
  boolean: 'bool',
};

export class UnsupportedColumn extends Error {
  override name = 'UnsupportedColumn';
}

/** The archive column of a PostgreSQL column, from its format_type() (e.g. "real[]"). */
export function archiveColumn(table: string, name: string, pgType: string): ArchiveColumn {
  const array = pgType.endsWith('[]');
  const kind = KINDS[array ? pgType.slice(0, -2) : pgType];
  if (!kind) throw new UnsupportedColumn(`${table}.${name}: type ${pgType} cannot be archived (supported: ${Object.keys(KINDS).join(', ')} and their arrays)`);
  return { name, kind, array };
}

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

function leaf(name: string, kind: ValueKind, repetition: 'OPTIONAL' | 'REQUIRED'): SchemaElement {
  const base = { name, repetition_type: repetition } as const;
  switch (kind) {
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE' };
    case 'timestamptz':
      return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } };
    case 'text':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
    case 'int2':
    case 'int4':
      return { ...base, type: 'INT32' };
    case 'int8':
      return { ...base, type: 'INT64' };
    case 'float4':
      return { ...base, type: 'FLOAT' };
    case 'float8':
      return { ...base, type: 'DOUBLE' };
    case 'bool':
      return { ...base, type: 'BOOLEAN' };
  }
}

/** The Parquet schema of the columns: every column and array element nullable (the archive keeps NULLs as NULLs). */
export function parquetSchema(columns: readonly ArchiveColumn[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    if (!c.array) {
      schema.push(leaf(c.name, c.kind, 'OPTIONAL'));
      continue;
    }
    schema.push({ name: c.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 });
    schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
    schema.push(leaf('element', c.kind, 'OPTIONAL'));
  }
  return schema;
}

/** Writes rows into one Parquet file in memory, a row group per `add`. */
export class ArchiveWriter {
  private readonly bytes = new ByteWriter();
  private readonly writer: ParquetWriter;
  rows = 0;

  constructor(
    private readonly columns: readonly ArchiveColumn[],
    kvMetadata: { key: string; value: string }[] = [],
  ) {
    this.writer = new ParquetWriter({ writer: this.bytes, schema: parquetSchema(columns), kvMetadata, createdBy: 'refinery archive' });
  }

  /** Appends rows (one row group); float4 values are written as the float4 PostgreSQL holds. */
  add(rows: readonly ArchiveRow[]): void {
    if (!rows.length) return;
    const columnData = this.columns.map((c, i) => ({ name: c.name, data: rows.map((r) => r[i]) }));
    void this.writer.write({ columnData, rowGroupSize: rows.length });
    this.rows += rows.length;
  }

  /** The file's bytes; the writer is done after this. */
  finish(): Uint8Array {
    void this.writer.finish();
    return this.bytes.getBytes();
  }
}

/** Every row of an archive file, as the values the writer was given. */
export async function readArchive(file: ArrayBuffer, columns: readonly ArchiveColumn[]): Promise<ArchiveRow[]> {
  const objects = await parquetReadObjects({
    file,
    utf8: true,
    parsers: { dateFromDays: (days: number) => days, timestampFromMicroseconds: (micros: bigint) => micros } as never,
  });
  return objects.map((o: Record<string, unknown>) => columns.map((c) => o[c.name] ?? null));
}

/** A number's exact text (NaN, ±Infinity and -0 included). */
function numberText(n: number): string {
  if (n === 0 && 1 / n < 0) return '-0';
  return String(n);
}

function valueText(kind: ValueKind, v: unknown): string {
  if (v === null || v === undefined) return 'N';
  switch (kind) {
    case 'float4':
      return numberText(Math.fround(v as number));
    case 'float8':
    case 'date':
    case 'int2':
    case 'int4':
      return numberText(v as number);
    case 'int8':
    case 'timestamptz':
      return BigInt(v as bigint | string).toString();
    case 'bool':
      return v ? 't' : 'f';
    case 'text':
      return JSON.stringify(v);
  }
}

/**
 * SHA-256 over the rows in order, each value written exactly (float4 as float4, -0 and NaN kept),
 * so rows read from PostgreSQL and the same rows read back from the Parquet file digest alike.
 */
export class RowDigest {
  private readonly hash: Hash = createHash('sha256');
  rows = 0;

  constructor(private readonly columns: readonly ArchiveColumn[]) {}

  add(row: ArchiveRow): void {
    let text = '';
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i]!;
      const v = row[i];
      if (c.array && v !== null && v !== undefined) text += '[' + (v as unknown[]).map((e) => valueText(c.kind, e)).join(',') + ']';
      else text += valueText(c.kind, v);
      text += '\u001f';
    }
    this.hash.update(text + '\u001e');
    this.rows++;
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/** Days since 1970-01-01 as YYYY-MM-DD. */
export function dayText(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

/** Microseconds since the epoch as a timestamptz literal PostgreSQL reads back exactly. */
export function timestampText(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const sub = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 23)}${sub.toString().padStart(3, '0')}+00`;
}

/** A row read from an archive, as values COPY writes back to the same PostgreSQL types. */
export function copyValues(columns: readonly ArchiveColumn[], row: ArchiveRow): unknown[] {
  return columns.map((c, i) => {
    const v = row[i];
    if (v === null || v === undefined) return null;
    if (c.kind === 'date') return c.array ? (v as (number | null)[]).map((d) => (d === null ? null : dayText(d))) : dayText(v as number);
    if (c.kind === 'timestamptz') return c.array ? (v as (bigint | null)[]).map((t) => (t === null ? null : timestampText(t))) : timestampText(v as bigint);
    return v;
  });
}
