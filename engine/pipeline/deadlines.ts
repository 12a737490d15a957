// Deadlines and freshness, as instants: when a daily partition is due ("D+1 06:00" in the pipeline's
// time zone) and when the newest successful partition becomes too old. Pure and deterministic, so
// the watch workflow computes its durable timers with it.
import { addDays, localDate } from './partitions.ts';
import type { Duration, Partitioning } from './types.ts';

export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

export interface Deadline {
  /** Days after the partition's own day. */
  days: number;
  /** Seconds after local midnight of that day. */
  secondOfDay: number;
}

const DEADLINE = /^D\+(\d{1,2}) ([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** "D+1 06:00" (or with seconds, "D+0 23:59:30"); throws DeadlineError saying what a deadline looks like. */
export function parseDeadline(text: string): Deadline {
  const m = DEADLINE.exec(text);
  if (!m || Number(m[1]) > 31) {
    throw new DeadlineError(`deadline "${text}" must look like "D+1 06:00": the partition's day plus 0-31 days, then HH:MM[:SS] local time`);
  }
  return { days: Number(m[1]), secondOfDay: Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0) };
}

/** A positive duration ("26 hours", "90 minutes", or ms); throws DeadlineError naming the value. */
export function parseMaxAge(value: Duration): number {
  const ms = typeof value === 'number' ? value : durationMs(value);
  if (!Number.isFinite(ms) || ms <= 0) throw new DeadlineError(`freshness.maxAge "${value}" must be a positive duration such as "26 hours" or "90 minutes"`);
  return ms;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i;

/** "26 hours", "90 minutes", "1d", "500ms" in ms; NaN when it is none of these. */
function durationMs(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) return NaN;
  const unit = m[2]!.toLowerCase();
  return Number(m[1]) * UNITS[unit.startsWith('ms') || unit.startsWith('milli') ? 'ms' : unit[0]!]!;
}

/** The offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(instant: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time on a date in a time zone. A time that a DST change skips
 * moves forward by the gap (02:30 becomes 03:30); a repeated time is its first occurrence.
 */
export function zonedInstant(date: string, secondOfDay: number, timezone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + secondOfDay * 1000;
  // The offsets a day either side: a DST change in between is the only way a time is skipped or repeated.
  const before = offsetAt(wall - 86_400_000, timezone);
  const after = offsetAt(wall + 86_400_000, timezone);
  const real = [wall - before, wall - after].filter((c) => c + offsetAt(c, timezone) === wall);
  return real.length ? Math.min(...real) : wall - before;
}

/** When a daily partition must have succeeded. */
export function deadlineOf(partition: string, deadline: Deadline, timezone: string): number {
  return zonedInstant(addDays(partition, deadline.days), deadline.secondOfDay, timezone);
}

/** The first partition whose deadline is strictly after `instant` (where a watch starting then begins). */
export function firstPartitionDueAfter(instant: number, deadline: Deadline, timezone: string): string {
  let partition = addDays(localDate(new Date(instant), timezone), -deadline.days - 1);
  while (deadlineOf(partition, deadline, timezone) <= instant) partition = addDays(partition, 1);
  return partition;
}

/**
 * The time a partition's data is as of, for freshness: the end of a daily partition's day in the
 * pipeline's time zone (its data interval closed then), or when a keyed partition's run succeeded.
 */
export function dataTimeOf(partitioning: Partitioning, partition: string, succeededAt: number): number {
  return partitioning.kind === 'daily' ? zonedInstant(addDays(partition, 1), 0, partitioning.timezone) : succeededAt;
}
