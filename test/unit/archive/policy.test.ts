// Retention date math: which days are archived on a run's day, ranges, keys and the messages that
// name archived days and the command restoring them.
import { describe, expect, it } from 'vitest';
import {
  ArchivedRangeError,
  archiveKey,
  dayRanges,
  daysInRange,
  DayError,
  lastArchivedDay,
  partitionDay,
  restoreCommand,
} from '../../../lib/archive/policy.ts';

describe('retention policy math', () => {
  it('keeps hotDays days counting the run day, across months and leap days', () => {
    expect(lastArchivedDay('2026-11-30', 90)).toBe('2026-09-01');
    expect(lastArchivedDay('2024-03-01', 1)).toBe('2024-02-29');
    expect(lastArchivedDay('2027-01-01', 400)).toBe('2025-11-27');
  });

  it('lists a range of days and refuses bad ones naming the option', () => {
    expect(daysInRange('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(() => daysInRange('2026-02-30', '2026-03-02')).toThrow(/--from: expected a day as YYYY-MM-DD \(got "2026-02-30"\)/);
    expect(() => daysInRange('2026-03-02', '2026-03-01')).toThrow(DayError);
    expect(() => daysInRange('2020-01-01', '2026-01-01', 100)).toThrow(/at most 100 days/);
  });

  it('reads partition names and makes archive keys', () => {
    expect(partitionDay('imu_segments_20260801')).toBe('2026-08-01');
    expect(partitionDay('imu_segments_default')).toBeNull();
    expect(archiveKey('bronze.imu_segments', '2026-08-01')).toBe('archive/bronze.imu_segments/2026/2026-08-01.parquet');
  });

  it('names archived days as ranges with the restore command', () => {
    expect(dayRanges(['2026-08-05', '2026-08-01', '2026-08-02', '2026-08-02'])).toEqual([
      { from: '2026-08-01', to: '2026-08-02' },
      { from: '2026-08-05', to: '2026-08-05' },
    ]);
    expect(restoreCommand('bronze.imu_segments', ['2026-08-05', '2026-08-01'])).toBe(
      'refinery archive restore bronze.imu_segments --from 2026-08-01 --to 2026-08-05',
    );
    expect(new ArchivedRangeError('bronze.imu_segments', ['2026-08-01', '2026-08-02', '2026-08-05']).message).toBe(
      'bronze.imu_segments for 2026-08-01..2026-08-02, 2026-08-05 is archived to object storage, not in PostgreSQL; restore it first: refinery archive restore bronze.imu_segments --from 2026-08-01 --to 2026-08-05',
    );
  });
});
