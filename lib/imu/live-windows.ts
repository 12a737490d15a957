// The live path's windowing: a device's readings arrive a batch at a time, and each batch continues
// where the last one stopped. The state between batches is the device's tail: the readings since the
// next window's start (never more than a window's worth, all of one session and one UTC day), the
// newest timestamp seen, and how many windows the device has had that day (the batch pipeline's
// window_index). Fed in time order, it cuts exactly the windows cutWindows cuts on the whole day.
import { cleanReadings } from './clean.ts';
import { allocateColumns, CHANNELS, deviceColumns, type Reading, type ReadingColumns } from './reading.ts';
import { scanWindows, type ReadingWindow, type WindowOptions } from './windows.ts';

export interface DeviceTail {
  /** The readings since the next window's start, in time order: timestamp then the nine channels, row by row. */
  readings: Float64Array;
  sessionId: string | null;
  /** The newest reading seen; readings at or before it arrive late and are not windowed live. */
  lastTs: number;
  /** UTC midnight (epoch ms) of the day `windowsOnDay` counts. */
  countDay: number;
  windowsOnDay: number;
}

export interface LiveWindow {
  window: ReadingWindow;
  /** The window's index among the device's windows of its UTC day (the batch pipeline's window_index). */
  index: number;
}

export interface TailAdvance {
  /** The tail's readings followed by the batch's; the windows index into these. */
  columns: ReadingColumns;
  windows: LiveWindow[];
  tail: DeviceTail;
  /** Readings of the batch at or before the tail's newest timestamp (late or repeated), not windowed. */
  late: number;
}

const FIELDS = 1 + CHANNELS.length;
const DAY_MS = 86_400_000;

export function emptyTail(): DeviceTail {
  return { readings: new Float64Array(0), sessionId: null, lastTs: -Infinity, countDay: 0, windowsOnDay: 0 };
}

/**
 * Continues a device's windows with one batch of its readings (any order; cleaned here as silver
 * cleans them), as rows or already as this device's columns (the columnar ingest body).
 */
export function advanceTail(
  deviceId: string,
  tail: DeviceTail,
  sessionId: string | null,
  batch: readonly Reading[] | ReadingColumns,
  options: WindowOptions = {},
): TailAdvance {
  const { columns: cleaned } = cleanReadings(Array.isArray(batch) ? deviceColumns(deviceId, sessionId, batch) : (batch as ReadingColumns));
  let first = 0;
  while (first < cleaned.length && cleaned.timestamp[first] <= tail.lastTs) first++;
  const held = tail.readings.length / FIELDS;
  const n = held + cleaned.length - first;
  const sessionIds = tail.sessionId !== null ? [tail.sessionId] : [];
  const batchSession = sessionId === null ? -1 : sessionId === tail.sessionId ? 0 : sessionIds.push(sessionId) - 1;
  const columns = allocateColumns(n, [deviceId], sessionIds);
  // Column by column (the tail is row by row): no closure or property lookup per value.
  const heldSession = tail.sessionId === null ? -1 : 0;
  const from = tail.readings;
  columns.session.fill(heldSession, 0, held);
  columns.session.fill(batchSession, held, n);
  columns.timestamp.set(cleaned.timestamp.subarray(first, cleaned.length), held);
  for (let i = 0; i < held; i++) columns.timestamp[i] = from[i * FIELDS]!;
  for (let k = 0; k < CHANNELS.length; k++) {
    const into = columns[CHANNELS[k]!];
    for (let i = 0; i < held; i++) into[i] = from[i * FIELDS + 1 + k]!;
    into.set(cleaned[CHANNELS[k]!].subarray(first, cleaned.length), held);
  }

  const windows: LiveWindow[] = [];
  let { countDay, windowsOnDay } = tail;
  const next = scanWindows(columns, 0, n, options, (start, end) => {
    const day = Math.floor(columns.timestamp[start] / DAY_MS) * DAY_MS;
    if (day !== countDay) [countDay, windowsOnDay] = [day, 0];
    const s = columns.session[start];
    windows.push({
      window: { start, end, startTs: columns.timestamp[start], endTs: columns.timestamp[end - 1], deviceId, sessionId: s < 0 ? null : columns.sessionIds[s] },
      index: windowsOnDay++,
    });
  });
  const rest = new Float64Array((n - next) * FIELDS);
  for (let i = next; i < n; i++) rest[(i - next) * FIELDS] = columns.timestamp[i]!;
  for (let k = 0; k < CHANNELS.length; k++) {
    const column = columns[CHANNELS[k]!];
    for (let i = next; i < n; i++) rest[(i - next) * FIELDS + 1 + k] = column[i]!;
  }
  const s = next < n ? columns.session[next] : -1;
  return {
    columns,
    windows,
    tail: {
      readings: rest,
      sessionId: s < 0 ? null : columns.sessionIds[s],
      lastTs: n > 0 ? Math.max(tail.lastTs, columns.timestamp[n - 1]) : tail.lastTs,
      countDay,
      windowsOnDay,
    },
    late: first,
  };
}

/** The tail's readings as bytes for storage (little-endian float64), and back. */
export function encodeTailReadings(readings: Float64Array): Buffer {
  return Buffer.from(readings.buffer, readings.byteOffset, readings.byteLength);
}

export function decodeTailReadings(bytes: Buffer | null): Float64Array {
  if (bytes === null || bytes.length === 0) return new Float64Array(0);
  if (bytes.length % (8 * FIELDS) !== 0) throw new RangeError(`a device tail of ${bytes.length} bytes is not whole readings of ${FIELDS} float64 values`);
  const copy = new Float64Array(bytes.length / 8);
  new Uint8Array(copy.buffer).set(bytes);
  return copy;
}
