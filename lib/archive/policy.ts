// Retention date math and names: which days of a table stay hot on a given day, where a day's
// archive object lives, and how an operator restores a range. Pure, so the rules are unit-tested.

/** A table's retention policy (ops.retention_policies, the one place it is kept). */
export interface RetentionPolicy {
  table: string;
  partitionColumn: string;
  /** Days kept in PostgreSQL, counting the run's day: on day D, days after D − hotDays stay. */
  hotDays: number;
  /** Partitions made ahead of the run's day. */
  aheadDays: number;
  /** A restored day stays hot this long after its restore before it is archived again. */
  keepRestoredDays: number;
}

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export class DayError extends Error {
  override name = 'DayError';
}

/** Checks a YYYY-MM-DD day (a real calendar date) and returns it. */
export function checkDay(field: string, day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (!ISO_DAY.test(day) || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== day) {
    throw new DayError(`${field}: expected a day as YYYY-MM-DD (got "${day}")`);
  }
  return day;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The newest day that is archived when the policy runs for `runDay`: hotDays days (runDay included) stay hot. */
export function lastArchivedDay(runDay: string, hotDays: number): string {
  return addDays(runDay, -hotDays);
}

/** Every day from `from` to `to`, both included; a range of more than `maxDays` is refused. */
export function daysInRange(from: string, to: string, maxDays = 3660): string[] {
  checkDay('--from', from);
  checkDay('--to', to);
  if (to < from) throw new DayError(`--to ${to} is before --from ${from}`);
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (days.length === maxDays) throw new DayError(`--from ${from} --to ${to}: at most ${maxDays} days at once`);
    days.push(d);
  }
  return days;
}

/** The day of a partition named <table>_YYYYMMDD, or null for any other name (the default partition). */
export function partitionDay(partitionName: string): string | null {
  const m = /_(\d{4})(\d{2})(\d{2})$/.exec(partitionName);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** Where a day of a table is archived: archive/<schema.table>/<year>/<day>.parquet. */
export function archiveKey(table: string, day: string): string {
  return `archive/${table}/${day.slice(0, 4)}/${day}.parquet`;
}

/** Consecutive days as ranges, for messages: ["2026-08-01", "2026-08-02", "2026-08-05"] → 2026-08-01..2026-08-02, 2026-08-05. */
export function dayRanges(days: readonly string[]): { from: string; to: string }[] {
  const ranges: { from: string; to: string }[] = [];
  for (const d of [...days].sort()) {
    const last = ranges.at(-1);
    if (last && addDays(last.to, 1) === d) last.to = d;
    else if (!last || last.to !== d) ranges.push({ from: d, to: d });
  }
  return ranges;
}

export const rangeText = (r: { from: string; to: string }) => (r.from === r.to ? r.from : `${r.from}..${r.to}`);

/** The command that brings archived days back. */
export function restoreCommand(table: string, days: readonly string[]): string {
  const sorted = [...days].sort();
  return `refinery archive restore ${table} --from ${sorted[0]} --to ${sorted.at(-1)}`;
}

/** Thrown when a run needs days that are archived (dropped from PostgreSQL): names them and the restore command. */
export class ArchivedRangeError extends Error {
  override name = 'ArchivedRangeError';
  constructor(
    readonly table: string,
    readonly days: string[],
  ) {
    super(
      `${table} for ${dayRanges(days).map(rangeText).join(', ')} is archived to object storage, not in PostgreSQL; ` +
        `restore it first: ${restoreCommand(table, days)}`,
    );
  }
}
