// Formats JavaScript values as PostgreSQL COPY text format (tab-separated, \N for NULL).
// Pure and allocation-light: the COPY writer's throughput is bounded by this code.

export type CopyValue = null | undefined | string | number | bigint | boolean | Date | Uint8Array | ArrayLike<unknown> | Record<string, unknown>;

export type CopyRow = readonly unknown[];

export class CopyFormatError extends Error {
  override name = 'CopyFormatError';
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Refuses text PostgreSQL cannot store: a lone UTF-16 surrogate, or a NUL character. */
export function checkStorableText(s: string): void {
  if (!s.isWellFormed()) throw new CopyFormatError('text contains a lone UTF-16 surrogate, which is not valid Unicode');
  if (s.includes('\0')) throw new CopyFormatError('text contains a NUL character, which PostgreSQL text cannot store');
}

/** Escapes one text value for COPY: backslash, tab, newline and carriage return; refuses NUL. */
export function escapeCopyText(s: string): string {
  checkStorableText(s);
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(ESCAPES, (c) => ESCAPED[c]!);
}

function formatNumber(n: number): string {
  if (Number.isFinite(n)) return n === 0 && 1 / n < 0 ? '-0' : decimalString(n);
  if (n !== n) return 'NaN';
  return n > 0 ? 'Infinity' : '-Infinity';
}

/**
 * A decimal string that PostgreSQL parses back to exactly n. Integers and numbers with at most six
 * decimals (typical of sensor readings) take a path about twice as fast as V8's shortest-form
 * conversion: if round(n·10⁶)/10⁶ === n in floating point, that division was correctly rounded from
 * the exact decimal k/10⁶, so the decimal k/10⁶ parses (round-to-nearest) to n as well.
 */
export function decimalString(n: number): string {
  if (Number.isInteger(n)) return '' + n;
  const k = Math.round(n * 1e6);
  if (k / 1e6 !== n || k > 9e15 || k < -9e15) return '' + n;
  const negative = k < 0;
  let digits = '' + (negative ? -k : k);
  if (digits.length <= 6) digits = '0000000'.slice(digits.length) + digits;
  const cut = digits.length - 6;
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--; // n is not an integer, so a non-zero decimal remains
  return (negative ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut, end);
}

let minuteStart = NaN;
let minutePrefix = '';

/** ISO-8601 UTC like toISOString, reusing the "YYYY-MM-DDTHH:MM:" of the last minute seen. */
function formatDate(d: Date): string {
  const t = d.getTime();
  if (t !== t) throw new CopyFormatError('Invalid Date');
  const ms = t - minuteStart;
  if (ms >= 0 && ms < 60_000) {
    const sec = (ms / 1000) | 0;
    const milli = ms - sec * 1000;
    return minutePrefix + (sec < 10 ? '0' : '') + sec + (milli < 10 ? '.00' : milli < 100 ? '.0' : '.') + milli + 'Z';
  }
  const iso = d.toISOString();
  // Only plain four-digit years have the fixed layout the cache relies on.
  if (iso.length === 24) {
    minuteStart = t - (((t % 60_000) + 60_000) % 60_000);
    minutePrefix = iso.slice(0, 17);
  }
  return iso;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

const ARRAY_ELEMENT_QUOTE = /["\\]/g;

/** One element of a PostgreSQL array literal: always quoted unless NULL or numeric. */
function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return arrayLiteral(v as ArrayLike<unknown>);
  const s = v instanceof Date ? formatDate(v) : typeof v === 'string' ? v : JSON.stringify(v);
  return `"${s.replace(ARRAY_ELEMENT_QUOTE, '\\$&')}"`;
}

/** A PostgreSQL array literal such as {1,2,NULL} or {"a","b \"c\""}; nested arrays become multi-dimensional. */
export function arrayLiteral(values: ArrayLike<unknown>): string {
  if (values instanceof Float64Array || values instanceof Float32Array || values instanceof Int32Array) {
    let out = '{';
    for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + formatNumber(values[i]!);
    return out + '}';
  }
  let out = '{';
  for (let i = 0; i < values.length; i++) out += (i ? ',' : '') + arrayElement(values[i]);
  return out + '}';
}

/** Formats one value as a COPY text field (without the separator). */
export function formatCopyValue(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return formatNumber(v);
    case 'string':
      return escapeCopyText(v);
    case 'boolean':
      return v ? 't' : 'f';
    case 'bigint':
      return v.toString();
    case 'undefined':
      return '\\N';
    case 'object':
      if (v === null) return '\\N';
      if (v instanceof Date) return formatDate(v);
      if (v instanceof Uint8Array) return `\\\\x${hex(v)}`;
      if (Array.isArray(v) || ArrayBuffer.isView(v)) return escapeCopyText(arrayLiteral(v as ArrayLike<unknown>));
      return escapeCopyText(JSON.stringify(v));
    default:
      throw new CopyFormatError(`cannot write a ${typeof v} to PostgreSQL`);
  }
}

/** A column of a COPY target: its name, and `json: true` for json/jsonb columns, whose values
 *  (strings, numbers and booleans too) are always written as JSON text. */
export type CopyColumn = string | { name: string; json?: boolean };

export function columnName(column: CopyColumn): string {
  return typeof column === 'string' ? column : column.name;
}

/** Formats one value of a json/jsonb column: JSON text, or NULL for null/undefined. */
export function formatJsonValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const json = JSON.stringify(v);
  if (json === undefined) throw new CopyFormatError(`cannot write a ${typeof v} as JSON`);
  return escapeCopyText(json);
}

/**
 * Compiles a formatter for rows of the given columns: returns one COPY text line (with its newline)
 * per row. Errors name the column whose value could not be written.
 */
export function rowFormatter(columns: readonly CopyColumn[]): (row: CopyRow) => string {
  const json = columns.map((c) => typeof c !== 'string' && c.json === true);
  const anyJson = json.some(Boolean);
  return (row) => {
    let line = '';
    let i = 0;
    try {
      for (; i < row.length; i++) {
        if (i) line += '\t';
        const v = row[i];
        // The commonest case inline: a plain non-zero finite number.
        if (typeof v === 'number' && v !== 0 && Number.isFinite(v) && !(anyJson && json[i])) line += decimalString(v);
        else line += anyJson && json[i] ? formatJsonValue(v) : formatCopyValue(v);
      }
    } catch (e) {
      if (e instanceof CopyFormatError) {
        throw new CopyFormatError(`column ${columns[i] ? columnName(columns[i]!) : `#${i + 1}`}: ${e.message}`);
      }
      throw e;
    }
    return line + '\n';
  };
}

/** Formats one row as a COPY text line including its newline (see rowFormatter for repeated use). */
export function formatCopyRow(row: CopyRow, columns?: readonly CopyColumn[]): string {
  return rowFormatter(columns ?? row.map((_, i) => `#${i + 1}`))(row);
}
