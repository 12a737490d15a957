// Encodes rows in PostgreSQL's binary COPY format (COPY … FROM STDIN (FORMAT binary)): each value
// in the server's own send/recv form, so numbers cross as IEEE bytes with no decimal formatting here
// nor parsing there. Columns are typed up front (the format carries no type names). Only the types
// bronze's segments use; text COPY (copy-encoder.ts) stays for everything else.
import { CopyChunks } from './copy-chunks.ts';
import { CopyFormatError, checkStorableText, type CopyRow } from './copy-format.ts';

/** A column's PostgreSQL type, as the binary format needs it. */
export type BinaryType = 'text' | 'date' | 'timestamptz' | 'int4[]' | 'float4[]' | 'float8[]';

export interface BinaryColumn {
  name: string;
  type: BinaryType;
}

/** "PGCOPY\n\377\r\n\0", then flags and header-extension length, both 0. */
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
/** PostgreSQL's epoch, 2000-01-01 UTC: in Unix milliseconds and in Unix days. */
const PG_EPOCH_MS = 946_684_800_000;
const PG_EPOCH_DAY = 10_957;
/** Element type OIDs (array_recv refuses an array whose element type is not the column's). */
const ELEMENT = { 'int4[]': { oid: 23, size: 4 }, 'float4[]': { oid: 700, size: 4 }, 'float8[]': { oid: 701, size: 8 } } as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class BinaryCopyEncoder extends CopyChunks {
  private readonly types: BinaryType[];

  constructor(
    private readonly columns: readonly BinaryColumn[],
    chunkBytes = 256 * 1024,
  ) {
    super(chunkBytes);
    this.types = columns.map((c) => c.type);
    HEADER.copy(this.buf, 0);
    this.pos = HEADER.length;
  }

  /** Appends the trailer (a field count of −1); take() then hands over the last bytes. */
  end(): void {
    this.ensure(2);
    this.view.setInt16(this.pos, -1);
    this.pos += 2;
  }

  /** Appends one tuple. On error nothing of the row is kept and the column is named. */
  row(values: CopyRow): void {
    const start = this.pos;
    let i = 0;
    try {
      this.ensure(2);
      this.view.setInt16(this.pos, values.length);
      this.pos += 2;
      for (; i < values.length; i++) this.field(this.types[i]!, values[i]);
    } catch (e) {
      this.pos = start;
      if (e instanceof CopyFormatError) throw new CopyFormatError(`column ${this.columns[i]?.name ?? `#${i + 1}`}: ${e.message}`);
      throw e;
    }
  }

  /** A field's length word (−1 for NULL) and its bytes. */
  private field(type: BinaryType, v: unknown): void {
    if (v === null || v === undefined) {
      this.ensure(4);
      this.view.setInt32(this.pos, -1);
      this.pos += 4;
      return;
    }
    switch (type) {
      case 'text':
        if (typeof v !== 'string') throw new CopyFormatError(`expected text, got ${describe(v)}`);
        return this.text(v);
      case 'date':
        return this.date(v);
      case 'timestamptz':
        return this.timestamp(v);
      default:
        if (!isNumberArray(v)) throw new CopyFormatError(`expected an array of numbers, got ${describe(v)}`);
        return this.array(type, v);
    }
  }

  /** UTF-8 bytes; plain ASCII copied byte by byte. */
  private text(s: string): void {
    checkStorableText(s);
    const n = s.length;
    this.ensure(4 + n);
    const buf = this.buf;
    let pos = this.pos + 4;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 128) {
        const bytes = Buffer.byteLength(s, 'utf8');
        this.ensure(4 + bytes);
        this.view.setInt32(this.pos, bytes);
        this.buf.write(s, this.pos + 4, 'utf8');
        this.pos += 4 + bytes;
        return;
      }
      buf[pos++] = c;
    }
    this.view.setInt32(this.pos, n);
    this.pos = pos;
  }

  /** A "YYYY-MM-DD" day as days since 2000-01-01. */
  private date(v: unknown): void {
    const match = typeof v === 'string' ? DATE.exec(v) : null;
    const t = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
    if (!match || new Date(t).toISOString().slice(0, 10) !== v) throw new CopyFormatError(`expected a date as YYYY-MM-DD, got ${describe(v)}`);
    this.ensure(8);
    this.view.setInt32(this.pos, 4);
    this.view.setInt32(this.pos + 4, t / 86_400_000 - PG_EPOCH_DAY);
    this.pos += 8;
  }

  /** A Date as microseconds since 2000-01-01 UTC. */
  private timestamp(v: unknown): void {
    if (!(v instanceof Date)) throw new CopyFormatError(`expected a Date, got ${describe(v)}`);
    const t = v.getTime();
    if (t !== t) throw new CopyFormatError('Invalid Date');
    this.ensure(12);
    this.view.setInt32(this.pos, 8);
    this.view.setBigInt64(this.pos + 4, BigInt(t - PG_EPOCH_MS) * 1000n);
    this.pos += 12;
  }

  /** A one-dimensional array (lower bound 1) with its element type; null elements as NULLs. */
  private array(type: keyof typeof ELEMENT, values: ArrayLike<number | null>): void {
    const { oid, size } = ELEMENT[type];
    const n = values.length;
    const typed = ArrayBuffer.isView(values);
    const integers = values instanceof Int32Array;
    let nulls = false;
    if (!typed) for (let i = 0; i < n && !nulls; i++) nulls = values[i] === null || values[i] === undefined;
    const bytes = n === 0 ? 12 : 20 + n * (4 + size);
    this.ensure(4 + bytes);
    const view = this.view;
    let pos = this.pos;
    view.setInt32(pos, bytes);
    view.setInt32(pos + 4, n === 0 ? 0 : 1); // dimensions
    view.setInt32(pos + 8, nulls ? 1 : 0);
    view.setInt32(pos + 12, oid);
    pos += 16;
    if (n > 0) {
      view.setInt32(pos, n);
      view.setInt32(pos + 4, 1);
      pos += 8;
    }
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        view.setInt32(pos, -1);
        pos += 4;
        continue;
      }
      view.setInt32(pos, size);
      if (size === 8) view.setFloat64(pos + 4, v);
      else if (oid === 700) view.setFloat32(pos + 4, v);
      else if (integers || (Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647)) view.setInt32(pos + 4, v);
      else throw new CopyFormatError(`element ${i + 1}: ${v} is not a 32-bit integer`);
      pos += 4 + size;
    }
    // Fewer bytes than reserved when elements were NULL: the length word says what was written.
    if (nulls) view.setInt32(this.pos, pos - this.pos - 4);
    this.pos = pos;
  }
}

function isNumberArray(v: unknown): v is ArrayLike<number | null> {
  if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) return true;
  return Array.isArray(v) && v.every((x) => x === null || x === undefined || typeof x === 'number');
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${(v as object).constructor.name}`;
  return `a ${typeof v}`;
}
