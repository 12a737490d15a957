// The 'runner-records-success' patch replays: a run recorded by workers from before the patch (the
// workflow recorded every success itself, one local activity per step) replays on today's workflow
// code without a nondeterminism error. The pre-patch workflow is today's source with the patched()
// guard taken out (the success always recorded), bundled from a sibling file for this test only; a
// control bundle with the guard dropped the other way (never recording a runner's success) must fail
// to replay the same history, so this test can tell the two apart.
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepReport } from '../../../engine/activities/index.ts';
import type { PipelineDefinition } from '../../../engine/pipeline/types.ts';
import { workflowsPath } from '../../../engine/temporal/worker.ts';
import { timeSkippingEnvironment } from '../../support/time-skipping.ts';

const GUARD = 'if (!recorded || !patched(RUNNER_RECORDS_SUCCESS))';
const source = fileURLToPath(new URL('../../../engine/workflows/pipeline-run.ts', import.meta.url));
const tag = randomBytes(4).toString('hex');
/** Variant files beside the real one (so its relative imports resolve), removed in afterAll. */
const written: string[] = [];

/** A workflow bundle whose pipelineRun is today's with GUARD replaced. */
function variantBundle(name: string, guard: string): Promise<WorkflowBundleWithSourceMap> {
  const code = readFileSync(source, 'utf8');
  if (!code.includes(GUARD)) throw new Error(`engine/workflows/pipeline-run.ts no longer has "${GUARD}": update this test`);
  const file = source.replace(/\.ts$/, `.${name}-${tag}.ts`);
  const entry = source.replace(/pipeline-run\.ts$/, `entry.${name}-${tag}.ts`);
  writeFileSync(file, code.replace(GUARD, guard));
  writeFileSync(entry, `export { pipelineRun } from './pipeline-run.${name}-${tag}.ts';\n`);
  written.push(file, entry);
  return bundle(entry);
}

function bundle(path: string): Promise<WorkflowBundleWithSourceMap> {
  const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
  return bundleWorkflowCode({ workflowsPath: path, logger: quiet });
}

const taskQueue = 'pipeline-run-replay';
let env: TestWorkflowEnvironment;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let today: WorkflowBundleWithSourceMap;
let control: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  const [e, prePatch, current, neverRecords] = await Promise.all([
    timeSkippingEnvironment(),
    variantBundle('pre-patch', 'if (true)'),
    bundle(workflowsPath),
    variantBundle('control', 'if (!recorded)'),
  ]);
  [env, today, control] = [e, current, neverRecords];
  // The step runner wrote every success itself (recorded: true), as today's runner does.
  const report = (): StepReport => ({ attempt: Context.current().info.attempt, checks: [], lineage: { reads: [], writes: [] }, recorded: true });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: prePatch,
    activities: { work: async () => report(), startRun: async () => ({ runId: 1 }), recordStepOutcome: async () => {}, endRun: async () => {} },
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  for (const file of written) rmSync(file, { force: true });
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
});

describe("pipeline-run's runner-records-success patch", () => {
  it('replays a run recorded before the patch on today’s workflow, and a version without the guard cannot', async () => {
    const pipeline: PipelineDefinition = {
      name: 'p',
      partitioning: { kind: 'daily', timezone: 'UTC' },
      steps: [
        { id: 'a', activity: 'work', layer: 'bronze', dependsOn: [] },
        { id: 'b', activity: 'work', layer: 'silver', dependsOn: ['a'] },
      ],
    };
    const workflowId = `replay/${tag}`;
    const handle = await env.client.workflow.start('pipelineRun', {
      taskQueue,
      workflowId,
      args: [{ pipeline, partition: '2026-03-01', computeQueue: taskQueue }],
    });
    await handle.result();
    const history = await handle.fetchHistory();
    // Pre-patch: a success the runner recorded was recorded again by the workflow, a local activity
    // (a marker in history) per step, besides the run's start and end.
    const markers = history.events?.filter((e) => e.markerRecordedEventAttributes) ?? [];
    expect(markers.length).toBe(4);

    await expect(Worker.runReplayHistory({ workflowBundle: today }, history, workflowId)).resolves.toBeUndefined();
    await expect(Worker.runReplayHistory({ workflowBundle: control }, history, workflowId)).rejects.toThrow(/Nondeterminism/);
  });
});
