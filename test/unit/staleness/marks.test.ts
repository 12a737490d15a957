import { describe, expect, it } from 'vitest';
import { inputChanges, marksVersion, readiness, type InputMarks } from '../../../engine/staleness/marks.ts';
import { readingArrivals, sessionArrival } from '../../../domains/sensor/ingest/arrivals.ts';

const nouns = (key: string) => (key.endsWith('readings') ? { items: 'readings', origins: 'devices' } : { items: 'rows', origins: 'sources' });
const readings = (items: number, lastArrival = '2026-11-24T10:00:00.000Z'): InputMarks => ({
  'arrivals:imu_readings': { kind: 'arrivals', source: 'imu_readings', items, lastArrival },
});

describe('input marks', () => {
  it('say how many readings from how many devices arrived after a run', () => {
    const changes = inputChanges(readings(1000), readings(1312, '2026-11-24T12:00:00.000Z'), 41, nouns, () => 2);
    expect(changes).toEqual([
      { input: 'arrivals:imu_readings', kind: 'arrivals', reason: '312 readings from 2 devices arrived after run 41', changedAt: '2026-11-24T12:00:00.000Z' },
    ]);
    expect(inputChanges(readings(1000), readings(1001), 7, nouns, () => 1)[0]!.reason).toBe('1 reading from 1 device arrived after run 7');
  });

  it('see no change when the counts are equal, whatever the timestamps, and none for an input the run did not record', () => {
    expect(inputChanges(readings(5, '2026-01-01T00:00:00Z'), readings(5, '2026-02-01T00:00:00Z'), 1, nouns)).toEqual([]);
    const withSessions: InputMarks = {
      ...readings(5),
      'arrivals:exercise_sessions': { kind: 'arrivals', source: 'exercise_sessions', items: 9, lastArrival: null },
    };
    expect(inputChanges(readings(5), withSessions, 1, nouns)).toEqual([]);
    expect(marksVersion(readings(5, 'a'))).toBe(marksVersion(readings(5, 'b')));
    expect(marksVersion(readings(5))).not.toBe(marksVersion(readings(6)));
  });

  it('name the landing files that changed, appeared or went', () => {
    const before: InputMarks = { landing: { kind: 'landing', files: { 'teams.csv': 'a', 'bids.csv': 'b', 'old.csv': 'c' }, changedAt: null } };
    const after: InputMarks = {
      landing: { kind: 'landing', files: { 'teams.csv': 'a2', 'bids.csv': 'b', 'payouts.csv': 'p' }, changedAt: '2026-11-24T00:00:00Z' },
    };
    expect(inputChanges(before, after, 12, nouns)[0]!.reason).toBe('landing files teams.csv changed, payouts.csv added, old.csv removed after run 12');
    // Same contents in another order: no change.
    const reordered: InputMarks = { landing: { kind: 'landing', files: { 'old.csv': 'c', 'bids.csv': 'b', 'teams.csv': 'a' }, changedAt: null } };
    expect(inputChanges(before, reordered, 12, nouns)).toEqual([]);
  });

  it('name the upstream partitions that ran again or succeeded for the first time', () => {
    const before: InputMarks = { 'upstream:demo': { kind: 'upstream', pipeline: 'demo', runs: { '2026-11-23': 5 }, changedAt: null } };
    const after: InputMarks = { 'upstream:demo': { kind: 'upstream', pipeline: 'demo', runs: { '2026-11-23': 9, '2026-11-24': 10 }, changedAt: null } };
    expect(inputChanges(before, after, 6, nouns)[0]!.reason).toBe('demo 2026-11-23 ran again (run 9), demo 2026-11-24 succeeded (run 10) after run 6');
    expect(readiness(after)).toBe('demo 2026-11-23 succeeded (run 9), demo 2026-11-24 succeeded (run 10)');
  });
});

describe('sensor arrivals', () => {
  it('count readings per UTC day and device, across midnight and batches', () => {
    const at = (iso: string) => ({ timestamp: Date.parse(iso), ax: 0, ay: 0, az: 0, gx: 0, gy: 0, gz: 0 });
    const batches = [
      { deviceId: 'a', batchId: '1', readings: [at('2026-11-23T23:59:59.990Z'), at('2026-11-24T00:00:00.000Z'), at('2026-11-24T00:00:00.020Z')] },
      { deviceId: 'b', batchId: '1', readings: [at('2026-11-24T10:00:00Z')] },
      { deviceId: 'a', batchId: '2', readings: [at('2026-11-24T00:00:01Z'), at('2026-11-23T12:00:00Z')] },
    ];
    expect(readingArrivals(batches).sort((x, y) => (x.partition + x.origin).localeCompare(y.partition + y.origin))).toEqual([
      { partition: '2026-11-23', origin: 'a', items: 2 },
      { partition: '2026-11-24', origin: 'a', items: 3 },
      { partition: '2026-11-24', origin: 'b', items: 1 },
    ]);
    expect(sessionArrival('a', Date.parse('2026-11-24T23:59:00Z'))).toEqual({ partition: '2026-11-24', origin: 'a', items: 1 });
  });
});
