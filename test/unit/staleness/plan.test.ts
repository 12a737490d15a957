import { describe, expect, it } from 'vitest';
import type { DuePartition } from '../../../engine/staleness/detect.ts';
import { effectivePolicy, planReconciliation, type LaunchMemory } from '../../../engine/staleness/plan.ts';

const MIN = 60_000;
const sensorPolicy = effectivePolicy({ lateData: { quietPeriod: '10 minutes', lookback: '30 days', concurrency: 2 } });

function stale(partition: string, over: Partial<DuePartition> = {}): DuePartition {
  return {
    partition,
    state: 'stale',
    watermark: { runId: 41, succeededAt: '2026-11-24T01:00:00Z' },
    changes: [],
    reason: '312 readings from 2 devices arrived after run 41',
    kinds: ['arrivals'],
    version: `v-${partition}`,
    quietForMs: 11 * MIN,
    staleForMs: 20 * MIN,
    ageMs: 86_400_000,
    latestRun: { id: 41, status: 'succeeded', trigger: 'schedule', startedForMs: 60 * MIN, version: 'older', error: null },
    ...over,
  };
}

const plan = (due: DuePartition[], memory: LaunchMemory = {}, runningLateData = 0, policy = sensorPolicy, nowMs = 1e12) =>
  planReconciliation('sensor', due, policy, { memory, nowMs, runningLateData });

describe('reconciliation plan', () => {
  it('re-runs a stale partition at low priority once its inputs have been quiet for the quiet period', () => {
    const [d] = plan([stale('2026-11-23')]);
    expect(d).toMatchObject({ action: 'launch', trigger: 'late-data', priority: 5, reason: '312 readings from 2 devices arrived after run 41' });
  });

  it('waits while inputs keep arriving, and says when it will re-run', () => {
    const [d] = plan([stale('2026-11-23', { quietForMs: 4 * MIN })]);
    expect(d).toMatchObject({ action: 'wait', next: 're-runs by itself in 6 minutes (after 10 minutes without new input)' });
  });

  it('never starts a second re-run for the inputs one was already started for', () => {
    const memory: LaunchMemory = { '2026-11-23': { version: 'v-2026-11-23', atMs: 1e12 - 30 * MIN, trigger: 'late-data' } };
    expect(plan([stale('2026-11-23')], memory)[0]).toMatchObject({ action: 'wait', next: 'a late-data run already started for these inputs' });
  });

  it('re-runs at most once per quiet period, even when new inputs arrived since', () => {
    const memory: LaunchMemory = { '2026-11-23': { version: 'old', atMs: 1e12 - 3 * MIN, trigger: 'late-data' } };
    expect(plan([stale('2026-11-23')], memory)[0]).toMatchObject({ action: 'wait', next: expect.stringContaining('at most once per 10 minutes') });
    // The run history says the same when the reconciler has forgotten (a restart).
    const recent = stale('2026-11-23', { latestRun: { id: 50, status: 'succeeded', trigger: 'late-data', startedForMs: 2 * MIN, version: 'x', error: null } });
    expect(plan([recent])[0]).toMatchObject({ action: 'wait' });
  });

  it('with maxDelay, re-runs a partition that never goes quiet, still at most once per quiet period', () => {
    const policy = effectivePolicy({ lateData: { quietPeriod: '10 minutes', maxDelay: '1 hour' } });
    const busy = stale('2026-11-23', { quietForMs: 10_000, staleForMs: 61 * MIN });
    expect(plan([busy], {}, 0, policy)[0]).toMatchObject({ action: 'launch', trigger: 'late-data' });
    expect(plan([{ ...busy, staleForMs: 30 * MIN }], {}, 0, policy)[0]).toMatchObject({ action: 'wait' });
  });

  it('keeps to the concurrency, newest partitions first, and leaves older than the lookback to people', () => {
    const due = [stale('2026-11-23'), stale('2026-11-22'), stale('2026-11-21'), stale('2026-09-01', { ageMs: 80 * 86_400_000 })];
    const decisions = plan(due, {}, 1);
    expect(decisions.map((d) => [d.partition, d.action])).toEqual([
      ['2026-11-23', 'launch'],
      ['2026-11-22', 'wait'],
      ['2026-11-21', 'wait'],
      ['2026-09-01', 'wait'],
    ]);
    expect(decisions[1]!.next).toBe('waiting for a late-data slot (2 at once)');
    expect(decisions[3]!.next).toMatch(/^older than the 30 days lookback: re-run by hand: refinery stale run --pipeline sensor --partition 2026-09-01$/);
  });

  it('does not retry by itself a partition whose last run failed with these same inputs', () => {
    const failed = stale('2026-11-23', {
      latestRun: { id: 57, status: 'failed', trigger: 'late-data', startedForMs: 30 * MIN, version: 'v-2026-11-23', error: 'windows: disk full' },
    });
    expect(plan([failed])[0]).toMatchObject({
      action: 'wait',
      next: expect.stringContaining('the last run (57, late-data) failed with these inputs: windows: disk full'),
    });
  });

  it('never starts a partition that is running, even by hand; by hand ignores quiet, lookback and concurrency', () => {
    const running = stale('2026-11-23', { latestRun: { id: 60, status: 'running', trigger: 'manual', startedForMs: 1000, version: null, error: null } });
    const force = (due: DuePartition[], runningLate = 0) =>
      planReconciliation('sensor', due, sensorPolicy, { nowMs: 1e12, runningLateData: runningLate, request: { force: true } });
    expect(force([running])[0]).toMatchObject({ action: 'wait', next: 'a run is going (run 60, manual)' });
    const noisy = stale('2026-11-22', { quietForMs: 1000, ageMs: 400 * 86_400_000 });
    expect(force([noisy], 5)[0]).toMatchObject({ action: 'launch', trigger: 'late-data', next: 'run started by hand' });
  });

  it('runs triggered partitions once their trigger input settled, at the default priority, before late data', () => {
    const policy = effectivePolicy({ triggers: { on: ['landing'], settle: '30 seconds' }, lateData: {} });
    const landing = stale('ncaa-2026', { kinds: ['landing'], quietForMs: 40_000 });
    const decisions = planReconciliation('tournament', [stale('ncaa-2025'), landing], policy, { nowMs: 0, runningLateData: 0 });
    expect(decisions[0]).toMatchObject({ partition: 'ncaa-2026', action: 'launch', trigger: 'landing', priority: undefined });
    const settling = { ...landing, quietForMs: 10_000 };
    expect(planReconciliation('tournament', [settling], policy, { nowMs: 0, runningLateData: 0 })[0]).toMatchObject({
      action: 'wait',
      next: 'runs once its landing files have been still for 30 seconds (in 20 seconds)',
    });
    const upstream = effectivePolicy({ triggers: { on: ['upstream'] } });
    const ready = stale('2026-11-23', { state: 'ready', watermark: null, kinds: ['upstream'], quietForMs: 0, latestRun: null });
    expect(planReconciliation('demo_quality', [ready], upstream, { nowMs: 0, runningLateData: 0 })[0]).toMatchObject({ action: 'launch', trigger: 'upstream' });
  });

  it('says how to re-run a stale partition of a pipeline that has no late-data policy', () => {
    const none = effectivePolicy({});
    expect(planReconciliation('demo', [stale('2026-11-23')], none, { nowMs: 0, runningLateData: 0 })[0]!.next).toBe(
      'no late-data policy: re-run by hand: refinery stale run --pipeline demo --partition 2026-11-23',
    );
  });
});
