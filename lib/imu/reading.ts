// The shape of an IMU reading, as a row (what a device posts) and as columns (what silver computes
// on: one Float64Array per channel, so millions of readings cost no per-reading objects).
//
// Units (the same as ingest; the limits live in lib/sensor-limits.ts and are re-exported here):
//   timestamp  epoch milliseconds
//   ax ay az   m/s², specific force as an accelerometer reports it (≈ +9.81 on the axis pointing up at rest)
//   gx gy gz   rad/s (SI, so angular rates and lever-arm accelerations need no conversion)
//   mx my mz   µT, optional; NaN in columns means "no magnetometer value"
// Ranges are the full scale of the MPU-9250 / ICM-20948 / BNO055 class: ±16 g, ±2000 °/s, ±4900 µT.
import type { sensorRanges } from '../sensor-limits.ts';

export { G, sensorRanges } from '../sensor-limits.ts';

/** One reading as posted to the ingest API (domains/sensor/ingest/schema.ts Reading). */
export interface Reading {
  timestamp: number;
  ax: number;
  ay: number;
  az: number;
  gx: number;
  gy: number;
  gz: number;
  mx?: number;
  my?: number;
  mz?: number;
}

/** The nine measured channels, in feature-vector order. */
export const CHANNELS = ['ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Which sensor (and so which range and unit) each channel belongs to. */
export const channelSensor: Record<Channel, keyof typeof sensorRanges> = {
  ax: 'acc',
  ay: 'acc',
  az: 'acc',
  gx: 'gyro',
  gy: 'gyro',
  gz: 'gyro',
  mx: 'mag',
  my: 'mag',
  mz: 'mag',
};

/**
 * Readings of one or more devices as columns. Devices and sessions are dictionary-encoded: `device[i]`
 * indexes `deviceIds`, `session[i]` indexes `sessionIds` (-1 = no session), so a device or session
 * change is an integer comparison.
 */
export interface ReadingColumns {
  length: number;
  timestamp: Float64Array;
  ax: Float64Array;
  ay: Float64Array;
  az: Float64Array;
  gx: Float64Array;
  gy: Float64Array;
  gz: Float64Array;
  mx: Float64Array;
  my: Float64Array;
  mz: Float64Array;
  device: Int32Array;
  session: Int32Array;
  deviceIds: string[];
  sessionIds: string[];
}

/**
 * Empty columns for `length` readings (magnetometer NaN, device 0, no session), all views of one
 * buffer: one allocation instead of twelve (the live path makes columns for every batch).
 */
export function allocateColumns(length: number, deviceIds: string[] = [], sessionIds: string[] = []): ReadingColumns {
  const floats = 10 * length * Float64Array.BYTES_PER_ELEMENT;
  const buffer = new ArrayBuffer(floats + 2 * length * Int32Array.BYTES_PER_ELEMENT);
  const float = (k: number) => new Float64Array(buffer, k * length * Float64Array.BYTES_PER_ELEMENT, length);
  const int = (k: number) => new Int32Array(buffer, floats + k * length * Int32Array.BYTES_PER_ELEMENT, length);
  return {
    length,
    timestamp: float(0),
    ax: float(1),
    ay: float(2),
    az: float(3),
    gx: float(4),
    gy: float(5),
    gz: float(6),
    mx: float(7).fill(Number.NaN),
    my: float(8).fill(Number.NaN),
    mz: float(9).fill(Number.NaN),
    device: int(0),
    session: int(1).fill(-1),
    deviceIds,
    sessionIds,
  };
}

/** A reading row with the device and session it belongs to, as bronze stores it. */
export interface DeviceReading extends Reading {
  deviceId: string;
  sessionId?: string | null;
}

/** Turns rows (in any order, any number of devices) into columns, keeping the row order. */
export function columnsFromReadings(rows: readonly DeviceReading[]): ReadingColumns {
  const deviceIndex = new Map<string, number>();
  const sessionIndex = new Map<string, number>();
  const columns = allocateColumns(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    let d = deviceIndex.get(r.deviceId);
    if (d === undefined) {
      d = columns.deviceIds.push(r.deviceId) - 1;
      deviceIndex.set(r.deviceId, d);
    }
    let s = -1;
    if (r.sessionId != null) {
      const known = sessionIndex.get(r.sessionId);
      s = known ?? columns.sessionIds.push(r.sessionId) - 1;
      if (known === undefined) sessionIndex.set(r.sessionId, s);
    }
    columns.device[i] = d;
    columns.session[i] = s;
    columns.timestamp[i] = r.timestamp;
    columns.ax[i] = r.ax;
    columns.ay[i] = r.ay;
    columns.az[i] = r.az;
    columns.gx[i] = r.gx;
    columns.gy[i] = r.gy;
    columns.gz[i] = r.gz;
    columns.mx[i] = r.mx ?? Number.NaN;
    columns.my[i] = r.my ?? Number.NaN;
    columns.mz[i] = r.mz ?? Number.NaN;
  }
  return columns;
}

/** Readings of one device (and optionally one session) as columns. */
export function deviceColumns(deviceId: string, sessionId: string | null, readings: readonly Reading[]): ReadingColumns {
  const columns = allocateColumns(readings.length, [deviceId], sessionId === null ? [] : [sessionId]);
  columns.session.fill(sessionId === null ? -1 : 0);
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i];
    columns.timestamp[i] = r.timestamp;
    columns.ax[i] = r.ax;
    columns.ay[i] = r.ay;
    columns.az[i] = r.az;
    columns.gx[i] = r.gx;
    columns.gy[i] = r.gy;
    columns.gz[i] = r.gz;
    columns.mx[i] = r.mx ?? Number.NaN;
    columns.my[i] = r.my ?? Number.NaN;
    columns.mz[i] = r.mz ?? Number.NaN;
  }
  return columns;
}
