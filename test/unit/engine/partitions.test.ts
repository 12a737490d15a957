import { describe, expect, it } from 'vitest';
import { checkPartition, expandPartitions, localDate, partitionForScheduledStart } from '../../../engine/pipeline/partitions.ts';

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
    expect(() => partitionForScheduledStart({ kind: 'keys' }, new Date())).toThrow(/only daily pipelines can be scheduled/);
  });
});
