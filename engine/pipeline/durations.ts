// Durations in pipeline definitions and reconciler settings, in the format Temporal reads ("30
// seconds", "10 minutes", "2h", "1.5 days" or milliseconds: the grammar of the `ms` package that
// Temporal parses with). Parsed here rather than through `ms` because its typings narrow Temporal's
// own Duration type once installed. Pure (safe in workflows).
import type { Duration } from './types.ts';

const UNITS: [RegExp, number][] = [
  [/^(milliseconds?|msecs?|ms)$/, 1],
  [/^(seconds?|secs?|s)$/, 1000],
  [/^(minutes?|mins?|m)$/, 60_000],
  [/^(hours?|hrs?|h)$/, 3_600_000],
  [/^(days?|d)$/, 86_400_000],
  [/^(weeks?|w)$/, 7 * 86_400_000],
  [/^(years?|yrs?|y)$/, 365.25 * 86_400_000],
];

/** Milliseconds of a duration; NaN when it is not one. */
export function durationMs(value: Duration): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : Number.NaN;
  const m = /^((?:\d+)?\.?\d+) *([a-z]*)$/i.exec(value.trim());
  if (!m) return Number.NaN;
  const unit = m[2]!.toLowerCase();
  const factor = unit === '' ? 1 : UNITS.find(([re]) => re.test(unit))?.[1];
  return factor === undefined ? Number.NaN : Number(m[1]) * factor;
}

/** "10 minutes", "45 seconds", "2 hours": how an operator reads a duration (rounded to its largest unit). */
export function formatDuration(milliseconds: number): string {
  const ms = Math.max(0, milliseconds);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  for (const [unit, size] of [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ] as const) {
    if (ms >= size) {
      const n = Math.round(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${Math.round(ms)} ms`;
}
