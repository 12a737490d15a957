import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayLiteral, CopyFormatError, decimalString, escapeCopyText, formatCopyRow, formatCopyValue, rowFormatter } from '../../../lib/db/copy-format.ts';

describe('COPY text formatting', () => {
  it('escapes backslash, tab, newline and carriage return, and nothing else', () => {
    expect(escapeCopyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(escapeCopyText('plain ✓ 😀 \u2028 "q" \\N')).toBe('plain ✓ 😀 \u2028 "q" \\\\N');
  });

  it('writes NULL as \\N and the string "\\N" so it cannot be mistaken for NULL', () => {
    expect(formatCopyValue(null)).toBe('\\N');
    expect(formatCopyValue(undefined)).toBe('\\N');
    expect(formatCopyValue('\\N')).toBe('\\\\N');
  });

  it('refuses NUL characters and lone surrogates with a reason', () => {
    expect(() => formatCopyValue('a\0b')).toThrow(/NUL/);
    expect(() => formatCopyValue('\ud800x')).toThrow(/surrogate/);
  });

  it('formats numbers so that float8 reads back the same double, including the special values', () => {
    expect(formatCopyValue(0.1)).toBe('0.1');
    expect(formatCopyValue(-0)).toBe('-0');
    expect(formatCopyValue(Number.NaN)).toBe('NaN');
    expect(formatCopyValue(Infinity)).toBe('Infinity');
    expect(formatCopyValue(-Infinity)).toBe('-Infinity');
    expect(formatCopyValue(1e21)).toBe('1e+21');
    expect(formatCopyValue(2n ** 70n)).toBe('1180591620717411303424');
  });

  it('writes every finite double as a decimal that parses back to exactly the same double', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => Object.is(Number(decimalString(n)), n === 0 ? 0 : n) || n === 0));
    const sixDecimals = fc.integer({ min: -9e12, max: 9e12 }).map((k) => k / 1e6);
    fc.assert(fc.property(sixDecimals, (n) => Number(decimalString(n)) === n && !/e/.test(decimalString(n))));
    expect(decimalString(-0.000001)).toBe('-0.000001');
    expect(decimalString(12.5)).toBe('12.5');
    expect(decimalString(0.1 + 0.2)).toBe('0.30000000000000004');
  });

  it('writes any sequence of dates exactly as toISOString would', () => {
    const date = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            date,
            date.map((d) => new Date(d.getTime() % 60_000)),
          ),
          { maxLength: 50 },
        ),
        (dates) => dates.every((d) => formatCopyValue(d) === d.toISOString()),
      ),
    );
    const base = Date.UTC(2026, 10, 24, 10, 59, 58, 990);
    for (let ms = 0; ms < 3000; ms += 7) expect(formatCopyValue(new Date(base + ms))).toBe(new Date(base + ms).toISOString());
    expect(formatCopyValue(new Date(-1))).toBe('1969-12-31T23:59:59.999Z');
  });

  it('formats dates as ISO-8601 UTC and refuses invalid dates', () => {
    expect(formatCopyValue(new Date(Date.UTC(2026, 10, 24, 1, 2, 3, 4)))).toBe('2026-11-24T01:02:03.004Z');
    expect(() => formatCopyValue(new Date('nope'))).toThrow(CopyFormatError);
  });

  it('builds array literals with quoting, NULLs and nesting, then applies COPY escaping on top', () => {
    expect(arrayLiteral([1, null, 2.5])).toBe('{1,NULL,2.5}');
    expect(arrayLiteral(['a', 'b"c', 'd\\e', null])).toBe('{"a","b\\"c","d\\\\e",NULL}');
    expect(
      arrayLiteral([
        [1, 2],
        [3, 4],
      ]),
    ).toBe('{{1,2},{3,4}}');
    expect(arrayLiteral(new Float64Array([0.5, Number.NaN]))).toBe('{0.5,NaN}');
    // The backslash that quotes inside the array literal is itself escaped for COPY.
    expect(formatCopyValue(['x\ty'])).toBe('{"x\\ty"}');
    expect(formatCopyValue(['q"'])).toBe('{"q\\\\""}');
  });

  it('writes bytea as hex and objects as JSON', () => {
    expect(formatCopyValue(new Uint8Array([0, 255, 16]))).toBe('\\\\x00ff10');
    expect(formatCopyValue({ a: 'tab\there' })).toBe('{"a":"tab\\\\there"}');
  });

  it('writes every value of a json column as JSON, so strings and booleans stay JSON', () => {
    const format = rowFormatter(['id', { name: 'doc', json: true }]);
    expect(format([1, 'text'])).toBe('1\t"text"\n');
    expect(format([2, false])).toBe('2\tfalse\n');
    expect(format([3, null])).toBe('3\t\\N\n');
    expect(format([4, { a: [1, 'x\ny'] }])).toBe('4\t{"a":[1,"x\\\\ny"]}\n');
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(formatCopyRow([1, 'a b', null, true])).toBe('1\ta b\t\\N\tt\n');
  });

  it('names the column of a value it cannot write', () => {
    expect(() => formatCopyRow([1, 'ok', 'bad\0'], ['id', 'name', 'note'])).toThrow('column note: text contains a NUL');
  });
});
