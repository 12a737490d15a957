// The binary COPY encoder, byte for byte against PostgreSQL's documented format (header, tuples,
// field lengths, NULLs, the send forms of text, date, timestamptz and int4/float4/float8 arrays), and
// through a small independent reader of that format for random rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryCopyEncoder, type BinaryColumn, type BinaryType } from '../../../lib/db/copy-binary.ts';
import { CopyFormatError, type CopyRow } from '../../../lib/db/copy-format.ts';

const HEADER = 'PGCOPY\n\xff\r\n\0';

function encode(columns: readonly BinaryColumn[], rows: CopyRow[]): Buffer {
  const encoder = new BinaryCopyEncoder(columns, 64);
  const chunks: Buffer[] = [];
  for (const row of rows) {
    encoder.row(row);
    if (encoder.full) chunks.push(encoder.take());
  }
  encoder.end();
  chunks.push(encoder.take());
  return Buffer.concat(chunks);
}

const cols = (...types: BinaryType[]): BinaryColumn[] => types.map((type, i) => ({ name: `c${i}`, type }));

/** One tuple's fields as raw bytes (null for NULL), read by the format's rules. */
function tuples(bytes: Buffer): (Buffer | null)[][] {
  expect(bytes.subarray(0, 11).toString('latin1')).toBe(HEADER);
  expect(bytes.readInt32BE(11)).toBe(0); // flags
  let pos = 19 + bytes.readInt32BE(15);
  const out: (Buffer | null)[][] = [];
  for (;;) {
    const count = bytes.readInt16BE(pos);
    pos += 2;
    if (count === -1) break;
    const fields: (Buffer | null)[] = [];
    for (let i = 0; i < count; i++) {
      const length = bytes.readInt32BE(pos);
      pos += 4;
      fields.push(length < 0 ? null : bytes.subarray(pos, (pos += length)));
    }
    out.push(fields);
  }
  expect(pos).toBe(bytes.length);
  return out;
}

const ELEMENT: Record<string, [number, (b: Buffer) => number]> = {
  'int4[]': [23, (b) => b.readInt32BE(0)],
  'float4[]': [700, (b) => b.readFloatBE(0)],
  'float8[]': [701, (b) => b.readDoubleBE(0)],
};

/** A field's value back from its send form. */
function decode(type: BinaryType, b: Buffer | null): unknown {
  if (b === null) return null;
  if (type === 'text') return b.toString('utf8');
  if (type === 'date') return new Date((b.readInt32BE(0) + 10_957) * 86_400_000).toISOString().slice(0, 10);
  if (type === 'timestamptz') return new Date(Number(b.readBigInt64BE(0) / 1000n) + 946_684_800_000);
  const [oid, read] = ELEMENT[type]!;
  const ndim = b.readInt32BE(0);
  const hasNull = b.readInt32BE(4);
  expect(b.readInt32BE(8)).toBe(oid);
  if (ndim === 0) return [];
  expect(ndim).toBe(1);
  expect(b.readInt32BE(16)).toBe(1); // lower bound
  const values: (number | null)[] = [];
  let pos = 20;
  for (let i = 0; i < b.readInt32BE(12); i++) {
    const length = b.readInt32BE(pos);
    pos += 4;
    values.push(length < 0 ? null : read(b.subarray(pos, (pos += length))));
  }
  expect(pos).toBe(b.length);
  expect(hasNull).toBe(values.includes(null) ? 1 : 0);
  return values;
}

describe('binary COPY encoder', () => {
  it('writes the header, each tuple with its field count and lengths, NULL as −1, and the trailer', () => {
    const bytes = encode(cols('text', 'text'), [
      ['ab', null],
      ['é', undefined],
    ]);
    expect(bytes.toString('hex')).toBe(
      Buffer.from(HEADER, 'latin1').toString('hex') +
        '00000000' + // flags
        '00000000' + // header extension
        '0002' +
        '00000002' +
        '6162' +
        'ffffffff' +
        '0002' +
        '00000002' +
        'c3a9' +
        'ffffffff' +
        'ffff',
    );
  });

  it('writes dates as days and timestamps as microseconds since 2000-01-01 UTC', () => {
    const [row] = tuples(
      encode(cols('date', 'date', 'timestamptz', 'timestamptz'), [['2000-01-02', '1999-12-31', new Date('2000-01-01T00:00:00.001Z'), new Date(0)]]),
    );
    expect(row!.map((b) => b!.toString('hex'))).toEqual(['00000001', 'ffffffff', '00000000000003e8', 'fffca2fec4c82000']);
    expect(Buffer.from('fffca2fec4c82000', 'hex').readBigInt64BE()).toBe(-946_684_800_000_000n); // the Unix epoch
  });

  it('writes arrays with one dimension, lower bound 1, element type, NULL elements and the has-NULL flag', () => {
    const [row] = tuples(
      encode(cols('int4[]', 'float4[]', 'float8[]', 'float4[]'), [[Int32Array.of(7, -1), [1.5, null], Float64Array.of(-0), new Float64Array(0)]]),
    );
    const hex = row!.map((b) => b!.toString('hex'));
    expect(hex[0]).toBe('00000001' + '00000000' + '00000017' + '00000002' + '00000001' + '00000004' + '00000007' + '00000004' + 'ffffffff');
    expect(hex[1]).toBe('00000001' + '00000001' + '000002bc' + '00000002' + '00000001' + '00000004' + '3fc00000' + 'ffffffff');
    expect(hex[2]).toBe('00000001' + '00000000' + '000002bd' + '00000001' + '00000001' + '00000008' + '8000000000000000');
    expect(hex[3]).toBe('00000000' + '00000000' + '000002bc'); // empty: no dimensions
  });

  it('stores a float4 element as the float4 nearest the double (Math.fround), −0 and all', () => {
    const values = [0.1, -0, 9.8066, 1e-15, 999999e9, 1 + 2 ** -24, 3.4e38 * 2, Number.NaN, -Infinity];
    const [row] = tuples(encode(cols('float4[]'), [[Float64Array.from(values)]]));
    const back = decode('float4[]', row![0]!) as number[];
    back.forEach((v, i) => expect(Object.is(v, Math.fround(values[i]!)), String(values[i])).toBe(true));
  });

  it('reads back what it was given, for random rows', () => {
    const types: BinaryType[] = ['text', 'date', 'timestamptz', 'int4[]', 'float4[]', 'float8[]'];
    const day = fc
      .integer({ min: Date.UTC(1, 0, 1) / 86_400_000, max: Date.UTC(9999, 11, 31) / 86_400_000 })
      .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    const numbers = (element: fc.Arbitrary<number>) =>
      fc.oneof(
        fc.array(fc.option(element, { nil: null })),
        fc.array(element).map((a) => Float64Array.from(a)),
      );
    const value: Record<BinaryType, fc.Arbitrary<unknown>> = {
      text: fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
      date: day,
      timestamptz: fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
      'int4[]': fc.oneof(fc.array(fc.option(fc.integer(), { nil: null })), fc.int32Array()),
      'float4[]': numbers(fc.double()),
      'float8[]': numbers(fc.double()),
    };
    const rowsOf = fc
      .array(fc.constantFrom(...types), { minLength: 1, maxLength: 8 })
      .chain((t) => fc.tuple(fc.constant(t), fc.array(fc.tuple(...t.map((type) => fc.option(value[type], { nil: null }))), { minLength: 1, maxLength: 5 })));
    fc.assert(
      fc.property(rowsOf, ([t, rows]) => {
        const back = tuples(encode(cols(...t), rows)).map((fields) => fields.map((b, i) => decode(t[i]!, b)));
        const expected = rows.map((row) =>
          row.map((v, i) =>
            t[i] === 'float4[]' && v
              ? Array.from(v as ArrayLike<number | null>, (x) => (x === null ? x : Math.fround(x)))
              : ArrayBuffer.isView(v)
                ? Array.from(v as Float64Array)
                : v,
          ),
        );
        expect(back).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a value it cannot write, naming the column, and keeps nothing of that row', () => {
    const encoder = new BinaryCopyEncoder(
      [
        { name: 'day', type: 'date' },
        { name: 'device_id', type: 'text' },
        { name: 'ms', type: 'int4[]' },
        { name: 'received_at', type: 'timestamptz' },
      ],
      1024,
    );
    encoder.row(['2026-11-30', 'd', Int32Array.of(1), new Date()]);
    const size = encoder.size;
    const bad: [CopyRow, RegExp][] = [
      [['2026-02-30', 'd', [1], new Date()], /^column day: expected a date as YYYY-MM-DD, got "2026-02-30"$/],
      [['2026-11-30', 'a\0b', [1], new Date()], /^column device_id: text contains a NUL character/],
      [['2026-11-30', '\ud800', [1], new Date()], /^column device_id: text contains a lone UTF-16 surrogate/],
      [['2026-11-30', 42, [1], new Date()], /^column device_id: expected text, got a number$/],
      [['2026-11-30', 'd', [1, 2.5], new Date()], /^column ms: element 2: 2.5 is not a 32-bit integer$/],
      [['2026-11-30', 'd', Float64Array.of(2 ** 31), new Date()], /^column ms: element 1: 2147483648 is not a 32-bit integer$/],
      [['2026-11-30', 'd', ['1'], new Date()], /^column ms: expected an array of numbers, got an array$/],
      [['2026-11-30', 'd', [1], new Date(Number.NaN)], /^column received_at: Invalid Date$/],
    ];
    for (const [row, message] of bad) {
      expect(() => encoder.row(row)).toThrow(CopyFormatError);
      expect(() => encoder.row(row)).toThrow(message);
      expect(encoder.size).toBe(size);
    }
  });

  it('grows past its chunk for a tuple larger than the chunk', () => {
    const big = new Float64Array(10_000).map((_, i) => i / 4);
    const [row] = tuples(encode(cols('float8[]'), [[big]]));
    expect(decode('float8[]', row![0]!)).toEqual(Array.from(big));
  });
});
