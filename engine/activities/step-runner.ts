// Wraps every step activity: records each attempt in ops (best effort, so recording never fails a
// step), runs the step with its attempt log, checks the tables it reports against those it
// declared, then runs its data-quality checks. An undeclared table or a failed `error` check fails
// the step for good; a failed `warn` check is recorded and reported, and the step succeeds.
// A failure is kept with its stack and cause chain, secrets redacted.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { runChecks } from '../checks/run-checks.ts';
import { recordAttemptFailure, recordAttemptStart, recordAttemptSuccess, type StepKey } from '../history/run-history.ts';
import type { ErrorDetail } from '../history/step-logs.ts';
import { resolveStepRows, UndeclaredTableError } from '../pipeline/lineage.ts';
import type { CheckResult, StepInput, StepResult, StepRows } from '../pipeline/types.ts';
import { redactText } from '../../lib/redact.ts';
import { attemptLogFor, withAttemptLog } from './attempt-log.ts';
import type { ActivityDeps } from './deps.ts';

export type StepFn = (input: StepInput) => Promise<StepResult>;
export type StepFactory = (deps: ActivityDeps) => StepFn;

/** What a step activity returns to the workflow: the step's rows and lineage plus its attempt and checks. */
export interface StepReport extends StepRows {
  attempt: number;
  checks: CheckResult[];
  /**
   * The runner recorded this attempt's success in ops itself. The workflow then records nothing
   * more for the step (one write per attempt, no extra local activity); when false (the database
   * was unreachable as the step ended) the workflow's recording retries until it lands.
   */
  recorded: boolean;
}

/**
 * Heartbeats for the step while it runs, so a dead worker is noticed within the heartbeat timeout
 * even when the step's own code is quiet. The step's own heartbeats still go through, and the
 * automatic ones repeat the step's latest details rather than clearing them.
 */
function keepAlive(ctx: Context): () => void {
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return () => {};
  const send = ctx.heartbeat.bind(ctx);
  let last: unknown;
  // `heartbeat` is a plain property of this activity's Context (readonly only in its typings).
  (ctx as { heartbeat: (details?: unknown) => void }).heartbeat = (details?: unknown) => {
    last = details;
    send(details);
  };
  const timer = setInterval(() => send(last), Math.max(500, Math.floor(timeoutMs / 3)));
  return () => clearInterval(timer);
}

/** The step's rows checked against its declaration; reporting an undeclared table is a bug in the step or its definition, not worth a retry. */
function declared(input: StepInput, result: StepResult): StepRows {
  try {
    return resolveStepRows(input, result);
  } catch (e) {
    if (e instanceof UndeclaredTableError) throw ApplicationFailure.nonRetryable(e.message, e.name);
    throw e;
  }
}

const STACK_CHARS = 8000;

/** An error with its stack and cause chain (ApplicationFailure and Error causes alike), redacted. */
export function describeError(e: unknown): ErrorDetail {
  const one = (x: unknown) => {
    const err = x instanceof Error ? x : new Error(String(x));
    const type = err instanceof ApplicationFailure && err.type ? err.type : err.name;
    return { type, message: redactText(err.message), stack: err.stack ? redactText(err.stack).slice(0, STACK_CHARS) : undefined };
  };
  const causes: ErrorDetail['causes'] = [];
  const seen = new Set<unknown>([e]);
  for (let c = (e as { cause?: unknown })?.cause; c !== undefined && c !== null && !seen.has(c) && causes.length < 10; c = (c as { cause?: unknown }).cause) {
    seen.add(c);
    causes.push(one(c));
  }
  return { ...one(e), causes };
}

/** The error as thrown, unless its message carried a secret: then the same failure, redacted (Temporal keeps it). */
function withoutSecrets(e: unknown, redacted: string): unknown {
  if (!(e instanceof Error) || e.message === redacted) return e;
  const failure = e instanceof ApplicationFailure ? e : undefined;
  return ApplicationFailure.create({
    message: redacted,
    type: failure?.type ?? e.name,
    nonRetryable: failure?.nonRetryable ?? false,
    details: failure?.details ? [...failure.details] : undefined,
  });
}

export function runStep(name: string, fn: StepFn, deps: ActivityDeps) {
  return async (input: StepInput): Promise<StepReport> => {
    const ctx = Context.current();
    const info = ctx.info;
    const key: StepKey = { runId: input.runId, stepId: input.stepId, activity: name, taskQueue: info.taskQueue, layer: input.layer };
    const attempt = info.attempt;
    /** Writes a record of the attempt; false (and a warning) when it could not: the workflow then records the outcome. */
    const bestEffort = async (what: string, write: () => Promise<unknown>): Promise<boolean> => {
      try {
        await write();
        return true;
      } catch (e) {
        deps.log.warn({ err: (e as Error).message, step: input.stepId, attempt }, `could not record ${what}; the workflow records the outcome`);
        return false;
      }
    };
    // The attempt's start is written while the step begins (one round trip less per step); every
    // later write of the attempt waits for it, so the start never lands after the outcome.
    const started = bestEffort('attempt start', () => recordAttemptStart(deps.pools.worker, key, attempt));
    const labels = { pipeline: input.pipeline, step: input.stepId, queue: info.taskQueue };
    const startedAt = performance.now();
    const seconds = () => (performance.now() - startedAt) / 1000;
    deps.metrics?.started(labels);
    const log = attemptLogFor(deps.pools.worker, { runId: input.runId, stepId: input.stepId, attempt });
    const stopBeating = keepAlive(ctx);
    let checks: CheckResult[] | undefined;
    try {
      const rows = declared(input, await withAttemptLog(log, () => fn(input)));
      checks = await runChecks(deps.pools.worker, input.checks, input.partition, input.writes);
      for (const c of checks.filter((c) => !c.passed && c.severity === 'warn')) log.add('warn', `check ${c.check} did not pass (warn): ${c.detail}`);
      const failed = checks.filter((c) => !c.passed && c.severity === 'error');
      if (failed.length) {
        throw ApplicationFailure.nonRetryable(
          `data-quality check failed: ${failed.map((c) => `${c.check}: ${c.detail}`).join('; ')}`,
          'DataQualityCheckFailed',
          { checks },
        );
      }
      await started;
      const recorded = await bestEffort('attempt success', () => recordAttemptSuccess(deps.pools.worker, key, { attempt, rows, checks }));
      deps.metrics?.finished(labels, 'succeeded', seconds(), rows.rowsWritten ?? 0);
      return { ...rows, attempt, checks, recorded };
    } catch (e) {
      const cancelled = Context.current().cancellationSignal.aborted;
      deps.metrics?.finished(labels, cancelled ? 'cancelled' : 'failed', seconds(), 0);
      const detail = describeError(e);
      log.add(cancelled ? 'warn' : 'error', detail.message, {
        type: detail.type,
        stack: detail.stack,
        causes: detail.causes.length ? detail.causes : undefined,
      });
      await started;
      await bestEffort('attempt failure', () =>
        recordAttemptFailure(deps.pools.worker, key, { status: cancelled ? 'cancelled' : 'failed', error: detail.message, attempt, detail, checks }),
      );
      throw withoutSecrets(e, detail.message);
    } finally {
      stopBeating();
      await log.close();
    }
  };
}
