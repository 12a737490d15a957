// Control steps with no data of their own: no-op, sleep, flaky and failing steps. Used to test the
// interpreter (ordering, parallelism, retries, skips) and to benchmark orchestration overhead.
import { ApplicationFailure, Context, sleep as activitySleep } from '@temporalio/activity';
import type { StepFactory } from './step-runner.ts';

export const noop: StepFactory = () => async () => ({});

/** Sleeps params.ms milliseconds, heartbeating, and stops early when cancelled. */
export const sleep: StepFactory = () => async (input) => {
  const total = Number(input.params.ms ?? 100);
  const started = Date.now();
  while (Date.now() - started < total) {
    Context.current().heartbeat();
    await activitySleep(Math.min(200, total - (Date.now() - started)));
  }
  return { metrics: { sleptMs: Date.now() - started } };
};

/** Fails its first params.failTimes attempts (retryably), then succeeds. */
export const flaky: StepFactory = () => async (input) => {
  const attempt = Context.current().info.attempt;
  const failTimes = Number(input.params.failTimes ?? 1);
  if (attempt <= failTimes) throw new Error(`flaky step failed on attempt ${attempt} of ${failTimes + 1}`);
  return { metrics: { attempts: attempt } };
};

/** Fails with params.message: always, or only for the partitions listed in params.partitions. */
export const fail: StepFactory = () => async (input) => {
  const only = input.params.partitions;
  if (Array.isArray(only) && !only.includes(input.partition)) return {};
  const message = String(input.params.message ?? 'this step always fails');
  if (input.params.nonRetryable) throw ApplicationFailure.nonRetryable(message, 'StepFailed');
  throw new Error(message);
};

/** The engine's own steps, always registered beside the domains' steps. */
export const controlSteps = { noop, sleep, flaky, fail } satisfies Record<string, StepFactory>;
