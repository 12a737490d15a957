// Physical limits of the ESP32-class IMUs Refinery ingests (MPU-9250 / ICM-20948 / BNO055 class),
// and the units readings use. Ingest refuses values outside them; silver drops them.
//   accelerometer: m/s², full scale ±16 g
//   gyroscope:     rad/s, full scale ±2000 °/s
//   magnetometer:  µT,    full scale ±4900 µT
export const G = 9.80665;

export const sensorRanges = {
  acc: { min: -16 * G, max: 16 * G, unit: 'm/s²' },
  gyro: { min: -(2000 * Math.PI) / 180, max: (2000 * Math.PI) / 180, unit: 'rad/s' },
  mag: { min: -4900, max: 4900, unit: 'µT' },
} as const;

/** Readings stamped later than this ahead of the server clock are refused (device clocks drift). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
/** The largest clock offset a device may declare (a device that never set its clock counts from 1970). */
export const MAX_CLOCK_OFFSET_MS = 100 * 366 * 86_400_000;
/** 9999-12-31T23:59:59.999Z, the last instant ISO-8601 (and PostgreSQL's usual range) writes plainly. */
export const MAX_TIMESTAMP = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Nothing older than this is a real reading of this system. */
export const EARLIEST_READING = Date.UTC(2000, 0, 1);
/** Most readings one batch may carry. */
export const MAX_READINGS_PER_BATCH = 5000;
