// Silver's cleaning of raw readings: drop what cannot be a real measurement, keep the first copy of
// a reading a device sent twice, and order each device's readings by time.
import { sensorRanges } from '../sensor-limits.ts';
import { allocateColumns, type ReadingColumns } from './reading.ts';

export interface CleaningCounts {
  input: number;
  kept: number;
  /** Dropped: a timestamp, accelerometer or gyroscope value that is NaN or ±Infinity, or a ±Infinity magnetometer value. */
  nonFinite: number;
  /** Dropped: a finite value outside the sensor's full scale (lib/sensor-limits.ts). */
  outOfRange: number;
  /** Dropped: a second reading of the same device at the same timestamp (the first one in input order is kept). */
  duplicates: number;
  /** Kept, but with the magnetometer set to absent because only some of mx, my, mz were given. */
  magnetometerCleared: number;
}

export interface CleanedReadings {
  /** Grouped by device (in order of first appearance), ordered by timestamp within a device. */
  columns: ReadingColumns;
  counts: CleaningCounts;
}

const { acc, gyro, mag } = sensorRanges;

/**
 * Validates, de-duplicates and orders readings. Input order does not matter; when the input is
 * already grouped by device and ordered by time (the way silver reads bronze), no sort is done.
 */
export function cleanReadings(input: ReadingColumns): CleanedReadings {
  const n = input.length;
  const { timestamp, ax, ay, az, gx, gy, gz, mx, my, mz, device } = input;
  const counts: CleaningCounts = { input: n, kept: 0, nonFinite: 0, outOfRange: 0, duplicates: 0, magnetometerCleared: 0 };
  const valid = new Uint32Array(n);
  const clearMag = new Uint8Array(n);
  let nValid = 0;
  for (let i = 0; i < n; i++) {
    const t = timestamp[i];
    const a0 = ax[i],
      a1 = ay[i],
      a2 = az[i],
      g0 = gx[i],
      g1 = gy[i],
      g2 = gz[i];
    const m0 = mx[i],
      m1 = my[i],
      m2 = mz[i];
    // Number.isFinite on each value: NaN and ±Infinity both fail it.
    if (
      !Number.isFinite(t) ||
      !Number.isFinite(a0) ||
      !Number.isFinite(a1) ||
      !Number.isFinite(a2) ||
      !Number.isFinite(g0) ||
      !Number.isFinite(g1) ||
      !Number.isFinite(g2) ||
      m0 === Infinity ||
      m0 === -Infinity ||
      m1 === Infinity ||
      m1 === -Infinity ||
      m2 === Infinity ||
      m2 === -Infinity
    ) {
      counts.nonFinite++;
      continue;
    }
    if (
      a0 < acc.min ||
      a0 > acc.max ||
      a1 < acc.min ||
      a1 > acc.max ||
      a2 < acc.min ||
      a2 > acc.max ||
      g0 < gyro.min ||
      g0 > gyro.max ||
      g1 < gyro.min ||
      g1 > gyro.max ||
      g2 < gyro.min ||
      g2 > gyro.max ||
      m0 < mag.min ||
      m0 > mag.max ||
      m1 < mag.min ||
      m1 > mag.max ||
      m2 < mag.min ||
      m2 > mag.max
    ) {
      counts.outOfRange++;
      continue;
    }
    const magPresent = (m0 === m0 ? 1 : 0) + (m1 === m1 ? 1 : 0) + (m2 === m2 ? 1 : 0);
    if (magPresent === 1 || magPresent === 2) {
      clearMag[i] = 1;
      counts.magnetometerCleared++;
    }
    valid[nValid++] = i;
  }

  let order = valid.subarray(0, nValid);
  if (!isOrdered(order, device, timestamp)) {
    // The original index breaks ties, so among duplicates the first received stays first.
    order = order.slice().sort((a, b) => device[a] - device[b] || timestamp[a] - timestamp[b] || a - b);
  }

  const keep = new Uint32Array(nValid);
  let kept = 0;
  for (let k = 0; k < nValid; k++) {
    const i = order[k];
    if (kept > 0) {
      const prev = keep[kept - 1];
      if (device[prev] === device[i] && timestamp[prev] === timestamp[i]) {
        counts.duplicates++;
        continue;
      }
    }
    keep[kept++] = i;
  }
  counts.kept = kept;

  const out = allocateColumns(kept, input.deviceIds.slice(), input.sessionIds.slice());
  for (let k = 0; k < kept; k++) {
    const i = keep[k];
    out.timestamp[k] = timestamp[i];
    out.ax[k] = ax[i];
    out.ay[k] = ay[i];
    out.az[k] = az[i];
    out.gx[k] = gx[i];
    out.gy[k] = gy[i];
    out.gz[k] = gz[i];
    if (clearMag[i] === 0) {
      out.mx[k] = mx[i];
      out.my[k] = my[i];
      out.mz[k] = mz[i];
    }
    out.device[k] = device[i];
    out.session[k] = input.session[i];
  }
  return { columns: out, counts };
}

/** Whether the readings at `order` are grouped by device (ascending) and strictly increasing in time. */
function isOrdered(order: Uint32Array, device: Int32Array, timestamp: Float64Array): boolean {
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1],
      b = order[k];
    if (device[a] > device[b] || (device[a] === device[b] && timestamp[a] >= timestamp[b])) return false;
  }
  return true;
}
