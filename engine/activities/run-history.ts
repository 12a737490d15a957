// Local activities the pipeline-run workflow uses to record runs and step outcomes in ops. They are
// idempotent upserts, retried by Temporal until they succeed, separately from the steps themselves.
// Starting a run also plans a partial re-run; ending one moves a success's watermark, resolves alerts it meets, raises its
// notifications and tells the pipeline's watch that fresher data landed.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { partitionHistory, recordReusedStep } from '../history/partial-runs.ts';
import {
  recordAttemptFailure,
  recordAttemptSuccess,
  recordRunEnd,
  recordRunStart,
  recordStepNotRun,
  type RunStart,
  type StepKey,
} from '../history/run-history.ts';
import { runEvents } from '../notifications/events.ts';
import { raiseEvent } from '../notifications/dispatch.ts';
import { planSteps, RerunError, type Selection, type StepPlan } from '../pipeline/rerun.ts';
import type { CheckResult, RunSummary, StepRows } from '../pipeline/types.ts';
import { temporalWorkflowUrl } from '../temporal/links.ts';
import { partitionSucceededSignal, watchWorkflowId } from '../workflows/watch.ts';
import type { ActivityDeps } from './deps.ts';

export type StepOutcomeRecord =
  | { status: 'succeeded'; attempt: number; rows: StepRows; checks?: CheckResult[] }
  | { status: 'failed' | 'cancelled'; error: string }
  | { status: 'skipped' | 'not-started'; reason: string };

export interface RunStarted {
  runId: number;
  /** A partial re-run's plan: the steps reused and those neither run nor reusable. */
  plan?: Pick<StepPlan, 'reuse' | 'notRun'>;
  /** Why a partial re-run cannot run (a step it needs never succeeded); the run fails with it. */
  refused?: string;
}

export interface RunEndOptions {
  notify?: string[];
  /** The pipeline has a deadline or freshness: its watch hears of successes. */
  watched: boolean;
  daily: boolean;
  refused?: string;
}

export function createRunHistoryActivities({ pools, taskQueues, links }: Pick<ActivityDeps, 'pools' | 'taskQueues' | 'links'>) {
  const db = pools.worker;
  return {
    async startRun(run: RunStart): Promise<RunStarted> {
      const runId = await recordRunStart(db, run);
      if (!run.selection) return { runId };
      const pipeline = { name: run.pipeline, steps: run.definition?.steps ?? [] };
      let plan: StepPlan;
      try {
        plan = planSteps(pipeline, run.partition, run.selection as Selection, await partitionHistory(db, run.pipeline, run.partition, runId));
      } catch (e) {
        if (e instanceof RerunError) return { runId, refused: e.message };
        throw e;
      }
      for (const [stepId, from] of Object.entries(plan.reuse)) await recordReusedStep(db, runId, stepId, from);
      for (const stepId of plan.notRun) {
        const s = run.definition!.steps.find((d) => d.id === stepId)!;
        await recordStepNotRun(
          db,
          { runId, stepId, activity: s.activity, taskQueue: s.queue, layer: s.layer },
          'skipped',
          'not selected, and no earlier success to reuse',
        );
      }
      return { runId, plan: { reuse: plan.reuse, notRun: plan.notRun } };
    },
    async recordStepOutcome(key: StepKey, outcome: StepOutcomeRecord): Promise<void> {
      switch (outcome.status) {
        case 'succeeded':
          return recordAttemptSuccess(db, key, { attempt: outcome.attempt, rows: outcome.rows, checks: outcome.checks });
        case 'failed':
        case 'cancelled':
          return recordAttemptFailure(db, key, { status: outcome.status, error: outcome.error });
        case 'skipped':
          return recordStepNotRun(db, key, 'skipped', outcome.reason);
        case 'not-started':
          return recordStepNotRun(db, key, 'cancelled', outcome.reason);
      }
    },
    async endRun(id: number, summary: RunSummary, options: RunEndOptions): Promise<void> {
      // One statement: the run's end, and for a success the partition's watermark (the inputs this
      // run saw, and its checks, failed warnings counted) and its alerts resolved. A partial re-run
      // that reused steps does not move the watermark: the reused steps read older inputs.
      const succeeded = summary.status === 'succeeded';
      const watermark =
        succeeded && !summary.steps.some((s) => s.status === 'reused')
          ? summary.steps.reduce((n, s) => ({ run: n.run + (s.checks?.run ?? 0), failed: n.failed + (s.checks?.failed ?? 0) }), { run: 0, failed: 0 })
          : undefined;
      const { previous, workflowId, temporalRunId } = await recordRunEnd(db, id, summary, options.refused, {
        watermark,
        resolveAlerts: succeeded ? { daily: options.daily } : undefined,
      });
      const client = Context.current().client;
      const url = temporalWorkflowUrl(links.temporalUi, links.namespace, workflowId, temporalRunId);
      for (const event of runEvents(summary, previous, url)) await raiseEvent(db, client, taskQueues.io, event, options.notify);
      if (summary.status === 'succeeded' && options.watched) {
        try {
          await client.workflow.getHandle(watchWorkflowId(summary.pipeline)).signal(partitionSucceededSignal);
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
        }
      }
    },
  };
}
