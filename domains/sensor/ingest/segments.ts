// How a batch of readings is stored in bronze (migrations/0070): cut at UTC midnights into segments,
// one row each, with milliseconds since midnight and one array per channel. A segment's channels are
// real[] when every value is a decimal of at most six significant digits (float4 prints it back
// exactly) and float8[] otherwise, so nothing a device sent is lost.
import type { CopyRow } from '../../../lib/db/copy-format.ts';
import { CHANNELS, type Reading } from '../../../lib/imu/reading.ts';

const DAY_MS = 86_400_000;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Columns of bronze.imu_segments, in the order segmentRows writes them. */
export const SEGMENT_COLUMNS = ['day', 'device_id', 'batch_id', 'session_id', 'received_at', 'ms', ...CHANNELS, ...CHANNELS.map((c) => `${c}8`)];

/**
 * Whether v is (the double nearest) a decimal of at most six significant digits, between 1e-15 and
 * 1e15 in size (or 0). Every such decimal survives decimal → float4 → shortest decimal unchanged
 * (float4 holds six digits), so storing it as real and reading it back as text gives v again. The
 * test is exact: k / 10ⁿ is correctly rounded, and 10ⁿ is exact up to n = 22.
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

export interface SegmentBatch {
  deviceId: string;
  batchId: string;
  sessionId?: string | null;
  readings: readonly Reading[];
}

/** The UTC days (YYYY-MM-DD) the batches' readings fall on. */
export function segmentDays(batches: readonly SegmentBatch[]): Set<string> {
  const days = new Set<string>();
  for (const b of batches) {
    let last = Number.NaN;
    for (const r of b.readings) {
      const d = Math.floor(r.timestamp / DAY_MS);
      if (d !== last) days.add(new Date(d * DAY_MS).toISOString().slice(0, 10));
      last = d;
    }
  }
  return days;
}

/** Segment rows of one batch: one per UTC day its readings fall on, readings in the order sent. */
export function segmentRows(batch: SegmentBatch, receivedAt: Date): CopyRow[] {
  const byDay = new Map<number, Reading[]>();
  for (const r of batch.readings) {
    const d = Math.floor(r.timestamp / DAY_MS);
    let list = byDay.get(d);
    if (!list) byDay.set(d, (list = []));
    list.push(r);
  }
  const rows: CopyRow[] = [];
  for (const [d, readings] of byDay) {
    const n = readings.length;
    const ms = new Int32Array(n);
    const channels = CHANNELS.map(() => new Array<number | null>(n));
    let short = true;
    let magnetometer = false;
    for (let i = 0; i < n; i++) {
      const r = readings[i]!;
      ms[i] = r.timestamp - d * DAY_MS;
      for (let c = 0; c < 9; c++) {
        const v = r[CHANNELS[c]!];
        if (v === undefined) {
          channels[c]![i] = null;
          continue;
        }
        if (c >= 6) magnetometer = true;
        channels[c]![i] = v;
        if (short && !isShortDecimal(v)) short = false;
      }
    }
    const values = channels.map((values, c) => (c >= 6 && !magnetometer ? null : values));
    const nine = new Array<null>(9).fill(null);
    rows.push([
      new Date(d * DAY_MS).toISOString().slice(0, 10),
      batch.deviceId,
      batch.batchId,
      batch.sessionId ?? null,
      receivedAt,
      ms,
      ...(short ? values : nine),
      ...(short ? nine : values),
    ]);
  }
  return rows;
}
