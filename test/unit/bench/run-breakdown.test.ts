// The orchestration bench's account of a run's time: the critical path follows the dependency that
// ended last, each step's wait counts from its dependencies' end, and what is not step work on
// that path is orchestration.
import { describe, expect, it } from 'vitest';
import { breakdownOf, type StepTiming } from '../../../bench/support/run-breakdown.ts';

const pipeline = {
  steps: [
    { id: 'land', activity: 'x', layer: 'bronze' as const },
    { id: 'clean', activity: 'x', layer: 'silver' as const, dependsOn: ['land'] },
    { id: 'fast', activity: 'x', layer: 'gold' as const, dependsOn: ['clean'] },
    { id: 'slow', activity: 'x', layer: 'gold' as const, dependsOn: ['clean'] },
    { id: 'summary', activity: 'x', layer: 'gold' as const, dependsOn: ['fast', 'slow'] },
  ],
};

/** One run starting at 1,000 ms and ending at `end`, its steps as [id, started, ended]. */
function run(id: number, end: number, steps: [string, number, number][]): StepTiming[] {
  return steps.map(([step_id, started, ended]) => ({ run: id, run_start: 1000, run_end: end, step_id, started, ended }));
}

describe('run breakdown (bench/support/run-breakdown.ts)', () => {
  it('takes the branch that ended last as the critical path and the rest of the run as orchestration', () => {
    const b = breakdownOf(
      pipeline,
      run(1, 1500, [
        ['land', 1010, 1100], // waited 10, worked 90
        ['clean', 1120, 1200], // waited 20, worked 80
        ['fast', 1210, 1230], // off the path
        ['slow', 1250, 1400], // waited 50, worked 150
        ['summary', 1420, 1460], // waited 20 (after slow), worked 40
      ]),
    );
    expect(b.runs).toBe(1);
    expect(b.runMs).toBe(500);
    expect(b.workMs).toBe(90 + 80 + 150 + 40);
    expect(b.orchestrationMs).toBe(500 - 360);
    expect(b.orchestrationShare).toBeCloseTo(28, 6);
    expect(b.endMs).toBe(40);
    expect(Object.fromEntries(b.steps.map((s) => [s.stepId, [s.workMs, s.waitMs]]))).toEqual({
      land: [90, 10],
      clean: [80, 20],
      fast: [20, 10],
      slow: [150, 50],
      summary: [40, 20],
    });
  });

  it('gives medians over runs', () => {
    const b = breakdownOf({ steps: [pipeline.steps[0]!] }, [
      ...run(1, 1100, [['land', 1000, 1050]]),
      ...run(2, 1300, [['land', 1000, 1250]]),
      ...run(3, 1200, [['land', 1000, 1100]]),
    ]);
    expect(b.runs).toBe(3);
    expect(b.runMs).toBe(200);
    expect(b.workMs).toBe(100);
    expect(b.orchestrationShare).toBe(50);
  });
});
