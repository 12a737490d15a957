import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyEncoder, encodeRowForTest } from '../../../lib/db/copy-encoder.ts';
import { CopyFormatError, rowFormatter } from '../../../lib/db/copy-format.ts';

const value = fc.oneof(
  fc.constant(null),
  fc.double(),
  fc.integer({ min: -9e12, max: 9e12 }).map((k) => k / 1e6),
  fc.maxSafeInteger(),
  fc.string({ unit: 'binary' }).filter((s) => !s.includes('\0')),
  fc.string({ unit: fc.constantFrom('\\', '\t', '\n', '\r', 'a', 'é', '😀', '\u0001') }),
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
  fc.boolean(),
  fc.array(fc.option(fc.string())),
  fc.uint8Array({ maxLength: 8 }),
  fc.float64Array({ maxLength: 8 }),
  fc.float64Array({ maxLength: 8 }).map((a) => a.map((v) => Math.round(v * 1e6) / 1e6)),
  fc.float32Array({ maxLength: 8 }),
  fc.int32Array({ maxLength: 8 }),
  fc.dictionary(fc.string(), fc.string()),
);

describe('byte encoder', () => {
  it('produces exactly the text of the string formatter for any row', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 12 }), (row) => {
        const columns = row.map((_, i) => `c${i}`);
        expect(encodeRowForTest(columns, row)).toBe(rowFormatter(columns)(row));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on json columns too', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        const columns = ['id', { name: 'doc', json: true }];
        expect(encodeRowForTest(columns, [1, doc])).toBe(rowFormatter(columns)([1, doc]));
      }),
    );
  });

  it('names the column of a value it cannot write and keeps nothing of that row', () => {
    const encoder = new CopyEncoder(['id', 'note']);
    encoder.row([1, 'kept']);
    expect(() => encoder.row([2, 'x\0y'])).toThrow(new CopyFormatError('column note: text contains a NUL character, which PostgreSQL text cannot store'));
    encoder.row([3, 'also kept']);
    expect(encoder.take().toString()).toBe('1\tkept\n3\talso kept\n');
  });
});
