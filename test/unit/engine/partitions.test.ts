import { describe, expect, it } from 'vitest';
import {
  checkPartition,
  daysOfWeek,
  downstreamPartitionOf,
  expandPartitions,
  isoWeekOf,
  localDate,
  partitionForScheduledStart,
  upstreamPartitionsOf,
} from '../../../engine/pipeline/partitions.ts';
import { durationMs, formatDuration } from '../../../engine/pipeline/durations.ts';

const daily = { kind: 'daily', timezone: 'UTC' } as const;

describe('partitions', () => {
  it('accepts real dates only for daily pipelines', () => {
    expect(checkPartition(daily, '2024-02-29')).toBe('2024-02-29');
    expect(() => checkPartition(daily, '2023-02-29')).toThrow('partition "2023-02-29" is not a date (YYYY-MM-DD)');
    expect(() => checkPartition(daily, '2026-1-01')).toThrow(/not a date/);
  });

  it('accepts safe keys, and only known ones when the pipeline lists them', () => {
    expect(checkPartition({ kind: 'keys' }, '2025')).toBe('2025');
    expect(() => checkPartition({ kind: 'keys' }, "2025'; drop table x")).toThrow(/must be 1-64 letters/);
    expect(() => checkPartition({ kind: 'keys', keys: ['2024', '2025'] }, '2023')).toThrow('unknown partition "2023" (known: 2024, 2025)');
  });

  it('expands date ranges inclusively across month and leap-year ends', () => {
    expect(expandPartitions(daily, { from: '2024-02-27', to: '2024-03-02' })).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
    expect(expandPartitions(daily, { from: '2026-01-01', to: '2026-12-31' })).toHaveLength(365);
    expect(() => expandPartitions(daily, { from: '2026-02-01', to: '2026-01-01' })).toThrow(/is after/);
    expect(() => expandPartitions({ kind: 'keys' }, { from: '2026-01-01', to: '2026-01-02' })).toThrow(/key list/);
    expect(expandPartitions({ kind: 'keys' }, { keys: ['b', 'a', 'b'] })).toEqual(['b', 'a']);
  });

  it('derives the scheduled partition from the scheduled start, in the pipeline time zone', () => {
    // A daily 01:00 run processes yesterday.
    expect(partitionForScheduledStart(daily, new Date('2026-11-24T01:00:00Z'))).toBe('2026-11-23');
    // 01:00 in Auckland on the 24th is still the 23rd in UTC, but the pipeline's day is Auckland's.
    const auckland = { kind: 'daily', timezone: 'Pacific/Auckland' } as const;
    expect(partitionForScheduledStart(auckland, new Date('2026-11-23T12:00:00Z'))).toBe('2026-11-23');
    expect(localDate(new Date('2026-11-23T12:00:00Z'), 'Pacific/Auckland')).toBe('2026-11-24');
    // Across a DST change (New York, 2026-03-08), the day before is still one calendar day.
    const ny = { kind: 'daily', timezone: 'America/New_York' } as const;
    expect(partitionForScheduledStart(ny, new Date('2026-03-09T05:00:00Z'))).toBe('2026-03-08');
    expect(() => partitionForScheduledStart({ kind: 'keys' }, new Date())).toThrow(/only daily and weekly pipelines can be scheduled/);
  });

  it('numbers ISO weeks across year ends (the week holding 4 January is week 1)', () => {
    expect(isoWeekOf('2026-11-23')).toBe('2026-W48');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(daysOfWeek('2020-W53')).toEqual(['2020-12-28', '2020-12-29', '2020-12-30', '2020-12-31', '2021-01-01', '2021-01-02', '2021-01-03']);
    const misplaced: string[] = [];
    for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2028, 0, 1); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      if (!daysOfWeek(isoWeekOf(day)).includes(day)) misplaced.push(day);
    }
    expect(misplaced).toEqual([]);
  });

  it('checks, expands and schedules weekly partitions', () => {
    const weekly = { kind: 'weekly', timezone: 'UTC' } as const;
    expect(checkPartition(weekly, '2020-W53')).toBe('2020-W53');
    expect(() => checkPartition(weekly, '2021-W53')).toThrow('partition "2021-W53" is not an ISO week (YYYY-Www, e.g. 2026-W48)');
    expect(() => checkPartition(weekly, '2026-11-23')).toThrow(/not an ISO week/);
    expect(expandPartitions(weekly, { from: '2020-W52', to: '2021-W02' })).toEqual(['2020-W52', '2020-W53', '2021-W01', '2021-W02']);
    // A Monday 01:00 run processes the week that just ended.
    expect(partitionForScheduledStart(weekly, new Date('2026-11-30T01:00:00Z'))).toBe('2026-W48');
  });

  it('maps days onto weeks and back for upstream triggers', () => {
    expect(upstreamPartitionsOf('same', '2026-11-23')).toEqual(['2026-11-23']);
    expect(upstreamPartitionsOf('week', '2026-W48')).toHaveLength(7);
    expect(downstreamPartitionOf('week', '2026-11-29')).toBe('2026-W48');
    expect(downstreamPartitionOf('same', 'ncaa-2026')).toBe('ncaa-2026');
  });
});

describe('durations', () => {
  it('read what Temporal reads, and nothing else', () => {
    expect(durationMs('10 minutes')).toBe(600_000);
    expect(durationMs('30s')).toBe(30_000);
    expect(durationMs('1.5 hours')).toBe(5_400_000);
    expect(durationMs(250)).toBe(250);
    expect(durationMs('soon')).toBeNaN();
    expect(durationMs('10 fortnights')).toBeNaN();
    expect(durationMs(-1)).toBeNaN();
    expect(formatDuration(90_000)).toBe('2 minutes');
    expect(formatDuration(1000)).toBe('1 second');
    expect(formatDuration(30 * 86_400_000)).toBe('30 days');
  });
});
