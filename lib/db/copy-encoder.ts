// Encodes rows straight into COPY text bytes. Numbers, dates and plain ASCII text are written digit
// by digit into one Buffer, with no intermediate strings: building strings and re-encoding them as
// UTF-8 cost more than PostgreSQL's parsing of the same rows; so are numeric typed arrays (silver's
// window features). Anything unusual (escapes, non-ASCII, other arrays, JSON, bytea) goes through the
// string formatter of copy-format.ts.
import { CopyChunks } from './copy-chunks.ts';
import { columnName, CopyFormatError, formatCopyValue, formatJsonValue, type CopyColumn, type CopyRow } from './copy-format.ts';

const TAB = 9;
const NEWLINE = 10;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const Z = 90;

export class CopyEncoder extends CopyChunks {
  private readonly json: boolean[];
  private readonly anyJson: boolean;
  private readonly digits = new Uint8Array(24);
  // Per column: the minute last written and its "YYYY-MM-DDTHH:MM:" bytes (rows often carry two
  // timestamps, e.g. measured and received, which would evict each other from a single cache).
  private readonly minuteStart: Float64Array;
  private readonly minutePrefix: Uint8Array[];

  constructor(
    private readonly columns: readonly CopyColumn[],
    chunkBytes = 256 * 1024,
  ) {
    super(chunkBytes);
    this.json = columns.map((c) => typeof c !== 'string' && c.json === true);
    this.minuteStart = new Float64Array(columns.length).fill(Number.NaN);
    this.minutePrefix = columns.map(() => new Uint8Array(17));
    this.anyJson = this.json.some(Boolean);
  }

  /** Appends one row and its newline. On error nothing of the row is kept and the column is named. */
  row(values: CopyRow): void {
    const start = this.pos;
    let i = 0;
    try {
      for (; i < values.length; i++) {
        if (i) this.byte(TAB);
        const v = values[i];
        if (this.anyJson && this.json[i]) this.text(formatJsonValue(v), true);
        else if (typeof v === 'number') this.number(v);
        else if (typeof v === 'string') this.text(v, false);
        else if (v instanceof Date) this.date(v, i);
        else if (v instanceof Float64Array || v instanceof Int32Array || v instanceof Float32Array) this.numbers(v);
        else this.text(formatCopyValue(v), true);
      }
      this.byte(NEWLINE);
    } catch (e) {
      this.pos = start;
      if (e instanceof CopyFormatError) {
        throw new CopyFormatError(`column ${this.columns[i] ? columnName(this.columns[i]!) : `#${i + 1}`}: ${e.message}`);
      }
      throw e;
    }
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Text, escaped unless `escaped`; plain ASCII is copied byte by byte, anything else via UTF-8. */
  private text(s: string, escaped: boolean): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Non-ASCII, control characters and backslash take the general path (tab/newline/CR/NUL are < 32).
      if (c >= 128 || c < 32 || (c === 92 && !escaped)) {
        if (escaped && c >= 32) {
          // Already escaped: only its UTF-8 encoding is left to do.
          this.ensure(n * 3);
          this.pos += this.buf.write(s, this.pos, 'utf8');
          return;
        }
        const general = escaped ? s : formatCopyValue(s);
        this.ensure(general.length * 3);
        this.pos += this.buf.write(general, this.pos, 'utf8');
        return;
      }
      buf[pos++] = c;
    }
    this.pos = pos;
  }

  private number(n: number): void {
    if (n !== 0 && Number.isFinite(n)) {
      if (Number.isInteger(n) && n < 9e15 && n > -9e15) return this.integer(n);
      // See decimalString in copy-format.ts for why this six-decimal form reads back exactly.
      const k = Math.round(n * 1e6);
      if (k / 1e6 === n && k < 9e15 && k > -9e15) return this.sixDecimals(k);
      return this.text('' + n, true); // V8's shortest round-trip form
    }
    this.text(formatCopyValue(n), true); // -0, NaN, ±Infinity
  }

  /** A numeric array literal, {1.5,-2,NaN}, digit by digit: silver's window features are these (copy-format's arrayLiteral, without strings). */
  private numbers(values: Float64Array | Float32Array | Int32Array): void {
    this.byte(123); // {
    for (let i = 0; i < values.length; i++) {
      if (i) this.byte(44); // ,
      this.number(values[i]!);
    }
    this.byte(125); // }
  }

  private integer(n: number): void {
    this.ensure(18);
    if (n < 0) {
      this.buf[this.pos++] = MINUS;
      n = -n;
    }
    this.unsigned(n, 0);
  }

  /** Writes n's decimal digits, left-padded with zeros to at least `width` digits. */
  private unsigned(n: number, width: number): void {
    const d = this.digits;
    let len = 0;
    if (n < 2147483648) {
      let x = n | 0;
      do {
        const q = (x / 10) | 0;
        d[len++] = ZERO + x - q * 10;
        x = q;
      } while (x > 0);
    } else {
      let x = n;
      do {
        const q = Math.floor(x / 10);
        d[len++] = ZERO + x - q * 10;
        x = q;
      } while (x > 0);
    }
    while (len < width) d[len++] = ZERO;
    const buf = this.buf;
    let pos = this.pos;
    while (len > 0) buf[pos++] = d[--len]!;
    this.pos = pos;
  }

  private sixDecimals(k: number): void {
    this.ensure(24);
    if (k < 0) {
      this.buf[this.pos++] = MINUS;
      k = -k;
    }
    const whole = Math.floor(k / 1e6);
    let frac = k - whole * 1e6; // > 0: n is not an integer
    this.unsigned(whole, 0);
    this.buf[this.pos++] = DOT;
    let width = 6;
    while (frac % 10 === 0) {
      frac /= 10;
      width--;
    }
    this.unsigned(frac, width);
  }

  /** ISO-8601 UTC exactly as toISOString, reusing the "YYYY-MM-DDTHH:MM:" bytes of the last minute. */
  private date(d: Date, column: number): void {
    const t = d.getTime();
    if (t !== t) throw new CopyFormatError('Invalid Date');
    const prefix = this.minutePrefix[column]!;
    let ms = t - this.minuteStart[column]!;
    if (!(ms >= 0 && ms < 60_000)) {
      const iso = d.toISOString();
      if (iso.length !== 24) return this.text(iso, true); // years beyond 0000–9999
      this.minuteStart[column] = t - (((t % 60_000) + 60_000) % 60_000);
      for (let i = 0; i < 17; i++) prefix[i] = iso.charCodeAt(i);
      ms = t - this.minuteStart[column]!;
    }
    this.ensure(24);
    this.buf.set(prefix, this.pos);
    this.pos += 17;
    const sec = (ms / 1000) | 0;
    this.unsigned(sec, 2);
    this.buf[this.pos++] = DOT;
    this.unsigned(ms - sec * 1000, 3);
    this.buf[this.pos++] = Z;
  }
}

// Exported for the tests: one row as a string, through the byte encoder.
export function encodeRowForTest(columns: readonly CopyColumn[], row: CopyRow): string {
  const encoder = new CopyEncoder(columns, 1024);
  encoder.row(row);
  return encoder.take().toString('utf8');
}
