// Partition keys: validation, ranges for backfills, and the data interval a scheduled run covers.
// Pure and deterministic (safe inside workflows).
import type { Partitioning } from './types.ts';

export class PartitionError extends Error {
  override name = 'PartitionError';
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function isRealDate(key: string): boolean {
  const m = DATE.exec(key);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === key;
}

/** The Monday (YYYY-MM-DD) of ISO week 1 of an ISO year: the week holding 4 January. */
function isoYearStart(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
}

/** The ISO week (YYYY-Www) a date (YYYY-MM-DD) falls in. */
export function isoWeekOf(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  let year = Number(day.slice(0, 4)) + 1;
  while (isoYearStart(year) > t) year--;
  const week = Math.floor((t - isoYearStart(year)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The seven days (Monday first) of an ISO week YYYY-Www. */
export function daysOfWeek(week: string): string[] {
  const m = WEEK.exec(week)!;
  const monday = isoYearStart(Number(m[1])) + (Number(m[2]) - 1) * 7 * 86_400_000;
  return Array.from({ length: 7 }, (_, i) => new Date(monday + i * 86_400_000).toISOString().slice(0, 10));
}

function isRealWeek(key: string): boolean {
  const m = WEEK.exec(key);
  return !!m && Number(m[2]) >= 1 && isoWeekOf(daysOfWeek(key)[0]!) === key;
}

/** Throws a PartitionError saying what a valid key looks like for this pipeline. */
export function checkPartition(partitioning: Partitioning, key: string, pipeline = 'pipeline'): string {
  if (partitioning.kind === 'daily') {
    if (!isRealDate(key)) throw new PartitionError(`${pipeline}: partition "${key}" is not a date (YYYY-MM-DD)`);
  } else if (partitioning.kind === 'weekly') {
    if (!isRealWeek(key)) throw new PartitionError(`${pipeline}: partition "${key}" is not an ISO week (YYYY-Www, e.g. 2026-W48)`);
  } else {
    if (!KEY.test(key)) throw new PartitionError(`${pipeline}: partition "${key}" must be 1-64 letters, digits, ".", "_" or "-"`);
    if (partitioning.keys && !partitioning.keys.includes(key)) {
      throw new PartitionError(`${pipeline}: unknown partition "${key}" (known: ${partitioning.keys.join(', ')})`);
    }
  }
  return key;
}

export function addDays(key: string, days: number): string {
  const [y, m, d] = key.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export type PartitionRange = { from: string; to: string } | { keys: string[] };

/** Every partition of a backfill, in order: from..to inclusive for daily pipelines, or the keys. */
export function expandPartitions(partitioning: Partitioning, range: PartitionRange, pipeline = 'pipeline'): string[] {
  if ('keys' in range) {
    if (!range.keys.length) throw new PartitionError(`${pipeline}: the key list is empty`);
    const unique = [...new Set(range.keys)];
    for (const k of unique) checkPartition(partitioning, k, pipeline);
    return unique;
  }
  if (partitioning.kind === 'keys') {
    throw new PartitionError(`${pipeline}: partitions are keys, not dates; give a key list instead of --from/--to`);
  }
  checkPartition(partitioning, range.from, pipeline);
  checkPartition(partitioning, range.to, pipeline);
  if (range.from > range.to) throw new PartitionError(`${pipeline}: --from ${range.from} is after --to ${range.to}`);
  const weekly = partitioning.kind === 'weekly';
  const next = (key: string) => (weekly ? isoWeekOf(addDays(daysOfWeek(key)[0]!, 7)) : addDays(key, 1));
  const out: string[] = [];
  for (let key = range.from; key <= range.to; key = next(key)) {
    out.push(key);
    if (out.length > 100_000) throw new PartitionError(`${pipeline}: more than 100,000 partitions; split the range`);
  }
  return out;
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(instant: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The partition a scheduled run processes: the data interval that just closed before its scheduled
 * start. For a daily pipeline, the day before the scheduled start's local date (a 01:00 run on
 * the 24th processes the 23rd). Derived from the scheduled time, never from the wall clock.
 */
export function partitionForScheduledStart(partitioning: Partitioning, scheduledStart: Date, pipeline = 'pipeline'): string {
  if (partitioning.kind === 'keys') {
    throw new PartitionError(`${pipeline}: only daily and weekly pipelines can be scheduled; run key partitions with \`refinery run\``);
  }
  const yesterday = addDays(localDate(scheduledStart, partitioning.timezone), -1);
  // A weekly pipeline processes the week that holds yesterday: a Monday 01:00 run, the week just ended.
  return partitioning.kind === 'weekly' ? isoWeekOf(yesterday) : yesterday;
}

/** The partitions of `upstream` that a partition of a downstream pipeline reads, under a mapping. */
export function upstreamPartitionsOf(mapping: 'same' | 'week', downstreamPartition: string): string[] {
  return mapping === 'week' ? daysOfWeek(downstreamPartition) : [downstreamPartition];
}

/** The downstream partition an upstream partition feeds, under a mapping. */
export function downstreamPartitionOf(mapping: 'same' | 'week', upstreamPartition: string): string {
  return mapping === 'week' ? isoWeekOf(upstreamPartition) : upstreamPartition;
}
