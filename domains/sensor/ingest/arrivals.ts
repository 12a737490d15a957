// What ingest tells the engine it landed (engine/staleness/arrivals.ts): readings and sessions
// counted per partition of the sensor pipeline (the UTC day of their timestamp, as the windows step
// reads them) and per device. Counting is one pass over timestamps already in hand.
import type { Arrival } from '../../../engine/staleness/arrivals.ts';

export const READINGS_SOURCE = 'imu_readings';
export const SESSIONS_SOURCE = 'exercise_sessions';

const DAY_MS = 86_400_000;
const dayKey = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

/** A batch's device and its readings' timestamps: readings as JSON parses them, or the columnar body's column. */
export type TimedBatch = { deviceId: string } & ({ readings: readonly { timestamp: number }[] } | { timestamp: Float64Array });

/** Readings per (UTC day, device) of the given batches. */
export function readingArrivals(batches: readonly TimedBatch[]): Arrival[] {
  const counts = new Map<string, Arrival>();
  for (const batch of batches) {
    // Batches are short and nearly always within one day: count runs of equal days, not readings.
    let day = Number.NaN;
    let run = 0;
    const flush = () => {
      if (!run) return;
      const key = `${day}\u0000${batch.deviceId}`;
      const found = counts.get(key);
      if (found) found.items += run;
      else counts.set(key, { partition: dayKey(day), origin: batch.deviceId, items: run });
    };
    const rows = 'readings' in batch ? batch.readings : null;
    const column = 'readings' in batch ? null : batch.timestamp;
    const n = rows ? rows.length : column!.length;
    for (let i = 0; i < n; i++) {
      const d = Math.floor((rows ? rows[i]!.timestamp : column![i]!) / DAY_MS);
      if (d !== day) {
        flush();
        day = d;
        run = 0;
      }
      run++;
    }
    flush();
  }
  return [...counts.values()];
}

/** A session belongs to the UTC day it started on (as the windows step reads sessions). */
export function sessionArrival(deviceId: string, startedAt: number): Arrival {
  return { partition: dayKey(Math.floor(startedAt / DAY_MS)), origin: deviceId, items: 1 };
}
