import { describe, expect, it } from 'vitest';
import { dataTimeOf, deadlineOf, firstPartitionDueAfter, parseDeadline, parseMaxAge, zonedInstant } from '../../../engine/pipeline/deadlines.ts';

describe('deadlines and freshness as instants', () => {
  it('parses "D+1 06:00" and seconds', () => {
    expect(parseDeadline('D+1 06:00')).toEqual({ days: 1, secondOfDay: 6 * 3600 });
    expect(parseDeadline('D+0 23:59:30')).toEqual({ days: 0, secondOfDay: 86_370 });
    expect(() => parseDeadline('D-1 06:00')).toThrow(/must look like/);
    expect(() => parseDeadline('D+40 06:00')).toThrow(/0-31 days/);
  });

  it('places a deadline in the pipeline time zone, across daylight-saving changes', () => {
    const d = parseDeadline('D+1 06:00');
    expect(new Date(deadlineOf('2026-11-29', d, 'Europe/Paris')).toISOString()).toBe('2026-11-30T05:00:00.000Z');
    expect(new Date(deadlineOf('2026-07-01', d, 'Europe/Paris')).toISOString()).toBe('2026-07-02T04:00:00.000Z');
    expect(new Date(deadlineOf('2026-11-29', d, 'America/New_York')).toISOString()).toBe('2026-11-30T11:00:00.000Z');
    // 02:30 on the spring-forward night in Paris does not exist: the instant after the gap.
    expect(new Date(zonedInstant('2026-03-29', 2.5 * 3600, 'Europe/Paris')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 on the fall-back night happens twice: the first one.
    expect(new Date(zonedInstant('2026-10-25', 2.5 * 3600, 'Europe/Paris')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('finds the first partition whose deadline is still ahead', () => {
    const d = parseDeadline('D+1 06:00');
    // 05:59 Paris on the 30th: the 29th is still due at 06:00.
    expect(firstPartitionDueAfter(Date.parse('2026-11-30T04:59:00Z'), d, 'Europe/Paris')).toBe('2026-11-29');
    // 06:00 exactly: the 29th's deadline has come; the next one is the 30th's.
    expect(firstPartitionDueAfter(Date.parse('2026-11-30T05:00:00Z'), d, 'Europe/Paris')).toBe('2026-11-30');
    expect(firstPartitionDueAfter(Date.parse('2026-11-30T12:00:00Z'), parseDeadline('D+0 23:00'), 'UTC')).toBe('2026-11-30');
  });

  it('dates daily data at the end of its day, keyed data when it succeeded', () => {
    expect(new Date(dataTimeOf({ kind: 'daily', timezone: 'Europe/Paris' }, '2026-11-29', 0)).toISOString()).toBe('2026-11-29T23:00:00.000Z');
    expect(dataTimeOf({ kind: 'keys' }, 'ncaa-2026', 1234)).toBe(1234);
  });

  it('reads max ages', () => {
    expect(parseMaxAge('26 hours')).toBe(26 * 3_600_000);
    expect(parseMaxAge('90 minutes')).toBe(90 * 60_000);
    expect(parseMaxAge('1d')).toBe(86_400_000);
    expect(parseMaxAge(5000)).toBe(5000);
    expect(() => parseMaxAge('-3 hours')).toThrow(/positive duration/);
  });
});
