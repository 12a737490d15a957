// What ingest tells the engine it landed (engine/staleness/arrivals.ts): readings and sessions
// counted per partition of the sensor pipeline (the UTC day of their timestamp, as the windows step
// reads them) and per device. Counting is one pass over timestamps already in hand.
import type { Arrival } from '../../../engine/staleness/arrivals.ts';

export const READINGS_SOURCE = 'imu_readings';
export const SESSIONS_SOURCE = 'exercise_sessions';

const DAY_MS = 86_400_000;
const dayKey = (dayNumber: number) => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

/** Readings per (UTC day, device) of the given batches. */
export function readingArrivals(batches: readonly { deviceId: string; readings: readonly { timestamp: number }[] }[]): Arrival[] {
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
    for (const r of batch.readings) {
      const d = Math.floor(r.timestamp / DAY_MS);
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
