// How a batch of readings is stored in bronze (migrations/0070): cut at UTC midnights into segments,
// one row each, with milliseconds since midnight and one array per channel. A segment's channels are
// real[] when every value is a decimal of at most six significant digits (float4 prints it back
// exactly) and float8[] otherwise, so nothing a device sent is lost.
import type { BinaryColumn } from '../../../lib/db/copy-binary.ts';
import type { CopyRow } from '../../../lib/db/copy-format.ts';
import { CHANNELS, type Reading } from '../../../lib/imu/reading.ts';

const DAY_MS = 86_400_000;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Columns of bronze.imu_segments and their types (binary COPY sends them typed), in the order segmentRows writes them. */
export const SEGMENT_COLUMNS: readonly BinaryColumn[] = [
  { name: 'day', type: 'date' },
  { name: 'device_id', type: 'text' },
  { name: 'batch_id', type: 'text' },
  { name: 'session_id', type: 'text' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'ms', type: 'int4[]' },
  ...CHANNELS.map((name) => ({ name, type: 'float4[]' as const })),
  ...CHANNELS.map((c) => ({ name: `${c}8`, type: 'float8[]' as const })),
];

/**
 * Whether v is (the double nearest) a decimal of at most six significant digits, between 1e-15 and
 * 1e15 in size (or 0). Every such decimal survives decimal → float4 → shortest decimal unchanged
 * (float4 holds six digits), so storing it as real and reading it back as text gives v again. The
 * test is exact: k / 10ⁿ is correctly rounded, and 10ⁿ is exact up to n = 22. For every such
 * decimal, Math.fround(v) (what binary COPY stores) is the float4 PostgreSQL would parse from the
 * decimal's text: test/unit/sensor/short-decimal-float4.test.ts checks all 5.4e7 of them.
 */
export function isShortDecimal(v: number): boolean {
  if (v === 0) return true;
  const a = Math.abs(v);
  if (!(a >= 1e-15 && a < 1e15)) return false;
  const n = 5 - Math.floor(Math.log10(a));
  let k: number;
  if (n >= 0) {
    k = Math.round(v * POW10[n]!);
    if (k / POW10[n]! !== v) return false;
  } else {
    k = Math.round(v / POW10[-n]!);
    if (k * POW10[-n]! !== v) return false;
  }
  return k < 1e6 && k > -1e6;
}

interface BatchIds {
  deviceId: string;
  batchId: string;
  sessionId?: string | null;
}

/**
 * A batch as ingest lands it: readings as a JSON body parses them, or columns as the columnar body
 * carries them (lib/imu/columnar-batch.ts; the magnetometer columns only when sent).
 */
export type SegmentBatch = BatchIds & ({ readings: readonly Reading[] } | { timestamp: Float64Array; channels: readonly Float64Array[] });

/** How many readings a batch holds. */
export const readingCount = (batch: SegmentBatch): number => ('readings' in batch ? batch.readings.length : batch.timestamp.length);

/** The UTC days (YYYY-MM-DD) the batches' readings fall on. */
export function segmentDays(batches: readonly SegmentBatch[]): Set<string> {
  const days = new Set<string>();
  for (const b of batches) {
    const rows = 'readings' in b ? b.readings : null;
    const column = 'readings' in b ? null : b.timestamp;
    const n = readingCount(b);
    let last = Number.NaN;
    for (let i = 0; i < n; i++) {
      const d = Math.floor((rows ? rows[i]!.timestamp : column![i]!) / DAY_MS);
      if (d !== last) days.add(new Date(d * DAY_MS).toISOString().slice(0, 10));
      last = d;
    }
  }
  return days;
}

/** Segment rows of one batch: one per UTC day its readings fall on, readings in the order sent. */
export function segmentRows(batch: SegmentBatch, receivedAt: Date): CopyRow[] {
  return 'readings' in batch ? readingSegmentRows(batch, batch.readings, receivedAt) : columnSegmentRows(batch, batch.timestamp, batch.channels, receivedAt);
}

const NINE_NULLS = new Array<null>(9).fill(null);

function segmentRow(
  batch: BatchIds,
  day: number,
  receivedAt: Date,
  ms: Int32Array,
  values: readonly (ArrayLike<number | null> | null)[],
  short: boolean,
): CopyRow {
  return [
    new Date(day * DAY_MS).toISOString().slice(0, 10),
    batch.deviceId,
    batch.batchId,
    batch.sessionId ?? null,
    receivedAt,
    ms,
    ...(short ? values : NINE_NULLS),
    ...(short ? NINE_NULLS : values),
  ];
}

function readingSegmentRows(batch: BatchIds, sent: readonly Reading[], receivedAt: Date): CopyRow[] {
  const byDay = new Map<number, Reading[]>();
  for (const r of sent) {
    const d = Math.floor(r.timestamp / DAY_MS);
    let list = byDay.get(d);
    if (!list) byDay.set(d, (list = []));
    list.push(r);
  }
  const rows: CopyRow[] = [];
  for (const [d, readings] of byDay) {
    const n = readings.length;
    const ms = new Int32Array(n);
    // Typed columns, which binary COPY writes as IEEE bytes; a magnetometer axis some readings lack
    // becomes an array with NULLs.
    const channels = CHANNELS.map(() => new Float64Array(n));
    const missing = new Array<boolean>(9).fill(false);
    let short = true;
    let magnetometer = false;
    for (let i = 0; i < n; i++) {
      const r = readings[i]!;
      ms[i] = r.timestamp - d * DAY_MS;
      for (let c = 0; c < 9; c++) {
        const v = r[CHANNELS[c]!];
        if (v === undefined) {
          missing[c] = true;
          continue;
        }
        if (c >= 6) magnetometer = true;
        channels[c]![i] = v;
        if (short && !isShortDecimal(v)) short = false;
      }
    }
    const values = channels.map((column, c) => {
      if (c >= 6 && !magnetometer) return null;
      if (!missing[c]) return column;
      const channel = CHANNELS[c]!;
      return Array.from(column, (v, i) => (readings[i]![channel] === undefined ? null : v));
    });
    rows.push(segmentRow(batch, d, receivedAt, ms, values, short));
  }
  return rows;
}

/**
 * The same rows from columns: a batch within one UTC day (nearly all) is stored from its columns as
 * they are; one across midnight is gathered per day. No per-reading objects either way.
 */
function columnSegmentRows(batch: BatchIds, timestamp: Float64Array, channels: readonly Float64Array[], receivedAt: Date): CopyRow[] {
  const n = timestamp.length;
  const byDay = new Map<number, number[] | null>();
  const first = Math.floor(timestamp[0]! / DAY_MS);
  byDay.set(first, null);
  for (let i = 0; i < n; i++) {
    if (Math.floor(timestamp[i]! / DAY_MS) === first) continue;
    // Across midnight: every reading's index, per day, in the order sent.
    byDay.clear();
    for (let j = 0; j < n; j++) {
      const d = Math.floor(timestamp[j]! / DAY_MS);
      let list = byDay.get(d);
      if (!list) byDay.set(d, (list = []));
      list.push(j);
    }
    break;
  }
  const rows: CopyRow[] = [];
  for (const [d, indices] of byDay) {
    const gather = (column: Float64Array) => (indices ? Float64Array.from(indices, (i) => column[i]!) : column);
    const ts = gather(timestamp);
    const ms = new Int32Array(ts.length);
    for (let i = 0; i < ts.length; i++) ms[i] = ts[i]! - d * DAY_MS;
    const values: (Float64Array | null)[] = CHANNELS.map((_, c) => (channels[c] ? gather(channels[c]) : null));
    let short = true;
    for (let c = 0; c < 9 && short; c++) {
      const column = values[c];
      if (column) for (let i = 0; i < column.length && short; i++) short = isShortDecimal(column[i]!);
    }
    rows.push(segmentRow(batch, d, receivedAt, ms, values, short));
  }
  return rows;
}
