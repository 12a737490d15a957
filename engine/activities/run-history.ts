// Local activities the pipeline-run workflow uses to record runs and step outcomes in ops. They are
// idempotent upserts, retried by Temporal until they succeed, separately from the steps themselves.
import {
  recordAttemptFailure,
  recordAttemptSuccess,
  recordRunEnd,
  recordRunStart,
  recordStepNotRun,
  type RunStart,
  type StepKey,
} from '../history/run-history.ts';
import type { RunSummary, StepRows } from '../pipeline/types.ts';
import type { ActivityDeps } from './deps.ts';

export type StepOutcomeRecord =
  | { status: 'succeeded'; attempt: number; rows: StepRows }
  | { status: 'failed' | 'cancelled'; error: string }
  | { status: 'skipped' | 'not-started'; reason: string };

export function createRunHistoryActivities({ pools }: ActivityDeps) {
  return {
    async recordRunStart(run: RunStart): Promise<number> {
      return recordRunStart(pools.worker, run);
    },
    async recordStepOutcome(key: StepKey, outcome: StepOutcomeRecord): Promise<void> {
      switch (outcome.status) {
        case 'succeeded':
          return recordAttemptSuccess(pools.worker, key, { attempt: outcome.attempt, rows: outcome.rows });
        case 'failed':
        case 'cancelled':
          return recordAttemptFailure(pools.worker, key, { status: outcome.status, error: outcome.error });
        case 'skipped':
          return recordStepNotRun(pools.worker, key, 'skipped', outcome.reason);
        case 'not-started':
          return recordStepNotRun(pools.worker, key, 'cancelled', outcome.reason);
      }
    },
    async recordRunEnd(id: number, summary: RunSummary): Promise<void> {
      return recordRunEnd(pools.worker, id, summary);
    },
  };
}
