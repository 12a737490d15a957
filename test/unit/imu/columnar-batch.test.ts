// The columnar readings body: what is encoded decodes to the same values bit for bit (both timing
// forms, 6 and 9 channels, NaN/−0/±Infinity passed through for the rules to judge), and every
// malformed layout is refused naming the header field and the reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COLUMNAR_HEADER_BYTES,
  ColumnarFormatError,
  decodeColumnarBatch,
  encodeColumnarBatch,
  type ColumnarBatchInput,
} from '../../../lib/imu/columnar-batch.ts';

const column = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));

function input(overrides: Partial<ColumnarBatchInput> = {}): ColumnarBatchInput {
  const n = 5;
  return {
    deviceId: 'wrist-01',
    batchId: 'b-000123',
    sessionId: 's-1',
    timing: { start: 1764000000000, interval: 20, count: n },
    channels: Array.from({ length: 9 }, (_, c) => column(n, (i) => Math.sin(i + c) * 3.25)),
    ...overrides,
  };
}

/** The problems a body is refused with, as [field, reason] pairs. */
function refusal(bytes: Uint8Array): { field: string; reason: string }[] {
  try {
    decodeColumnarBatch(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(ColumnarFormatError);
    return (e as ColumnarFormatError).details;
  }
  throw new Error('the body was accepted');
}

describe('columnar readings body', () => {
  it('round-trips ids, start + interval timing and nine channels', () => {
    const sent = input({ clockOffsetMs: -600_000 });
    const got = decodeColumnarBatch(encodeColumnarBatch(sent));
    expect(got).toMatchObject({ deviceId: 'wrist-01', batchId: 'b-000123', sessionId: 's-1', clockOffsetMs: -600_000 });
    expect([...got.timestamp]).toEqual([0, 1, 2, 3, 4].map((i) => 1764000000000 + 20 * i));
    expect(got.channels.map((c) => [...c])).toEqual(sent.channels.map((c) => Array.from(c)));
  });

  it('round-trips per-reading timestamps, six channels, no session and no offset', () => {
    const timestamps = [1764000000000, 1764000000007, 1764000000007, 1763999999990];
    const channels = Array.from({ length: 6 }, (_, c) => column(4, (i) => c - i / 3));
    const got = decodeColumnarBatch(encodeColumnarBatch(input({ sessionId: undefined, timing: { timestamps }, channels })));
    expect(got.sessionId).toBeUndefined();
    expect(got.clockOffsetMs).toBeUndefined();
    expect([...got.timestamp]).toEqual(timestamps);
    expect(got.channels).toHaveLength(6);
    expect(got.channels.map((c) => [...c])).toEqual(channels.map((c) => [...c]));
  });

  it('passes NaN, −0 and ±Infinity through unchanged (the ingest rules judge values, not the layout)', () => {
    const odd = [Number.NaN, -0, Infinity, -Infinity, 5e-324];
    const got = decodeColumnarBatch(encodeColumnarBatch(input({ channels: Array.from({ length: 6 }, () => Float64Array.from(odd)) })));
    for (const c of got.channels) {
      expect(Number.isNaN(c[0])).toBe(true);
      expect(Object.is(c[1], -0)).toBe(true);
      expect([c[2], c[3], c[4]]).toEqual([Infinity, -Infinity, 5e-324]);
    }
  });

  it('decodes a body that starts at an odd offset of a larger buffer (as a request body may)', () => {
    const body = encodeColumnarBatch(input());
    const shifted = new Uint8Array(body.length + 3);
    shifted.set(body, 3);
    expect([...decodeColumnarBatch(shifted.subarray(3)).channels[4]!]).toEqual(Array.from(input().channels[4]!));
  });

  it('refuses each malformed header naming the field and the reason', () => {
    const good = () => encodeColumnarBatch(input());
    const cases: [string, (b: Buffer) => void, string, RegExp][] = [
      ['another magic', (b) => b.write('JSON', 0, 'latin1'), 'magic', /must be "RIMU"/],
      ['a later version', (b) => b.writeUInt8(2, 4), 'version', /is 2; this server reads version 1/],
      ['seven channels', (b) => b.writeUInt8(7, 5), 'channels', /is 7; must be 6 .* or 9/],
      ['an unknown flag', (b) => b.writeUInt8(0x84, 6), 'flags', /unknown bits set \(0x84\)/],
      ['an empty deviceId', (b) => b.writeUInt8(0, 7), 'deviceId', /length is 0; must be 1–128 bytes/],
      ['a batchId over 128 bytes', (b) => b.writeUInt8(200, 8), 'batchId', /length is 200; must be 1–128/],
      ['a sessionId over 128 bytes', (b) => b.writeUInt8(129, 9), 'sessionId', /length is 129/],
      ['reserved bytes set', (b) => b.writeUInt16LE(1, 10), 'reserved', /must be 0/],
      ['per-reading timestamps with a start', (b) => b.writeUInt8(1, 6), 'start', /must be 0 when timestamps are sent per reading/],
      ['an offset without its flag', (b) => b.writeDoubleLE(5, 32), 'clockOffsetMs', /must be 0 when flags bit 1/],
    ];
    for (const [what, spoil, field, reason] of cases) {
      const body = good();
      spoil(body);
      const problems = refusal(body);
      expect(
        problems.map((p) => p.field),
        what,
      ).toContain(field);
      expect(problems.find((p) => p.field === field)!.reason, what).toMatch(reason);
    }
  });

  it('names every header problem at once', () => {
    const body = encodeColumnarBatch(input());
    body.writeUInt8(3, 4);
    body.writeUInt8(8, 5);
    expect(refusal(body).map((p) => p.field)).toEqual(['version', 'channels']);
  });

  it('refuses a body shorter than the header, or longer or shorter than its header says', () => {
    expect(refusal(new Uint8Array(12))).toEqual([{ field: 'header', reason: `is ${COLUMNAR_HEADER_BYTES} bytes; the body has 12` }]);
    const body = encodeColumnarBatch(input());
    const [short] = refusal(body.subarray(0, body.length - 8));
    expect(short).toEqual({
      field: 'body',
      reason: `is ${body.length - 8} bytes; a header for 5 readings × 9 columns (9 channels) needs exactly ${body.length}`,
    });
    const long = Buffer.concat([body, Buffer.alloc(8)]);
    expect(refusal(long)[0]!.reason).toMatch(/needs exactly/);
    const count = Buffer.from(body);
    count.writeUInt32LE(6, 12);
    expect(refusal(count)[0]!.reason).toMatch(/6 readings × 9 columns/);
    const perReading = encodeColumnarBatch(input({ timing: { timestamps: [1, 2, 3, 4, 5] } }));
    expect(refusal(perReading.subarray(0, perReading.length - 1))[0]!.reason).toMatch(/10 columns \(9 channels and timestamps\)/);
  });

  it('refuses ids that are not printable ASCII, and padding that is not zero', () => {
    const body = encodeColumnarBatch(input());
    const badId = Buffer.from(body);
    badId[COLUMNAR_HEADER_BYTES + 2] = 0x0a;
    expect(refusal(badId)).toEqual([{ field: 'deviceId', reason: 'must be printable ASCII' }]);
    const badPad = Buffer.from(body);
    badPad[COLUMNAR_HEADER_BYTES + 'wrist-01b-000123s-1'.length] = 1;
    expect(refusal(badPad)[0]).toMatchObject({ field: 'padding' });
  });

  it('answers any bytes, and any one-byte change of a good body, with a batch or a ColumnarFormatError, nothing else', () => {
    const decodes = (bytes: Uint8Array) => {
      try {
        const batch = decodeColumnarBatch(bytes);
        expect(batch.channels.every((c) => c.length === batch.timestamp.length)).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(ColumnarFormatError);
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), decodes), { numRuns: 2000 });
    const good = encodeColumnarBatch(input());
    fc.assert(
      fc.property(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 }), (at, byte) => {
        const body = Buffer.from(good);
        body[at] = byte;
        decodes(body);
      }),
      { numRuns: 2000 },
    );
  });

  it('encodes only what it can describe', () => {
    expect(() => encodeColumnarBatch(input({ deviceId: 'wrïst' }))).toThrow(/deviceId must be printable ASCII/);
    expect(() => encodeColumnarBatch(input({ batchId: '' }))).toThrow(/batchId must be 1–128 bytes/);
    expect(() => encodeColumnarBatch(input({ channels: input().channels.slice(0, 7) }))).toThrow(/channels must be 6 or 9 columns/);
    const ragged = input().channels;
    ragged[2] = column(4, () => 0);
    expect(() => encodeColumnarBatch(input({ channels: ragged }))).toThrow(/channels\[2\] holds 4 values, not 5/);
  });
});
