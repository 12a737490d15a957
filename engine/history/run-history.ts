// Run history in ops: pipeline runs, step attempts and lineage. Every write is an idempotent upsert
// keyed by what identifies it (workflow run; run + step + attempt), so a retried recording never
// leaves two rows for one attempt.
import type { CheckResult, RunSummary, RunTrigger, StepRows } from '../pipeline/types.ts';
import type { ErrorDetail } from './step-logs.ts';
import type { Queryable } from '../../lib/db/pool.ts';
import { redactText } from '../../lib/redact.ts';
import { resolveAlertsSql } from './alerts.ts';

export interface RunStart {
  workflowId: string;
  runId: string;
  pipeline: string;
  partition: string;
  trigger: RunTrigger;
  /** Why a late-data or triggered run started, e.g. "312 readings from 2 devices arrived after run 41". */
  reason?: string;
  params: Record<string, unknown>;
  backfillId?: string;
  scheduledStart?: string;
  /** The steps as run: id, activity, layer, queue, dependencies. */
  definition?: { steps: { id: string; activity: string; layer: string; queue: string; dependsOn: string[] }[] };
  /** A partial re-run's selection ({ fromFailure } or { steps }). */
  selection?: unknown;
  /** Task priority, 1 (first) to 5. */
  priority?: number;
}

/** Returns ops.pipeline_runs.id for this workflow run, creating the row on first call. */
export async function recordRunStart(db: Queryable, run: RunStart): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO ops.pipeline_runs (pipeline, partition_key, status, trigger, params, workflow_id, run_id, backfill_id, scheduled_start, definition,
                                    selection, priority, reason)
     VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (workflow_id, run_id) DO UPDATE SET pipeline = EXCLUDED.pipeline
     RETURNING id`,
    [
      run.pipeline,
      run.partition,
      run.trigger,
      run.params,
      run.workflowId,
      run.runId,
      run.backfillId ?? null,
      run.scheduledStart ?? null,
      run.definition ?? null,
      run.selection ?? null,
      run.priority ?? null,
      run.reason ?? null,
    ],
  );
  return rows[0].id;
}

/**
 * Moves the partition's watermark to a run that succeeded: its inputs (as recorded when it started)
 * and its checks. A retried call, or a call for an older run, leaves a newer watermark as it is.
 */
export async function recordWatermark(db: Queryable, id: number, checks: { run: number; failed: number }): Promise<void> {
  await db.query(upsertWatermarkSql(`ops.pipeline_runs WHERE id = $1 AND status = 'succeeded'`, '$2', '$3'), [id, checks.run, checks.failed]);
}

/** The watermark upsert from `runs` (rows of ops.pipeline_runs' shape), with the checks' placeholders named by the caller. */
const upsertWatermarkSql = (runs: string, checksRun: string, checksFailed: string) => `
  INSERT INTO ops.partition_watermarks (pipeline, partition_key, run_id, succeeded_at, inputs, checks_run, checks_failed)
  SELECT pipeline, partition_key, id, coalesce(ended_at, now()), inputs, ${checksRun}, ${checksFailed} FROM ${runs}
  ON CONFLICT (pipeline, partition_key) DO UPDATE SET run_id = EXCLUDED.run_id, succeeded_at = EXCLUDED.succeeded_at, inputs = EXCLUDED.inputs,
    checks_run = EXCLUDED.checks_run, checks_failed = EXCLUDED.checks_failed, stale_since = NULL
  WHERE ops.partition_watermarks.run_id <= EXCLUDED.run_id`;

/** What ending a run also does, in the same statement: move the partition's watermark, resolve its alerts. */
export interface RunEndFollowUps {
  watermark?: { run: number; failed: number };
  resolveAlerts?: { daily: boolean };
}

/**
 * Marks a run ended (its error and summary redacted of secrets) and returns the partition's
 * previous run, for recovery notifications, and the run's Temporal ids, for links. The follow-ups
 * (a succeeded run's watermark and alerts) go in the same statement: one round trip, and all or none.
 */
export async function recordRunEnd(
  db: Queryable,
  id: number,
  summary: RunSummary,
  refused?: string,
  followUps: RunEndFollowUps = {},
): Promise<{ previous?: { id: number; status: string }; workflowId: string; temporalRunId: string }> {
  const failed = summary.steps.filter((s) => s.status === 'failed');
  const error = refused ?? (failed.length ? failed.map((s) => `${s.stepId}: ${s.error ?? 'failed'}`).join('; ') : null);
  const clean: RunSummary = { ...summary, steps: summary.steps.map((s) => (s.error ? { ...s, error: redactText(s.error) } : s)) };
  const params: unknown[] = [id, summary.status, error === null ? null : redactText(error), clean, summary.pipeline, summary.partition];
  const next = (value: unknown) => `$${params.push(value)}`;
  // The watermark reads the run as this statement leaves it (RETURNING), not as its snapshot saw it.
  const watermark = followUps.watermark
    ? `, watermark AS (${upsertWatermarkSql(`ended WHERE status = 'succeeded'`, next(followUps.watermark.run), next(followUps.watermark.failed))})`
    : '';
  const alerts = followUps.resolveAlerts ? `, resolved AS (${resolveAlertsSql('$5', '$6', next(followUps.resolveAlerts.daily))})` : '';
  const { rows } = await db.query(
    `WITH ended AS (
       UPDATE ops.pipeline_runs SET status = $2, ended_at = coalesce(ended_at, now()), error = $3, summary = $4 WHERE id = $1
       RETURNING id, pipeline, partition_key, ended_at, inputs, status, workflow_id, run_id,
         (SELECT jsonb_build_object('id', p.id, 'status', p.status) FROM ops.pipeline_runs p
           WHERE p.pipeline = $5 AND p.partition_key = $6 AND p.id < $1 ORDER BY p.started_at DESC, p.id DESC LIMIT 1) AS previous)${watermark}${alerts}
     SELECT workflow_id, run_id, previous FROM ended`,
    params,
  );
  return { previous: rows[0]?.previous ?? undefined, workflowId: rows[0]?.workflow_id, temporalRunId: rows[0]?.run_id };
}

export interface StepKey {
  runId: number;
  stepId: string;
  activity: string;
  taskQueue: string;
  layer: string;
}

export const ABANDONED = 'abandoned: the worker stopped before finishing this attempt';

export async function recordAttemptStart(db: Queryable, step: StepKey, attempt: number): Promise<number> {
  // One statement: an earlier attempt still "running" lost its worker (Temporal retried it after a
  // timeout) and is marked abandoned; this attempt's row is created (or reset, when retried).
  const { rows } = await db.query(
    `WITH abandoned AS (
       UPDATE ops.step_runs SET status = 'failed', ended_at = now(), error = $7
        WHERE pipeline_run_id = $1 AND step_id = $2 AND attempt < $6 AND status = 'running')
     INSERT INTO ops.step_runs (pipeline_run_id, step_id, activity, task_queue, layer, attempt, status, started_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'running', now())
     ON CONFLICT (pipeline_run_id, step_id, attempt)
       DO UPDATE SET status = 'running', started_at = now(), ended_at = NULL, error = NULL
     RETURNING id`,
    [step.runId, step.stepId, step.activity, step.taskQueue, step.layer, attempt, ABANDONED],
  );
  return rows[0].id;
}

export interface AttemptSuccess {
  attempt: number;
  /** The step's rows and lineage, checked against its declaration by the step runner. */
  rows: StepRows;
  checks?: CheckResult[];
}

/** Replaces the check results recorded for one attempt. */
/** A step's checks as the six arrays ops.check_results is filled from: position, name, severity, passed, observed, detail. */
function checkColumns(checks: CheckResult[]): unknown[] {
  return [
    checks.map((_, i) => i),
    checks.map((c) => c.check),
    checks.map((c) => c.severity),
    checks.map((c) => c.passed),
    checks.map((c) => c.observed),
    checks.map((c) => c.detail),
  ];
}

async function recordCheckResults(db: Queryable, stepRunId: number, checks: CheckResult[] | undefined): Promise<void> {
  if (!checks) return;
  await db.query('DELETE FROM ops.check_results WHERE step_run_id = $1', [stepRunId]);
  await insertCheckResults(db, stepRunId, checks);
}

async function insertCheckResults(db: Queryable, stepRunId: number, checks: CheckResult[]): Promise<void> {
  if (!checks.length) return;
  await db.query(
    `INSERT INTO ops.check_results (step_run_id, position, name, severity, passed, observed, detail)
     SELECT $1, c.position, c.name, c.severity, c.passed, c.observed, c.detail
       FROM unnest($2::int[], $3::text[], $4::text[], $5::boolean[], $6::float8[], $7::text[]) AS c(position, name, severity, passed, observed, detail)`,
    [stepRunId, ...checkColumns(checks)],
  );
}

/**
 * Marks an attempt succeeded with its row counts, metrics, checks and lineage (replacing any earlier
 * record of it), in one statement, so all or none of it lands and it costs one round trip. Its
 * abandoned predecessors are marked too. Checks are upserted by position and lineage by entry, and
 * only what the new record does not have is deleted, so no part of the statement touches a row
 * another part writes. Without `checks` (a recording from before checks were reported) the
 * attempt's recorded checks stay as they are. A table named twice in the lineage keeps its last count.
 */
export async function recordAttemptSuccess(db: Queryable, step: StepKey, s: AttemptSuccess): Promise<void> {
  const checks = s.checks ?? [];
  const lineage = [...s.rows.lineage.reads.map((e) => ['read', e] as const), ...s.rows.lineage.writes.map((e) => ['write', e] as const)];
  await db.query(
    `WITH attempt AS (
       INSERT INTO ops.step_runs (pipeline_run_id, step_id, activity, task_queue, layer, attempt, status, started_at, ended_at, rows_read, rows_written, metrics)
       VALUES ($1, $2, $3, $4, $5, $6, 'succeeded', now(), now(), $7, $8, $9)
       ON CONFLICT (pipeline_run_id, step_id, attempt) DO UPDATE SET
         status = 'succeeded', ended_at = coalesce(ops.step_runs.ended_at, now()), error = NULL,
         rows_read = EXCLUDED.rows_read, rows_written = EXCLUDED.rows_written, metrics = EXCLUDED.metrics
       RETURNING id),
     abandoned AS (
       UPDATE ops.step_runs SET status = 'failed', ended_at = now(), error = $10
        WHERE pipeline_run_id = $1 AND step_id = $2 AND attempt < $6 AND status = 'running'),
     checks AS (
       SELECT c.position, c.name, c.severity, c.passed, c.observed, c.detail
         FROM unnest($12::int[], $13::text[], $14::text[], $15::boolean[], $16::float8[], $17::text[]) AS c(position, name, severity, passed, observed, detail)),
     old_checks AS (
       DELETE FROM ops.check_results WHERE $11 AND step_run_id IN (SELECT id FROM attempt) AND position >= cardinality($12::int[])),
     new_checks AS (
       INSERT INTO ops.check_results (step_run_id, position, name, severity, passed, observed, detail)
       SELECT a.id, c.position, c.name, c.severity, c.passed, c.observed, c.detail FROM attempt a, checks c
       ON CONFLICT (step_run_id, position) DO UPDATE SET
         name = EXCLUDED.name, severity = EXCLUDED.severity, passed = EXCLUDED.passed, observed = EXCLUDED.observed, detail = EXCLUDED.detail),
     lineage AS (
       SELECT DISTINCT ON (direction, table_name, coalesce(partition_key, '')) direction, table_name, partition_key, rows
         FROM unnest($18::text[], $19::text[], $20::text[], $21::bigint[]) WITH ORDINALITY AS e(direction, table_name, partition_key, rows, n)
        ORDER BY direction, table_name, coalesce(partition_key, ''), n DESC),
     old_lineage AS (
       DELETE FROM ops.lineage l WHERE l.step_run_id IN (SELECT id FROM attempt)
          AND NOT EXISTS (SELECT 1 FROM lineage e WHERE e.direction = l.direction AND e.table_name = l.table_name
                             AND coalesce(e.partition_key, '') = coalesce(l.partition_key, ''))),
     new_lineage AS (
       INSERT INTO ops.lineage (step_run_id, direction, table_name, partition_key, rows)
       SELECT a.id, e.direction, e.table_name, e.partition_key, e.rows FROM attempt a, lineage e
       ON CONFLICT (step_run_id, direction, table_name, coalesce(partition_key, '')) DO UPDATE SET rows = EXCLUDED.rows)
     SELECT id FROM attempt`,
    [
      step.runId,
      step.stepId,
      step.activity,
      step.taskQueue,
      step.layer,
      s.attempt,
      s.rows.rowsRead ?? null,
      s.rows.rowsWritten ?? null,
      s.rows.metrics ?? null,
      ABANDONED,
      s.checks !== undefined,
      ...checkColumns(checks),
      lineage.map(([d]) => d),
      lineage.map(([, e]) => e.table),
      lineage.map(([, e]) => e.partition ?? null),
      lineage.map(([, e]) => e.rows ?? null),
    ],
  );
}

/**
 * Marks a failed or cancelled step. With an attempt number, that attempt; without one (the
 * workflow does not learn the last attempt of a failed activity), the latest attempt on record,
 * or a first attempt when the step never started.
 */
export async function recordAttemptFailure(
  db: Queryable,
  step: StepKey,
  failure: { status: 'failed' | 'cancelled'; error: string; attempt?: number; detail?: ErrorDetail; checks?: CheckResult[] },
): Promise<void> {
  if (failure.attempt !== undefined) {
    const { rows } = await db.query(
      `INSERT INTO ops.step_runs (pipeline_run_id, step_id, activity, task_queue, layer, attempt, status, started_at, ended_at, error, error_detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), now(), $8, $9)
       ON CONFLICT (pipeline_run_id, step_id, attempt) DO UPDATE SET
         status = EXCLUDED.status, ended_at = coalesce(ops.step_runs.ended_at, now()), error = EXCLUDED.error,
         error_detail = coalesce(EXCLUDED.error_detail, ops.step_runs.error_detail)
       RETURNING id`,
      [step.runId, step.stepId, step.activity, step.taskQueue, step.layer, failure.attempt, failure.status, failure.error, failure.detail ?? null],
    );
    await recordCheckResults(db, rows[0].id, failure.checks);
    return;
  }
  const updated = await db.query(
    `UPDATE ops.step_runs SET status = $3, ended_at = coalesce(ended_at, now()), error = coalesce(error, $4)
     WHERE id = (SELECT id FROM ops.step_runs WHERE pipeline_run_id = $1 AND step_id = $2 ORDER BY attempt DESC LIMIT 1)
       AND status IN ('running', 'failed', 'cancelled')`,
    [step.runId, step.stepId, failure.status, failure.error],
  );
  if (updated.rowCount) return;
  const exists = await db.query('SELECT 1 FROM ops.step_runs WHERE pipeline_run_id = $1 AND step_id = $2', [step.runId, step.stepId]);
  if (exists.rowCount) return; // the latest attempt succeeded: a later failure of recording is not the step's
  await recordAttemptFailure(db, step, { ...failure, attempt: failure.status === 'cancelled' ? 0 : 1 });
}

/** A step that never ran because an upstream step failed (skipped) or the run was cancelled. */
export async function recordStepNotRun(db: Queryable, step: StepKey, status: 'skipped' | 'cancelled', reason: string): Promise<void> {
  await db.query(
    `INSERT INTO ops.step_runs (pipeline_run_id, step_id, activity, task_queue, layer, attempt, status, error)
     VALUES ($1, $2, $3, $4, $5, 0, $6, $7)
     ON CONFLICT (pipeline_run_id, step_id, attempt) DO NOTHING`,
    [step.runId, step.stepId, step.activity, step.taskQueue, step.layer, status, reason],
  );
}
