import { describe, expect, it } from 'vitest';
import { definitions, pipelines } from '../../../domains/index.ts';
import type { PipelineDefinition, StepDefinition } from '../../../engine/pipeline/types.ts';
import { PipelineDefinitionError, topologicalOrder, validatePipeline } from '../../../engine/pipeline/validate.ts';

const step = (id: string, dependsOn: string[] = [], extra: Partial<StepDefinition> = {}): StepDefinition => ({
  id,
  activity: 'noop',
  layer: 'silver',
  dependsOn,
  ...extra,
});
const pipeline = (steps: StepDefinition[], extra: Partial<PipelineDefinition> = {}): PipelineDefinition => ({
  name: 'p',
  partitioning: { kind: 'daily', timezone: 'UTC' },
  steps,
  ...extra,
});

function problems(def: PipelineDefinition): string[] {
  try {
    validatePipeline(def, Object.keys(definitions.steps));
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineDefinitionError);
    return (e as PipelineDefinitionError).problems;
  }
}

describe('pipeline validation', () => {
  it('accepts every registered pipeline, with every activity known', () => {
    expect(pipelines.size).toBeGreaterThan(0);
    for (const def of pipelines.values()) expect(problems(def)).toEqual([]);
  });

  it('refuses cycles and names them', () => {
    expect(problems(pipeline([step('a', ['c']), step('b', ['a']), step('c', ['b'])]))).toEqual(['p: dependency cycle a → c → b → a']);
    expect(problems(pipeline([step('a', ['a'])]))).toEqual(['p.a: depends on itself']);
  });

  it('refuses unknown activities, unknown dependencies and duplicate ids', () => {
    expect(problems(pipeline([step('a', [], { activity: 'teleport' })]))).toEqual(['p.a: unknown activity "teleport"']);
    expect(problems(pipeline([step('a', [], { activity: 'cleanDemoEvent' })]))).toEqual([
      'p.a: unknown activity "cleanDemoEvent" (did you mean "cleanDemoEvents"?)',
    ]);
    expect(problems(pipeline([step('a', ['ghost'])]))).toEqual(['p.a: depends on unknown step "ghost"']);
    expect(problems(pipeline([step('a'), step('a')]))).toEqual(['p: duplicate step id "a"']);
  });

  it('refuses checks on tables the step does not write, and bad settings', () => {
    const bad = pipeline(
      [
        step('a', [], { checks: [{ kind: 'rowCount', table: 'gold.x', min: 1 }], retry: { maximumAttempts: 0 } }),
        step('b', [], { queue: 'gpu' as never, writes: [{ table: 'not a table' }] }),
      ],
      { partitioning: { kind: 'daily', timezone: 'Mars/Olympus' } },
    );
    expect(problems(bad)).toEqual([
      'p: unknown time zone "Mars/Olympus"',
      'p.a: retry.maximumAttempts must be a whole number ≥ 1',
      'p.a: check rowCount is on gold.x, which the step does not declare in writes',
      'p.b: queue must be io or compute',
      'p.b: "not a table" is not a schema.table name',
    ]);
  });

  it('refuses durations it cannot read and inline steps that would need a queue or heartbeats', () => {
    const bad = pipeline([
      step('a', [], { retry: { initialInterval: 'soon' }, startToCloseTimeout: '10 parsecs' }),
      step('b', ['a'], { inline: true, queue: 'compute' }),
      step('c', ['b'], { inline: true, heartbeatTimeout: '5 seconds' }),
      step('d', ['c'], { inline: true }),
    ]);
    expect(problems(bad)).toEqual([
      'p.a: startToCloseTimeout "10 parsecs" is not a duration (e.g. "30 seconds")',
      'p.a: retry.initialInterval "soon" is not a duration (e.g. "30 seconds")',
      "p.b: an inline step runs on the workflow's worker, not the compute queue",
      'p.c: an inline step cannot heartbeat; drop heartbeatTimeout or inline',
    ]);
  });

  it('orders steps after their dependencies', () => {
    const order = topologicalOrder([step('d', ['b', 'c']), step('b', ['a']), step('c', ['a']), step('a')]);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('d'));
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('d'));
  });

  it('names every problem of inputs, triggers and the late-data policy', () => {
    const steps = [step('a')];
    expect(
      problems(
        pipeline(steps, {
          inputs: [
            { kind: 'arrivals', source: 'Bad Source' },
            { kind: 'upstream', pipeline: 'p' },
          ],
          triggers: { on: ['landing'], settle: 'soon' },
          lateData: { quietPeriod: 'a while', priority: 9, concurrency: 0 },
        }),
      ),
    ).toEqual([
      'p: arrivals source "Bad Source" must be a lower-case name',
      'p: a pipeline cannot be its own upstream',
      'p: triggers.on "landing" needs an input of kind "landing"',
      'p: triggers.settle "soon" is not a duration (e.g. "10 minutes")',
      'p: lateData.quietPeriod "a while" is not a duration (e.g. "10 minutes")',
      'p: lateData.priority must be a whole number from 1 (first) to 5',
      'p: lateData.concurrency must be a whole number from 1 to 100',
    ]);
    expect(problems(pipeline(steps, { lateData: {} }))).toEqual(['p: a late-data policy needs inputs to watch']);
  });

  it('refuses an upstream that is not defined or whose partitions do not map', async () => {
    const { definitionsWith } = await import('../../support/pipelines.ts');
    const make = (extra: PipelineDefinition) => () => definitionsWith(extra);
    expect(make(pipeline([step('a')], { name: 'x', inputs: [{ kind: 'upstream', pipeline: 'nope' }] }))).toThrow('x: upstream pipeline "nope" is not defined');
    expect(make(pipeline([step('a')], { name: 'x', inputs: [{ kind: 'upstream', pipeline: 'tournament' }] }))).toThrow(
      'x: upstream tournament is keys and this pipeline daily; give a mapping',
    );
    expect(make(pipeline([step('a')], { name: 'x', inputs: [{ kind: 'upstream', pipeline: 'demo', mapping: 'week' }] }))).toThrow(
      'x: the week mapping needs a daily upstream and a weekly pipeline (demo is daily)',
    );
  });
});
