// CSV uploads checked and profiled while they stream: a Transform that passes the bytes on
// unchanged (to storage) after csv-parse has read them, so a bad file fails the upload before it
// is stored, with the line, the column and the reason. The first record is the header.
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import { CsvError, parse, type Parser } from 'csv-parse';
import { TableProfile } from './profile.ts';

export const MAX_COLUMNS = 2000;
export const MAX_RECORD_BYTES = 1_000_000;

/** A file refused, located: line (1-based) and column (1-based position, with its header name). */
export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
  constructor(
    readonly line: number | null,
    readonly column: { index: number; name?: string } | null,
    readonly reason: string,
  ) {
    super(`${DatasetFileError.where(line, column)}: ${reason}`);
  }

  static where(line: number | null, column: { index: number; name?: string } | null): string {
    const parts = [];
    if (line !== null) parts.push(`line ${line}`);
    if (column) parts.push(`column ${column.index}${column.name ? ` ("${column.name}")` : ''}`);
    return parts.join(', ') || 'file';
  }

  get location(): string {
    return DatasetFileError.where(this.line, this.column);
  }
}

const REASONS: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value is followed by other characters before the next comma',
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed',
  CSV_MAX_RECORD_SIZE: `a record is longer than ${MAX_RECORD_BYTES.toLocaleString('en')} bytes (an unclosed quote?)`,
  INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted value',
  CSV_INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted value',
};

export class CsvProfiler extends Transform {
  profile?: TableProfile;
  private readonly parser: Parser;
  private failure?: DatasetFileError;
  private header?: string[];
  private linesBefore = 0;
  /** The line the last complete record ended on: an unclosed quote started on the line after it. */
  private lastRecordLine = 0;

  constructor() {
    super();
    this.parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
    // The parser's running counters (read as each record arrives) give the line without `info: true`,
    // which would build an object per record and halve the speed.
    this.parser.on('data', (record: string[]) => {
      if (!this.failure) this.onRecord(record, this.parser.info.lines);
    });
    this.parser.on('error', () => {}); // reported through the write callbacks and finished()
  }

  private column(index: number): { index: number; name?: string } {
    return { index: index + 1, name: this.header?.[index] };
  }

  private fail(line: number | null, column: number | null, reason: string): void {
    this.failure ??= new DatasetFileError(line, column === null ? null : this.column(column), reason);
  }

  private onRecord(record: string[], line: number): void {
    this.lastRecordLine = line;
    if (!this.header) {
      if (record.length > MAX_COLUMNS) return this.fail(line, MAX_COLUMNS, `more than ${MAX_COLUMNS} columns`);
      const names = record.map((n) => n.trim());
      const seen = new Map<string, number>();
      for (let i = 0; i < names.length; i++) {
        if (!names[i]) return this.fail(line, i, 'the header gives this column no name');
        const first = seen.get(names[i]);
        if (first !== undefined) return this.fail(line, i, `the header names "${names[i]}" twice (also column ${first + 1})`);
        seen.set(names[i], i);
      }
      this.header = names;
      this.profile = new TableProfile(names);
      return;
    }
    if (record.length !== this.header.length) {
      const at = Math.min(record.length, this.header.length);
      const reason =
        record.length < this.header.length
          ? `the row has ${record.length} value${record.length === 1 ? '' : 's'}, the header ${this.header.length} columns: this one is missing`
          : `the row has ${record.length} values, the header only ${this.header.length} columns`;
      return this.fail(line, at, reason);
    }
    this.profile!.addRow(record);
  }

  private fromParser(e: unknown): DatasetFileError {
    if (this.failure) return this.failure;
    if (e instanceof CsvError) {
      const info = e as CsvError & { lines?: number; column?: number };
      // A quote never closed (or a record that never ends) is located where its record began.
      const runaway = e.code === 'CSV_QUOTE_NOT_CLOSED' || e.code === 'CSV_MAX_RECORD_SIZE';
      this.fail(runaway ? this.lastRecordLine + 1 : (info.lines ?? null), typeof info.column === 'number' ? info.column : null, REASONS[e.code] ?? e.message);
      return this.failure!;
    }
    throw e;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (!isUtf8(chunk) && !this.utf8AcrossChunks(chunk)) return done(this.failure);
    this.parser.write(chunk, (e) => {
      if (e) return done(this.fromParser(e));
      if (this.failure) return done(this.failure);
      this.linesBefore += countNewlines(chunk);
      done(null, chunk);
    });
  }

  /** A chunk boundary may split a multi-byte character; anything else that is not UTF-8 is refused. */
  private utf8AcrossChunks(chunk: Buffer): boolean {
    const lines = chunk.toString('latin1').split('\n');
    let offset = 0;
    for (let i = 0; i < lines.length; i++) {
      const bytes = chunk.subarray(offset, offset + lines[i].length);
      offset += lines[i].length + 1;
      const edge = i === 0 || i === lines.length - 1;
      if (!isUtf8(bytes) && !(edge && isUtf8(trimPartialCharacters(bytes, i === 0, i === lines.length - 1)))) {
        this.fail(this.linesBefore + i + 1, null, 'the text is not UTF-8');
        return false;
      }
    }
    return true;
  }

  override _flush(done: TransformCallback): void {
    this.parser.end();
    finished(this.parser).then(
      () => {
        if (this.failure) return done(this.failure);
        if (!this.header) return done(new DatasetFileError(1, null, 'the file is empty (a header line is expected)'));
        if (!this.profile!.rows) return done(new DatasetFileError(2, null, 'the file has a header and no rows'));
        done();
      },
      (e: unknown) => done(this.fromParser(e)),
    );
  }
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Drops up to 3 continuation or lead bytes at an edge of a chunk, where a character may be split. */
function trimPartialCharacters(b: Buffer, start: boolean, end: boolean): Buffer {
  let from = 0;
  let to = b.length;
  if (start) while (from < Math.min(3, b.length) && (b[from] & 0xc0) === 0x80) from++;
  if (end) {
    let k = 0;
    while (k < 3 && to > from && (b[to - 1] & 0x80) !== 0) {
      to--;
      k++;
    }
  }
  return b.subarray(from, to);
}
