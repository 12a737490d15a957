// All activities, built once per worker from their dependencies (see engine/temporal/worker.ts): the step
// activities (wrapped by the step runner) and the run-history activities the workflows record with.
import type { ActivityDeps } from './deps.ts';
import { createBackfillActivities } from './backfills.ts';
import { createReconcileActivities } from './reconcile.ts';
import { createRunHistoryActivities } from './run-history.ts';
import { createScheduleActivities } from './schedules.ts';
import { createNotificationActivities } from './notifications.ts';
import { createPoolActivities } from './pools.ts';
import { createWatchActivities } from './watches.ts';
import type { StepInput } from '../pipeline/types.ts';
import { runStep, type StepReport } from './step-runner.ts';
import { createStepLogger } from './attempt-log.ts';

/** Step activities: each step's code gets a logger whose lines land in its attempt's log. */
export function createStepActivities(deps: ActivityDeps): Record<string, (input: StepInput) => Promise<StepReport>> {
  const stepDeps = { ...deps, log: createStepLogger(deps.log) };
  return Object.fromEntries(Object.entries(deps.definitions.steps).map(([name, factory]) => [name, runStep(name, factory(stepDeps), deps)]));
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createStepActivities(deps),
    ...createRunHistoryActivities(deps),
    ...createBackfillActivities(deps),
    ...createScheduleActivities(deps),
    ...createNotificationActivities(deps),
    ...createPoolActivities(),
    ...createWatchActivities(deps),
    ...createReconcileActivities(deps),
  };
}

export type RunHistoryActivities = ReturnType<typeof createRunHistoryActivities>;
export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
export type PoolActivities = ReturnType<typeof createPoolActivities>;
export type WatchActivities = ReturnType<typeof createWatchActivities>;
export type BackfillActivities = ReturnType<typeof createBackfillActivities>;
export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
export type { ActivityDeps };
export type { StepReport } from './step-runner.ts';
export type { StepOutcomeRecord } from './run-history.ts';
