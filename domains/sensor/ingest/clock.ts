// Device clocks on the server clock: a batch's timestamps plus the offset the device declared
// (server − device, measured with GET /v1/time), checked against the limits. A batch ahead of the
// server clock beyond MAX_CLOCK_SKEW_MS is refused whole with the offset named, so firmware can
// correct its clock (or declare the offset) and send the same batch again.
import { ApiError, type ErrorDetail } from '../../../api/errors.ts';
import { EARLIEST_READING, MAX_CLOCK_SKEW_MS } from '../../../lib/sensor-limits.ts';

export interface Stamped {
  /** Where the timestamp is in the request, e.g. "readings[3].timestamp". */
  field: string;
  ms: number;
}

/**
 * Adds the declared offset to every timestamp and checks the results against the server clock
 * `now`; returns the offset applied (0 when none was declared). Throws ApiError 422 "clock_ahead"
 * naming how far ahead the batch is, or 422 naming every timestamp before 2000-01-01 (rules the
 * schema cannot state: they hold on the server clock, after the offset).
 */
export function checkOnServerClock(stamps: Stamped[], declaredOffsetMs: number | undefined, now: number): number {
  return checkTimesOnServerClock(
    stamps.length,
    (i) => stamps[i]!.ms,
    (i) => stamps[i]!.field,
    declaredOffsetMs,
    now,
  );
}

/**
 * checkOnServerClock over `count` timestamps given by index, each named by `field(i)` only when it
 * is reported (a batch's readings need no object or name apiece).
 */
export function checkTimesOnServerClock(
  count: number,
  msAt: (i: number) => number,
  field: (i: number) => string,
  declaredOffsetMs: number | undefined,
  now: number,
): number {
  const offset = declaredOffsetMs ?? 0;
  const early: ErrorDetail[] = [];
  let newest = -1;
  let newestMs = -Infinity;
  for (let i = 0; i < count; i++) {
    const ms = msAt(i) + offset;
    if (ms < EARLIEST_READING && early.length < 20)
      early.push({ field: field(i), reason: `is before 2000-01-01 on the server clock${offset ? ` (after clockOffsetMs ${offset})` : ''}` });
    if (newest < 0 || ms > newestMs) {
      newest = i;
      newestMs = ms;
    }
  }
  if (early.length) throw new ApiError(422, 'timestamps before 2000-01-01: set the device clock, or declare clockOffsetMs', early);
  const lead = newest < 0 ? 0 : newestMs - now;
  if (newest >= 0 && lead > MAX_CLOCK_SKEW_MS) {
    const by = `${(lead / 1000).toFixed(1)} s`;
    throw new ApiError(
      422,
      `the batch is ${by} ahead of the server clock (server time ${new Date(now).toISOString()}; at most ${MAX_CLOCK_SKEW_MS / 1000} s is accepted)` +
        `${offset ? ` even after clockOffsetMs ${offset}` : ''}: set the device clock, or send the batch again with clockOffsetMs ${offset - Math.round(lead)}` +
        ' (server − device, measured with GET /v1/time)',
      [{ field: field(newest), reason: `is ${Math.round(lead)} ms ahead of the server clock` }],
      'clock_ahead',
    );
  }
  return offset;
}
