// The columnar binary body of a readings batch (Content-Type application/vnd.refinery.imu+binary),
// for firmware that can send it: a 40-byte header, the ids, then one little-endian float64 column per
// channel. Decoding checks only the layout (magic, version, flags, lengths); the readings' values are
// judged by the same rules as JSON (domains/sensor/ingest/columnar.ts). Layout, all little-endian:
//    0  4  magic "RIMU"            4  u8  version (1)          5  u8  channels: 6 (acc, gyro) or 9 (+ mag)
//    6  u8 flags: bit 0 = per-reading timestamps, bit 1 = clockOffsetMs present, other bits 0
//    7  u8 deviceId bytes (1–128)  8  u8  batchId bytes (1–128) 9  u8  sessionId bytes (0 = none)
//   10  u16 reserved (0)          12  u32 readings (n)
//   16  f64 start (epoch ms)      24  f64 interval (ms): reading i is at start + i × interval (both 0 with bit 0)
//   32  f64 clockOffsetMs (0 unless bit 1)
//   40  deviceId, batchId, sessionId (ASCII), zero-padded to a multiple of 8 bytes
//       then, with bit 0, n float64 timestamps; then the channels' columns, n float64 each, in the
//       order ax ay az gx gy gz [mx my mz].

export const COLUMNAR_MEDIA_TYPE = 'application/vnd.refinery.imu+binary';
export const COLUMNAR_MAGIC = 'RIMU';
export const COLUMNAR_VERSION = 1;
export const COLUMNAR_HEADER_BYTES = 40;

const PER_READING_TIMESTAMPS = 1;
const HAS_CLOCK_OFFSET = 2;

/** A batch as columns: `timestamp` and each channel hold one value per reading; mag channels only with 9 channels. */
export interface ColumnarBatch {
  deviceId: string;
  batchId: string;
  sessionId?: string;
  clockOffsetMs?: number;
  timestamp: Float64Array;
  /** ax ay az gx gy gz, then mx my mz when sent. */
  channels: Float64Array[];
}

/** What the encoder takes: timestamps either per reading or as start + interval. */
export interface ColumnarBatchInput {
  deviceId: string;
  batchId: string;
  sessionId?: string;
  clockOffsetMs?: number;
  timing: { timestamps: ArrayLike<number> } | { start: number; interval: number; count: number };
  channels: ArrayLike<number>[];
}

/** A malformed body: each problem names the part of the layout and the reason. */
export class ColumnarFormatError extends Error {
  override name = 'ColumnarFormatError';
  constructor(readonly details: { field: string; reason: string }[]) {
    super(`the columnar body is malformed: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`);
  }
}

const pad8 = (n: number) => (n + 7) & ~7;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ascii = (s: string, field: string, least: number) => {
  if (/[^\x20-\x7e]/.test(s)) throw new ColumnarFormatError([{ field, reason: 'must be printable ASCII' }]);
  if (s.length < least || s.length > 128) throw new ColumnarFormatError([{ field, reason: `must be ${least}–128 bytes` }]);
  return Buffer.from(s, 'latin1');
};

/** Encodes a batch (what firmware does; also the tests' and the benchmark's client). */
export function encodeColumnarBatch(batch: ColumnarBatchInput): Buffer {
  const ids = [ascii(batch.deviceId, 'deviceId', 1), ascii(batch.batchId, 'batchId', 1), ascii(batch.sessionId ?? '', 'sessionId', 0)];
  const perReading = 'timestamps' in batch.timing;
  const n = 'timestamps' in batch.timing ? batch.timing.timestamps.length : batch.timing.count;
  if (batch.channels.length !== 6 && batch.channels.length !== 9) throw new ColumnarFormatError([{ field: 'channels', reason: 'must be 6 or 9 columns' }]);
  for (const [c, column] of batch.channels.entries()) {
    if (column.length !== n) throw new ColumnarFormatError([{ field: `channels[${c}]`, reason: `holds ${column.length} values, not ${n}` }]);
  }
  const idsBytes = pad8(ids[0]!.length + ids[1]!.length + ids[2]!.length);
  const body = Buffer.alloc(COLUMNAR_HEADER_BYTES + idsBytes + 8 * n * (batch.channels.length + (perReading ? 1 : 0)));
  body.write(COLUMNAR_MAGIC, 0, 'latin1');
  body.writeUInt8(COLUMNAR_VERSION, 4);
  body.writeUInt8(batch.channels.length, 5);
  body.writeUInt8((perReading ? PER_READING_TIMESTAMPS : 0) | (batch.clockOffsetMs === undefined ? 0 : HAS_CLOCK_OFFSET), 6);
  ids.forEach((id, i) => body.writeUInt8(id.length, 7 + i));
  body.writeUInt32LE(n, 12);
  if (!('timestamps' in batch.timing)) {
    body.writeDoubleLE(batch.timing.start, 16);
    body.writeDoubleLE(batch.timing.interval, 24);
  }
  body.writeDoubleLE(batch.clockOffsetMs ?? 0, 32);
  let at = COLUMNAR_HEADER_BYTES;
  for (const id of ids) at += id.copy(body, at);
  at = COLUMNAR_HEADER_BYTES + idsBytes;
  const columns = 'timestamps' in batch.timing ? [batch.timing.timestamps, ...batch.channels] : batch.channels;
  for (const column of columns) {
    if (column instanceof Float64Array && LITTLE_ENDIAN) body.set(new Uint8Array(column.buffer, column.byteOffset, 8 * n), at);
    else for (let i = 0; i < n; i++) body.writeDoubleLE(column[i]!, at + 8 * i);
    at += 8 * n;
  }
  return body;
}

/** The float64 column at `offset` as an aligned array (one copy; little-endian hosts read it as is). */
function column(bytes: Uint8Array, offset: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + 8 * n));
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8 * n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  }
  return out;
}

/**
 * Reads a body's layout; throws ColumnarFormatError naming every problem of the header (or the
 * first of the lengths). Values are not judged here: a NaN or an out-of-range timestamp comes out
 * as it was sent, for the caller's rules to refuse.
 */
export function decodeColumnarBatch(bytes: Uint8Array): ColumnarBatch {
  const problems: { field: string; reason: string }[] = [];
  const fail = (field: string, reason: string): never => {
    throw new ColumnarFormatError([...problems, { field, reason }]);
  };
  if (bytes.length < COLUMNAR_HEADER_BYTES) fail('header', `is ${COLUMNAR_HEADER_BYTES} bytes; the body has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic !== COLUMNAR_MAGIC) fail('magic', `must be "${COLUMNAR_MAGIC}" (bytes 0–3); this is not a columnar readings batch`);
  const version = bytes[4]!;
  if (version !== COLUMNAR_VERSION) problems.push({ field: 'version', reason: `is ${version}; this server reads version ${COLUMNAR_VERSION}` });
  const channels = bytes[5]!;
  if (channels !== 6 && channels !== 9)
    problems.push({ field: 'channels', reason: `is ${channels}; must be 6 (accelerometer, gyroscope) or 9 (and magnetometer)` });
  const flags = bytes[6]!;
  if (flags & ~(PER_READING_TIMESTAMPS | HAS_CLOCK_OFFSET))
    problems.push({ field: 'flags', reason: `has unknown bits set (0x${flags.toString(16)}); only bits 0 and 1 are defined` });
  const [deviceBytes, batchBytes, sessionBytes] = [bytes[7]!, bytes[8]!, bytes[9]!];
  if (deviceBytes === 0 || deviceBytes > 128) problems.push({ field: 'deviceId', reason: `length is ${deviceBytes}; must be 1–128 bytes` });
  if (batchBytes === 0 || batchBytes > 128) problems.push({ field: 'batchId', reason: `length is ${batchBytes}; must be 1–128 bytes` });
  if (sessionBytes > 128) problems.push({ field: 'sessionId', reason: `length is ${sessionBytes}; must be 0 (none) to 128 bytes` });
  if (view.getUint16(10, true) !== 0) problems.push({ field: 'reserved', reason: 'bytes 10–11 must be 0' });
  const n = view.getUint32(12, true);
  const perReading = (flags & PER_READING_TIMESTAMPS) !== 0;
  const start = view.getFloat64(16, true);
  const interval = view.getFloat64(24, true);
  if (perReading && (start !== 0 || interval !== 0))
    problems.push({ field: 'start', reason: 'and interval must be 0 when timestamps are sent per reading (flags bit 0)' });
  const offset = view.getFloat64(32, true);
  const hasOffset = (flags & HAS_CLOCK_OFFSET) !== 0;
  if (!hasOffset && !Object.is(offset, 0)) problems.push({ field: 'clockOffsetMs', reason: 'must be 0 when flags bit 1 (clock offset present) is not set' });
  if (problems.length) throw new ColumnarFormatError(problems);

  const idsEnd = COLUMNAR_HEADER_BYTES + deviceBytes + batchBytes + sessionBytes;
  const columnsAt = COLUMNAR_HEADER_BYTES + pad8(deviceBytes + batchBytes + sessionBytes);
  const columnCount = channels + (perReading ? 1 : 0);
  const expected = columnsAt + 8 * n * columnCount;
  if (bytes.length !== expected) {
    fail(
      'body',
      `is ${bytes.length} bytes; a header for ${n} readings × ${columnCount} columns (${channels} channels${perReading ? ' and timestamps' : ''}) needs exactly ${expected}`,
    );
  }
  for (let i = idsEnd; i < columnsAt; i++) if (bytes[i] !== 0) fail('padding', `after the ids (bytes ${idsEnd}–${columnsAt - 1}) must be 0`);
  const text = (from: number, length: number, field: string) => {
    for (let i = from; i < from + length; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) fail(field, 'must be printable ASCII');
    return String.fromCharCode(...bytes.subarray(from, from + length));
  };
  const deviceId = text(COLUMNAR_HEADER_BYTES, deviceBytes, 'deviceId');
  const batchId = text(COLUMNAR_HEADER_BYTES + deviceBytes, batchBytes, 'batchId');
  const sessionId = sessionBytes ? text(COLUMNAR_HEADER_BYTES + deviceBytes + batchBytes, sessionBytes, 'sessionId') : undefined;

  let at = columnsAt;
  let timestamp: Float64Array;
  if (perReading) {
    timestamp = column(bytes, at, n);
    at += 8 * n;
  } else {
    timestamp = new Float64Array(n);
    for (let i = 0; i < n; i++) timestamp[i] = start + i * interval;
  }
  const values: Float64Array[] = [];
  for (let c = 0; c < channels; c++, at += 8 * n) values.push(column(bytes, at, n));
  return {
    deviceId,
    batchId,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(hasOffset ? { clockOffsetMs: offset } : {}),
    timestamp,
    channels: values,
  };
}
