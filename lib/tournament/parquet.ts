// Parquet files read and checked as strictly as the CSV landing files (landing.ts): the columns a
// kind of file must have and nothing else, each with a physical type that fits, and every value
// checked, each problem named by file, row (1-based, in file order), column and reason. Read with
// hyparquet (pure JavaScript, every codec through hyparquet-compressors), column by column, so a
// million-row file never becomes a million objects.
import { parquetMetadata, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { Problem } from './landing.ts';

export type ValueKind = 'int' | 'float' | 'string' | 'bool';

export interface ColumnSpec {
  kind: ValueKind;
  /** A missing optional column reads as null in every row. */
  optional?: boolean;
  /** Why a (non-null) value is wrong, or undefined when it is fine. */
  check?: (value: never) => string | undefined;
}

export type FileSpec = Record<string, ColumnSpec>;

export interface ParquetTable {
  file: string;
  rows: number;
  /** Column name → values in row order (numbers, strings, booleans; null for a missing optional column). */
  columns: Record<string, unknown[]>;
  problems: Problem[];
}

/** Problems kept per file: past this a file is plainly wrong, and the count says how wrong. */
export const MAX_PROBLEMS = 200;

const PHYSICAL: Record<ValueKind, string[]> = {
  int: ['INT32', 'INT64'],
  float: ['FLOAT', 'DOUBLE', 'INT32', 'INT64'],
  string: ['BYTE_ARRAY'],
  bool: ['BOOLEAN'],
};

/** Reads and checks one file's bytes against its spec; a file with any problem should be rejected whole. */
export async function readParquetTable(file: string, bytes: Uint8Array, spec: FileSpec): Promise<ParquetTable> {
  const problems: Problem[] = [];
  const fail = (reason: string, column: string | null = null): ParquetTable => ({
    file,
    rows: 0,
    columns: {},
    problems: [{ file, line: null, column, reason }],
  });
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(buffer);
  } catch (e) {
    return fail(`is not a Parquet file: ${(e as Error).message}`);
  }
  const fields = new Map(parquetSchema(metadata).children.map((c) => [c.element.name, c]));
  for (const [name, field] of fields) {
    if (!(name in spec)) problems.push({ file, line: null, column: name, reason: `is not a column of ${file} (expected ${Object.keys(spec).join(', ')})` });
    else if (field.children.length) problems.push({ file, line: null, column: name, reason: 'is a nested column; expected a plain value' });
    else if (!PHYSICAL[spec[name].kind].includes(field.element.type ?? '')) {
      problems.push({
        file,
        line: null,
        column: name,
        reason: `has Parquet type ${field.element.type}; expected ${spec[name].kind} (${PHYSICAL[spec[name].kind].join(' or ')})`,
      });
    }
  }
  for (const [name, column] of Object.entries(spec)) {
    if (!fields.has(name) && !column.optional) problems.push({ file, line: null, column: name, reason: 'column is missing' });
  }
  if (problems.length) return { file, rows: 0, columns: {}, problems };

  const rows = Number(metadata.num_rows);
  const present = Object.keys(spec).filter((c) => fields.has(c));
  const columns: Record<string, unknown[]> = Object.fromEntries(Object.keys(spec).map((c) => [c, new Array<unknown>(rows).fill(null)]));
  try {
    await parquetRead({
      file: buffer,
      metadata,
      columns: present,
      compressors,
      onChunk: ({ columnName, columnData, rowStart }) => {
        const out = columns[columnName];
        for (let i = 0; i < columnData.length && rowStart + i < rows; i++) out[rowStart + i] = columnData[i];
      },
    });
  } catch (e) {
    return fail(`could not be read: ${(e as Error).message}`);
  }

  let more = 0;
  for (const name of present) {
    const { kind, check } = spec[name];
    const values = columns[name];
    for (let r = 0; r < rows; r++) {
      const raw = values[r];
      const reason = raw === null || raw === undefined ? 'is empty' : valueProblem(kind, raw);
      let value = raw;
      if (!reason && typeof raw === 'bigint') value = values[r] = Number(raw);
      const wrong = reason ?? check?.(value as never);
      if (!wrong) continue;
      if (problems.length < MAX_PROBLEMS) problems.push({ file, line: r + 1, column: name, reason: reason ? reason : `${JSON.stringify(value)} ${wrong}` });
      else more++;
    }
  }
  if (more) problems.push({ file, line: null, column: null, reason: `… and ${more} more problems` });
  return { file, rows, columns, problems };
}

function valueProblem(kind: ValueKind, v: unknown): string | undefined {
  switch (kind) {
    case 'int':
      if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? undefined : `${v} is out of range`;
      return typeof v === 'number' && Number.isInteger(v) ? undefined : `${String(v)} must be a whole number`;
    case 'float':
      if (typeof v === 'bigint') return undefined;
      return typeof v === 'number' && Number.isFinite(v) ? undefined : `${String(v)} must be a finite number`;
    case 'string':
      return typeof v === 'string' ? undefined : 'must be text';
    case 'bool':
      return typeof v === 'boolean' ? undefined : 'must be true or false';
  }
}
