// Reading a JSON readings body straight into columns: whatever it accepts, JSON.parse reads the same
// (every value bit for bit, −0 and long mantissas included); what it does not follow it leaves to
// JSON.parse (undefined), and it never accepts a body JSON.parse refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJsonBatch } from '../../../lib/imu/json-batch.ts';

const KEYS = ['timestamp', 'ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz'] as const;
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

type Axes = { x: number; y: number; z: number };
type Parsed = Record<string, number> & { accelerometer?: Axes; gyroscope?: Axes; magnetometer?: Axes };

/** A reading as JSON.parse reads it, flattened as the schema flattens a nested one. */
function flat(r: Parsed): Record<string, number> {
  if (!r.accelerometer) return r;
  const { timestamp, accelerometer: a, gyroscope: g, magnetometer: m } = r;
  return { timestamp: timestamp!, ax: a.x, ay: a.y, az: a.z, gx: g!.x, gy: g!.y, gz: g!.z, ...(m ? { mx: m.x, my: m.y, mz: m.z } : {}) };
}

/** The batch as JSON.parse reads it, in the reader's shape (columns), for comparison. */
function parsedColumns(text: string) {
  const body = JSON.parse(text) as Record<string, unknown> & { readings: Parsed[] };
  const readings = body.readings.map(flat);
  const mag = readings.length > 0 && 'mx' in readings[0]!;
  const { readings: _, ...ids } = body;
  return {
    ...ids,
    timestamp: readings.map((r) => r.timestamp),
    channels: KEYS.slice(1, mag ? 10 : 7).map((k) => readings.map((r) => r[k])),
  };
}

/** Columns as plain arrays, values compared with Object.is (so −0 ≠ 0) by toEqual. */
function plain(batch: NonNullable<ReturnType<typeof readJsonBatch>>) {
  const { timestamp, channels, ...ids } = batch;
  return { ...ids, timestamp: [...timestamp], channels: channels.map((c) => [...c]) };
}

/** Numbers as JSON may write them: exponents either case, −0, leading zeros in fractions, long mantissas. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? '-0' : String(v))),
  fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 30 })).map(([m, d]) => `${m < 0 ? '-' : ''}0.${'0'.repeat(d)}${Math.abs(m)}`),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.constantFrom('e', 'E', 'e+', 'E-', 'e-'), fc.integer({ min: 0, max: 330 }))
    .map(([m, e, x]) => `${m}${e}${x}`),
  fc.tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 10 ** 9 })).map(([a, b]) => `${a}.${String(b).padStart(9, '0')}`),
  fc.constantFrom(
    '0',
    '-0',
    '-0.0',
    '0e5',
    '0.000e-400',
    '1e22',
    '1e23',
    '9007199254740993',
    '123456789012345678',
    '4.9e-324',
    '1.7976931348623157e308',
    '1e400',
  ),
);

const space = fc.constantFrom('', ' ', '\n', '\t', ' \r\n ');

/** A body of the shape the reader takes, written with random spacing, key order, number forms and each reading flat or nested. */
const body = fc
  .record({
    n: fc.integer({ min: 0, max: 12 }),
    mag: fc.boolean(),
    nested: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
    session: fc.boolean(),
    offset: fc.option(numberText, { nil: undefined }),
    order: fc.integer({ min: 0, max: 1000 }),
    numbers: fc.array(numberText, { minLength: 120, maxLength: 120 }),
    spaces: fc.array(space, { minLength: 16, maxLength: 16 }),
  })
  .map(({ n, mag, nested, session, offset, order, numbers, spaces }) => {
    const s = (i: number) => spaces[i % spaces.length]!;
    const keys = KEYS.slice(0, mag ? 10 : 7);
    const member = (r: number, k: number) => `${s(k)}:${s(k + 1)}${numbers[(r * 10 + k) % numbers.length]}`;
    const object = (members: string[], r: number) =>
      `{${s(r)}${members.map((_, m) => members[(m + r + order) % members.length]!).join(`,${s(r + 3)}`)}${s(r + 5)}}`;
    const readings = Array.from({ length: n }, (_, r) => {
      if (!nested[r])
        return object(
          keys.map((k) => `"${k}"${member(r, KEYS.indexOf(k))}`),
          r,
        );
      const sensors = ['accelerometer', 'gyroscope', ...(mag ? ['magnetometer'] : [])];
      const axes = (sensor: number) =>
        object(
          ['x', 'y', 'z'].map((a, i) => `"${a}"${member(r, 1 + 3 * sensor + i)}`),
          r + sensor,
        );
      return object([`"timestamp"${member(r, 0)}`, ...sensors.map((name, i) => `"${name}":${s(i)}${axes(i)}`)], r);
    });
    const fields = [
      `"deviceId":${s(1)}"wrist-01"`,
      `"batchId"${s(2)}:"b-${order}"`,
      ...(session ? [`"sessionId":"s 1/2"`] : []),
      ...(offset === undefined ? [] : [`"clockOffsetMs":${offset}`]),
      `"readings":${s(3)}[${s(4)}${readings.join(`,${s(6)}`)}${s(7)}]`,
    ];
    const rotated = fields.map((_, i) => fields[(i + order) % fields.length]!);
    return `${s(8)}{${s(9)}${rotated.join(`${s(10)},${s(11)}`)}${s(12)}}${s(13)}`;
  });

describe('a JSON readings body read into columns', () => {
  it('reads every body of its shape exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(body, (text) => {
        const batch = readJsonBatch(bytes(text));
        expect(batch).toBeDefined();
        expect(plain(batch!)).toEqual(parsedColumns(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads a body inside a larger buffer (as a request body may be)', () => {
    const text = '{"deviceId":"d","batchId":"b","readings":[{"timestamp":1,"ax":1,"ay":2,"az":3,"gx":4,"gy":5,"gz":6.5e-1}]}';
    const outer = Buffer.concat([Buffer.from('xxxx'), Buffer.from(text)]);
    expect(plain(readJsonBatch(outer.subarray(4))!)).toEqual(parsedColumns(text));
  });

  const reading = '{"timestamp":1764000000000,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}';
  const nestedReading = '{"timestamp":1764000000040,"accelerometer":{"x":0.1,"y":0.2,"z":9.8},"gyroscope":{"z":0,"y":-0,"x":1e-3}}';
  const withMag = '{"timestamp":1764000000020,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0,"mx":1,"my":2,"mz":3}';
  const wrap = (readings: string, ids = '"deviceId":"d","batchId":"b"') => `{${ids},"readings":[${readings}]}`;
  const leftToJsonParse: [string, string][] = [
    ['a reading mixing the shapes', wrap('{"timestamp":1,"accelerometer":{"x":1,"y":2,"z":3},"gx":0,"gy":0,"gz":0}')],
    ['a sensor and its flat axis', wrap('{"timestamp":1,"accelerometer":{"x":1,"y":2,"z":3},"ax":1,"gyroscope":{"x":1,"y":2,"z":3}}')],
    ['a sensor twice', wrap('{"timestamp":1,"accelerometer":{"x":1,"y":2,"z":3},"accelerometer":{"x":1,"y":2,"z":3},"gyroscope":{"x":1,"y":2,"z":3}}')],
    ['a sensor with an axis missing', wrap('{"timestamp":1,"accelerometer":{"x":1,"y":2},"gyroscope":{"x":1,"y":2,"z":3}}')],
    ['a sensor with an axis twice', wrap('{"timestamp":1,"accelerometer":{"x":1,"x":1,"y":2,"z":3},"gyroscope":{"x":1,"y":2,"z":3}}')],
    ['a sensor with another key', wrap('{"timestamp":1,"accelerometer":{"x":1,"y":2,"z":3,"w":4},"gyroscope":{"x":1,"y":2,"z":3}}')],
    ['a sensor that is not an object', wrap('{"timestamp":1,"accelerometer":[1,2,3],"gyroscope":{"x":1,"y":2,"z":3}}')],
    ['a nested reading without its gyroscope', wrap('{"timestamp":1,"accelerometer":{"x":1,"y":2,"z":3}}')],
    ['an ISO timestamp', wrap('{"timestamp":"2026-11-20T00:00:00Z","ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a value as a string', wrap('{"timestamp":1,"ax":"0.1","ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a null value', wrap('{"timestamp":1,"ax":null,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a key twice in a reading', wrap('{"timestamp":1,"ax":0.1,"ax":0.2,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['an unknown key in a reading', wrap('{"timestamp":1,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0,"note":1}')],
    ['a missing axis', wrap('{"timestamp":1,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0}')],
    ['a magnetometer in some readings only', wrap(`${reading},${withMag}`)],
    ['part of a magnetometer', wrap('{"timestamp":1,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0,"mx":1}')],
    ['an escape in an id', wrap(reading, '"deviceId":"d\\u0041","batchId":"b"')],
    ['a non-ASCII id', wrap(reading, '"deviceId":"dé","batchId":"b"')],
    ['a null sessionId', wrap(reading, '"deviceId":"d","batchId":"b","sessionId":null')],
    ['an id that is a number', wrap(reading, '"deviceId":7,"batchId":"b"')],
    ['a top-level key twice', wrap(reading, '"deviceId":"d","batchId":"b","batchId":"c"')],
    ['an unknown top-level key', wrap(reading, '"deviceId":"d","batchId":"b","firmware":"1.2"')],
    ['no batchId', wrap(reading, '"deviceId":"d"')],
    ['readings that are not an array', '{"deviceId":"d","batchId":"b","readings":{}}'],
    ['no readings', '{"deviceId":"d","batchId":"b"}'],
    ['a number with more digits than it reads', wrap(`{"timestamp":1,"ax":0.${'1'.repeat(80)},"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}`)],
  ];
  for (const [what, text] of leftToJsonParse) {
    it(`leaves ${what} to JSON.parse`, () => {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(readJsonBatch(bytes(text))).toBeUndefined();
    });
  }

  const notJson: [string, string][] = [
    ['a leading zero', wrap('{"timestamp":01,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a plus sign', wrap('{"timestamp":+1,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a bare fraction', wrap('{"timestamp":1,"ax":.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a trailing dot', wrap('{"timestamp":1,"ax":1.,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['an empty exponent', wrap('{"timestamp":1,"ax":1e,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['NaN', wrap('{"timestamp":1,"ax":NaN,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0}')],
    ['a trailing comma in a reading', wrap('{"timestamp":1,"ax":0.1,"ay":0.2,"az":9.8,"gx":0,"gy":0,"gz":0,}')],
    ['a trailing comma in the readings', wrap(`${reading},`)],
    ['text after the body', `${wrap(reading)}x`],
    ['a second body', `${wrap(reading)}${wrap(reading)}`],
    ['an unclosed body', wrap(reading).slice(0, -1)],
    ['a control character in an id', wrap(reading, '"deviceId":"d\u0001","batchId":"b"')],
  ];
  for (const [what, text] of notJson) {
    it(`refuses ${what}, as JSON.parse does`, () => {
      expect(() => JSON.parse(text)).toThrow();
      expect(readJsonBatch(bytes(text))).toBeUndefined();
    });
  }

  it('never accepts a changed body JSON.parse refuses, and reads any it accepts as JSON.parse does', () => {
    const good = wrap(
      [reading, reading.replace('0.1', '-1.25e-3'), nestedReading].join(','),
      '"deviceId":"d","batchId":"b","sessionId":"s","clockOffsetMs":-600000',
    );
    const alphabet = '{}[]":,.-+eE0123456789 \nabxyzgmt\\';
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length), fc.nat(2), fc.constantFrom(...alphabet)), { minLength: 1, maxLength: 3 }), (edits) => {
        let text = good;
        for (const [at, kind, ch] of edits) {
          const i = at % (text.length + 1);
          text =
            kind === 0 ? text.slice(0, i) + ch + text.slice(i + 1) : kind === 1 ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + text.slice(i + 1);
        }
        const batch = readJsonBatch(bytes(text));
        if (batch === undefined) return;
        expect(() => JSON.parse(text)).not.toThrow();
        expect(plain(batch)).toEqual(parsedColumns(text));
      }),
      { numRuns: 20000 },
    );
  });
});
