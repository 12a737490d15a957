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

  it('orders steps after their dependencies', () => {
    const order = topologicalOrder([step('d', ['b', 'c']), step('b', ['a']), step('c', ['a']), step('a')]);
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('d'));
    expect(order.indexOf('c')).toBeLessThan(order.indexOf('d'));
  });
});
