import { describe, expect, it } from 'vitest';
import { createDefinitions } from '../../../engine/definitions.ts';
import type { PipelineDefinition, StepDefinition } from '../../../engine/pipeline/types.ts';
import { type PipelineDefinitionError, validatePipeline } from '../../../engine/pipeline/validate.ts';
import { checkTarget, TargetError } from '../../../engine/notifications/store.ts';

const step = (id: string, extra: Partial<StepDefinition> = {}): StepDefinition => ({ id, activity: 'noop', layer: 'silver', ...extra });
const pipeline = (extra: Partial<PipelineDefinition> = {}, steps = [step('a')]): PipelineDefinition => ({
  name: 'p',
  partitioning: { kind: 'daily', timezone: 'Europe/Paris' },
  steps,
  ...extra,
});

function problems(def: PipelineDefinition): string[] {
  try {
    validatePipeline(def, ['noop']);
    return [];
  } catch (e) {
    return (e as PipelineDefinitionError).problems;
  }
}

describe('validation of what operating a pipeline declares', () => {
  it('accepts a deadline, a freshness, notify targets, a warn check and a pool', () => {
    const def = pipeline({ deadline: 'D+1 06:00', freshness: { maxAge: '26 hours' }, notify: ['oncall'] }, [
      step('a', {
        pool: { name: 'warehouse', slots: 2 },
        writes: [{ table: 'gold.t' }],
        checks: [{ kind: 'rowCount', table: 'gold.t', min: 1, severity: 'warn' }],
      }),
    ]);
    expect(problems(def)).toEqual([]);
  });

  it('refuses a malformed deadline, one on keyed partitions, and a bad max age, each in one line naming it', () => {
    expect(problems(pipeline({ deadline: '06:00' }))).toEqual([
      'p: deadline "06:00" must look like "D+1 06:00": the partition\'s day plus 0-31 days, then HH:MM[:SS] local time',
    ]);
    expect(problems(pipeline({ deadline: 'D+1 25:00' }))[0]).toMatch(/deadline "D\+1 25:00"/);
    expect(problems(pipeline({ deadline: 'D+1 06:00', partitioning: { kind: 'keys' } }))).toEqual([
      'p: a deadline needs daily partitions (keyed partitions have no day)',
    ]);
    expect(problems(pipeline({ freshness: { maxAge: 'a while' } }))).toEqual([
      'p: freshness.maxAge "a while" must be a positive duration such as "26 hours" or "90 minutes"',
    ]);
    expect(problems(pipeline({ freshness: { maxAge: 0 } }))[0]).toMatch(/freshness.maxAge "0"/);
  });

  it('refuses a malformed time zone', () => {
    expect(problems(pipeline({ partitioning: { kind: 'daily', timezone: 'Mars/Olympus' } }))).toEqual(['p: unknown time zone "Mars/Olympus"']);
  });

  it('refuses a pool with zero slots, a bad severity and a bad target name', () => {
    expect(problems(pipeline({}, [step('a', { pool: { name: 'warehouse', slots: 0 } })]))).toEqual([
      'p.a: pool warehouse needs a whole number of slots ≥ 1 (got 0)',
    ]);
    expect(
      problems(
        pipeline({}, [step('a', { writes: [{ table: 'gold.t' }], checks: [{ kind: 'rowCount', table: 'gold.t', min: 1, severity: 'fatal' as 'warn' }] })]),
      ),
    ).toEqual(['p.a: check rowCount: severity must be error or warn (got "fatal")']);
    expect(problems(pipeline({ notify: ['On Call'] }))).toEqual(['p: notify target "On Call" must be lower-case letters, digits, "-" or "_"']);
  });

  it('refuses two pipelines that give one pool different slots', () => {
    const a = pipeline({ name: 'a' }, [step('x', { pool: { name: 'warehouse', slots: 2 } })]);
    const b = pipeline({ name: 'b' }, [step('y', { pool: { name: 'warehouse', slots: 3 } })]);
    expect(() => createDefinitions({ pipelines: [a, b], steps: {} })).toThrow('pool warehouse: b.y gives 3 slots but a.x gives 2');
  });

  it('refuses a webhook URL that is not http(s), naming the flag', () => {
    const target = { name: 'oncall', url: 'ftp://example.com/hook', format: 'json' as const, events: null, isDefault: false };
    expect(() => checkTarget(target)).toThrow(new TargetError('--url: must be http:// or https:// (got ftp:)'));
    expect(() => checkTarget({ ...target, url: 'not a url' })).toThrow('--url: not a URL');
    expect(() => checkTarget({ ...target, url: 'https://hooks.example.com/x', events: ['run.exploded' as 'run.failed'] })).toThrow(
      '--events: unknown event "run.exploded"',
    );
    expect(checkTarget({ ...target, url: 'https://hooks.example.com/x' }).url).toBe('https://hooks.example.com/x');
  });
});
