// The floor under a backfill: a pipeline's step functions and their checks called directly, one
// partition's steps in dependency order, `concurrency` partitions at a time, with no Temporal, no
// step runner and no history. What this costs is the work itself; a backfill's cost above it is orchestration.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { pino } from 'pino';
import { definitions } from '../../domains/index.ts';
import { runChecks } from '../../engine/checks/run-checks.ts';
import type { PipelineDefinition, StepDefinition, StepInput } from '../../engine/pipeline/types.ts';
import type { Pool } from '../../lib/db/pool.ts';
import type { ActivityDeps } from '../../engine/activities/deps.ts';
import { verify } from '../report.ts';

export async function runStepsAlone(pool: Pool, pipeline: PipelineDefinition, partitions: string[], concurrency: number): Promise<void> {
  const deps = { pools: { worker: pool }, log: pino({ level: 'silent' }) } as unknown as ActivityDeps;
  const fns = new Map(pipeline.steps.map((s) => [s.id, definitions.steps[s.activity]!(deps)]));
  const environment = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  const step = async (s: StepDefinition, partition: string) => {
    const input: StepInput = {
      pipeline: pipeline.name,
      partition,
      stepId: s.id,
      layer: s.layer,
      runId: 0,
      params: s.params ?? {},
      reads: s.reads ?? [],
      writes: s.writes ?? [],
      checks: s.checks ?? [],
    };
    await environment.run(fns.get(s.id)!, input);
    const checks = await runChecks(pool, input.checks, partition, input.writes);
    verify(
      checks.every((c) => c.passed),
      `${s.id} ${partition}: checks failed`,
    );
  };
  const one = async (partition: string) => {
    const done = new Map<string, Promise<void>>();
    const run = (s: StepDefinition): Promise<void> => {
      let p = done.get(s.id);
      if (!p) {
        p = Promise.all((s.dependsOn ?? []).map((d) => run(pipeline.steps.find((x) => x.id === d)!))).then(() => step(s, partition));
        done.set(s.id, p);
      }
      return p;
    };
    await Promise.all(pipeline.steps.map(run));
  };
  const queue = [...partitions];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await one(p);
    }),
  );
}
