// A readings batch read from its JSON bytes straight into columns, for the common shapes: readings
// flat (timestamp, ax … gz, mx my mz) or nested by sensor (timestamp, accelerometer: {x, y, z},
// gyroscope, magnetometer), the magnetometer in every reading or in none, ids that are plain ASCII.
// JSON.parse would make an object per reading and a string of the whole body first; at saturation
// that and what follows from it (checking each object, gathering it into columns, the garbage) was
// over half of the API's time per JSON reading. This reads the bytes once and fills the columns the
// columnar body decodes into (lib/imu/columnar-batch.ts).
//
// It never accepts what JSON.parse would refuse or read differently: anything it does not follow
// exactly (an escape in a string, a reading mixing the shapes, a key it does not know or sees twice, a
// number with more than 15 significant digits it cannot take on the fast path and that is too long
// to hand to Number) gives undefined, and the caller parses the body as JSON the ordinary way.
// Values are not judged here (ranges, whole timestamps): only read.
import type { ColumnarBatch } from './columnar-batch.ts';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** 10ⁿ for n ≤ 22: every one exact in a double, so m × 10ⁿ and m / 10ⁿ round once (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
/** The shortest flat reading, {"timestamp":0,"ax":0,…,"gz":0}: bounds how many a body can hold. */
const SHORTEST_READING = 55;
/** Longer number tokens (more than 15 significant digits) are read by Number from their text, up to this length. */
const LONGEST_SLOW_NUMBER = 64;
/** Ids longer than this go the ordinary way (the schema allows far fewer). */
const LONGEST_STRING = 1024;

/** Bit of each reading key: timestamp, then ax ay az gx gy gz mx my mz. */
const TIMESTAMP_BIT = 1;
const CORE_BITS = 0b1111111;
const MAG_BITS = 0b1110000000;
/** readingKey's answer for accelerometer, gyroscope and magnetometer: this plus the sensor (0–2). */
const SENSOR = 1024;
/** Per-reading flags: which shape its keys were in (the schema refuses a reading that mixes them). */
const FLAT = 1;
const NESTED = 2;

const quoted = (word: string) => Uint8Array.from(Buffer.from(`"${word}"`, 'latin1'));
const NESTED_KEYS = [quoted('accelerometer'), quoted('gyroscope'), quoted('magnetometer')];
const TIMESTAMP_KEY = quoted('timestamp');

class Reader {
  i = 0;
  constructor(readonly b: Uint8Array) {}

  space(): number {
    const b = this.b;
    let i = this.i;
    let c = b[i];
    while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i];
    this.i = i;
    return c ?? -1;
  }

  /** After an object's member: 1 when another follows (at its key's quote), 0 when the object closed, -1 otherwise. */
  nextMember(): number {
    const c = this.space();
    if (c === COMMA) {
      this.i++;
      return this.space() === QUOTE ? 1 : -1;
    }
    if (c !== CLOSE_BRACE) return -1;
    this.i++;
    return 0;
  }

  /** A string of printable ASCII without escapes, or undefined. At the opening quote. */
  string(): string | undefined {
    const b = this.b;
    const start = ++this.i;
    let i = start;
    for (;;) {
      const c = b[i];
      if (c === QUOTE) break;
      if (c === undefined || c < 0x20 || c > 0x7e || c === BACKSLASH || i - start > LONGEST_STRING) return undefined;
      i++;
    }
    this.i = i + 1;
    return String.fromCharCode.apply(null, b.subarray(start, i) as unknown as number[]);
  }

  /** A JSON number, exactly as JSON.parse reads it, or NaN when the token is not one (or too long to read). */
  number(): number {
    const b = this.b;
    const start = this.i;
    let i = start;
    let c = b[i];
    const negative = c === MINUS;
    if (negative) c = b[++i];
    let mantissa = 0;
    let digits = 0; // significant digits taken into the mantissa
    let exponent = 0;
    if (c === ZERO) c = b[++i];
    else if (c !== undefined && c > ZERO && c <= NINE) {
      do {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        c = b[++i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    } else return Number.NaN;
    if (c === DOT) {
      c = b[++i];
      if (c === undefined || c < ZERO || c > NINE) return Number.NaN;
      do {
        if (mantissa !== 0 || c !== ZERO) {
          mantissa = mantissa * 10 + (c - ZERO);
          digits++;
        }
        exponent--;
        c = b[++i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
    }
    if (c === LOWER_E || c === UPPER_E) {
      c = b[++i];
      const minus = c === MINUS;
      if (minus || c === PLUS) c = b[++i];
      if (c === undefined || c < ZERO || c > NINE) return Number.NaN;
      let e = 0;
      do {
        if (e < 100_000) e = e * 10 + (c - ZERO);
        c = b[++i];
      } while (c !== undefined && c >= ZERO && c <= NINE);
      exponent += minus ? -e : e;
    }
    this.i = i;
    if (digits <= 15 && exponent >= -22 && exponent <= 22) {
      const value = exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
      return negative ? -value : value;
    }
    if (mantissa === 0) return negative ? -0 : 0; // 0.000e999 and the like
    if (i - start > LONGEST_SLOW_NUMBER) return Number.NaN;
    return Number(String.fromCharCode.apply(null, b.subarray(start, i) as unknown as number[]));
  }

  /** Whether `word` (with its quotes) is at the reader; if so, the reader moves past it. */
  private word(word: Uint8Array): boolean {
    const b = this.b;
    const i = this.i;
    for (let k = word.length - 1; k >= 0; k--) if (b[i + k] !== word[k]) return false;
    this.i = i + word.length;
    return true;
  }

  /**
   * The bit of a reading's key (see TIMESTAMP_BIT), SENSOR + 0–2 for a nested sensor's key, or 0
   * for any other key. At the opening quote.
   */
  readingKey(): number {
    const b = this.b;
    const i = this.i;
    // "ax" … "mz": two letters.
    if (b[i + 3] === QUOTE) {
      const sensor = b[i + 1];
      const axis = b[i + 2]! - 0x78; // x y z → 0 1 2
      if (axis < 0 || axis > 2) return 0;
      this.i = i + 4;
      if (sensor === 0x61) return 2 << axis; // a
      if (sensor === 0x67) return 16 << axis; // g
      if (sensor === 0x6d) return 128 << axis; // m
      return 0;
    }
    if (this.word(TIMESTAMP_KEY)) return TIMESTAMP_BIT;
    for (let sensor = 0; sensor < 3; sensor++) if (this.word(NESTED_KEYS[sensor]!)) return SENSOR + sensor;
    return 0;
  }

  /**
   * A sensor's {x, y, z} at the reader (at its '{'), each exactly once, into `columns` from `first`
   * at reading `n`; false when it is anything else.
   */
  axes(columns: Float64Array[], first: number, n: number): boolean {
    const b = this.b;
    this.i++;
    if (this.space() !== QUOTE) return false;
    let seen = 0;
    for (;;) {
      const i = this.i;
      const axis = b[i + 1]! - 0x78; // x y z → 0 1 2
      if (b[i + 2] !== QUOTE || axis < 0 || axis > 2 || seen & (1 << axis)) return false;
      seen |= 1 << axis;
      this.i = i + 3;
      if (this.space() !== COLON) return false;
      this.i++;
      this.space();
      const v = this.number();
      if (v !== v) return false;
      columns[first + axis]![n] = v;
      const next = this.nextMember();
      if (next < 0) return false;
      if (next === 0) return seen === 0b111;
    }
  }
}

/** Column of each key bit's value: timestamp is column 0, ax … mz columns 1–9. */
const COLUMN_OF = new Int8Array(1024).fill(-1);
for (let k = 0; k < 10; k++) COLUMN_OF[1 << k] = k;

/**
 * The readings array at the reader (at its '['): the columns of timestamp and the 6 or 9 channels,
 * or undefined. `room` readings at most (the caller's bound from the body's size).
 */
function readReadings(r: Reader, room: number): Float64Array[] | undefined {
  const b = r.b;
  r.i++;
  const all = new Float64Array(10 * room); // one allocation; the columns are views of it
  const columns = Array.from({ length: 10 }, (_, k) => all.subarray(k * room, (k + 1) * room));
  let n = 0;
  let shape = -1; // the key bits every reading must have (the first reading's)
  if (r.space() === CLOSE_BRACKET) {
    r.i++;
    return columns.slice(0, 7).map((c) => c.subarray(0, 0));
  }
  for (;;) {
    if (b[r.i] !== OPEN_BRACE || n >= room) return undefined;
    r.i++;
    let seen = 0;
    let shapes = 0;
    if (r.space() !== QUOTE) return undefined;
    for (;;) {
      const key = r.readingKey();
      if (key === 0) return undefined;
      if (r.space() !== COLON) return undefined;
      r.i++;
      const c = r.space();
      if (key >= SENSOR) {
        // A sensor's axes: its three bits, as the flat keys would set them.
        const sensor = key - SENSOR;
        const bits = 0b1110 << (3 * sensor);
        if (seen & bits || c !== OPEN_BRACE || !r.axes(columns, 1 + 3 * sensor, n)) return undefined;
        seen |= bits;
        shapes |= NESTED;
      } else {
        if (seen & key) return undefined;
        seen |= key;
        if (key !== TIMESTAMP_BIT) shapes |= FLAT;
        const v = r.number();
        if (v !== v) return undefined; // NaN: not a number token
        columns[COLUMN_OF[key]!]![n] = v;
      }
      const next = r.nextMember();
      if (next < 0) return undefined;
      if (next === 0) break;
    }
    if (shapes === (FLAT | NESTED)) return undefined;
    if (shape < 0) {
      if ((seen & CORE_BITS) !== CORE_BITS || ((seen & MAG_BITS) !== 0 && (seen & MAG_BITS) !== MAG_BITS)) return undefined;
      shape = seen;
    } else if (seen !== shape) return undefined;
    n++;
    const c = r.space();
    if (c === COMMA) {
      r.i++;
      r.space();
      continue;
    }
    if (c !== CLOSE_BRACKET) return undefined;
    r.i++;
    break;
  }
  return columns.slice(0, (shape & MAG_BITS) === MAG_BITS ? 10 : 7).map((c) => c.subarray(0, n));
}

/**
 * A readings batch's JSON body as columns, or undefined when it is not in the shape this reads (the
 * caller then parses it as JSON, and the schema judges it). The body's top level may hold only
 * deviceId, batchId, sessionId (strings), clockOffsetMs (a number) and readings, each at most once.
 */
export function readJsonBatch(bytes: Uint8Array): ColumnarBatch | undefined {
  const r = new Reader(bytes);
  if (r.space() !== OPEN_BRACE) return undefined;
  r.i++;
  const ids: { deviceId?: string; batchId?: string; sessionId?: string } = {};
  let clockOffsetMs: number | undefined;
  let readings: ReturnType<typeof readReadings>;
  if (r.space() !== QUOTE) return undefined;
  for (;;) {
    const key = r.string();
    if (r.space() !== COLON) return undefined;
    r.i++;
    const c = r.space();
    if (key === 'readings') {
      if (c !== OPEN_BRACKET || readings) return undefined;
      readings = readReadings(r, Math.floor(bytes.length / SHORTEST_READING) + 1);
      if (!readings) return undefined;
    } else if (key === 'deviceId' || key === 'batchId' || key === 'sessionId') {
      if (c !== QUOTE || ids[key] !== undefined) return undefined;
      const value = r.string();
      if (value === undefined) return undefined;
      ids[key] = value;
    } else if (key === 'clockOffsetMs') {
      if (clockOffsetMs !== undefined) return undefined;
      clockOffsetMs = r.number();
      if (clockOffsetMs !== clockOffsetMs) return undefined;
    } else return undefined;
    const next = r.nextMember();
    if (next < 0) return undefined;
    if (next === 0) break;
  }
  if (r.space() !== -1 || !readings || ids.deviceId === undefined || ids.batchId === undefined) return undefined;
  const [timestamp, ...channels] = readings;
  return {
    deviceId: ids.deviceId,
    batchId: ids.batchId,
    ...(ids.sessionId === undefined ? {} : { sessionId: ids.sessionId }),
    ...(clockOffsetMs === undefined ? {} : { clockOffsetMs }),
    timestamp: timestamp!,
    channels,
  };
}
