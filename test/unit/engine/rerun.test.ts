import { describe, expect, it } from 'vitest';
import { planSteps, RerunError, type PartitionHistory } from '../../../engine/pipeline/rerun.ts';

// load → predict → (simulate, market) → optimise → evaluate → publish
const pipeline = {
  name: 'tournament',
  steps: [
    { id: 'load' },
    { id: 'predict', dependsOn: ['load'] },
    { id: 'simulate', dependsOn: ['predict'] },
    { id: 'market', dependsOn: ['load'] },
    { id: 'optimise', dependsOn: ['simulate', 'market'] },
    { id: 'evaluate', dependsOn: ['optimise'] },
    { id: 'publish', dependsOn: ['evaluate'] },
  ],
};
const allSucceeded: PartitionHistory = {
  lastRun: { id: 7, status: 'succeeded', steps: Object.fromEntries(pipeline.steps.map((s) => [s.id, 'succeeded'])) },
  lastSuccess: Object.fromEntries(pipeline.steps.map((s) => [s.id, 7])),
};

describe('partial re-run plans', () => {
  it('--from-failure runs what failed or was skipped and reuses the rest from where it succeeded', () => {
    const history: PartitionHistory = {
      lastRun: {
        id: 9,
        status: 'failed',
        steps: {
          load: 'reused',
          predict: 'succeeded',
          simulate: 'succeeded',
          market: 'succeeded',
          optimise: 'succeeded',
          evaluate: 'failed',
          publish: 'skipped',
        },
      },
      lastSuccess: { load: 7, predict: 9, simulate: 9, market: 9, optimise: 9, evaluate: 7, publish: 7 },
    };
    expect(planSteps(pipeline, 'y', { fromFailure: true }, history)).toEqual({
      run: ['evaluate', 'publish'],
      reuse: { load: 7, predict: 9, simulate: 9, market: 9, optimise: 9 },
      notRun: [],
    });
  });

  it('--from-failure refuses when there is nothing to repair', () => {
    expect(() => planSteps(pipeline, 'y', { fromFailure: true }, allSucceeded)).toThrow(
      '--from-failure: the last run of tournament y (7) succeeded; nothing to repair',
    );
    expect(() => planSteps(pipeline, 'y', { fromFailure: true }, { lastSuccess: {} })).toThrow('--from-failure: tournament y has never run; run it in full');
    expect(planSteps(pipeline, 'y', { fromFailure: true, fullIfNeverRun: true }, { lastSuccess: {} }).run).toHaveLength(7);
  });

  it('--steps X+ runs X and exactly its downstream', () => {
    expect(planSteps(pipeline, 'y', { steps: ['simulate+'] }, allSucceeded)).toEqual({
      run: ['simulate', 'optimise', 'evaluate', 'publish'],
      reuse: { load: 7, predict: 7, market: 7 },
      notRun: [],
    });
  });

  it('--steps X runs X alone, and refuses when an input it needs never succeeded', () => {
    expect(planSteps(pipeline, 'y', { steps: ['publish'] }, allSucceeded).run).toEqual(['publish']);
    const noEvaluate = { ...allSucceeded, lastSuccess: { ...allSucceeded.lastSuccess } };
    delete noEvaluate.lastSuccess.evaluate;
    expect(() => planSteps(pipeline, 'y', { steps: ['publish'] }, noEvaluate)).toThrow(
      new RerunError('publish needs evaluate, which has never succeeded for tournament y; add it (--steps evaluate+) or run the partition in full'),
    );
  });

  it('refuses an unknown step, naming the known ones', () => {
    expect(() => planSteps(pipeline, 'y', { steps: ['trian+'] }, allSucceeded)).toThrow(
      '--steps: tournament has no step "trian" (steps: load, predict, simulate, market, optimise, evaluate, publish)',
    );
  });

  it('records a step that is neither selected nor reusable as not run', () => {
    const fresh: PartitionHistory = { lastSuccess: { load: 3, predict: 3, simulate: 3, market: 3, optimise: 3 } };
    expect(planSteps(pipeline, 'y', { steps: ['optimise'] }, fresh)).toEqual({
      run: ['optimise'],
      reuse: { load: 3, predict: 3, simulate: 3, market: 3 },
      notRun: ['evaluate', 'publish'],
    });
  });
});
