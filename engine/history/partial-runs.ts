// What partial re-runs read and write in ops: a partition's history (its last run's step statuses,
// each step's latest success), and the record of the steps a run reused: a 'reused' step row
// pointing at the run that produced it, with that run's rows, metrics and lineage copied, so the
// new run's history and lineage read as if the step had run.
import { planSteps, RerunError, selectedSteps, type PartitionHistory, type PipelineShape, type Selection, type StepPlan } from '../pipeline/rerun.ts';
import type { Queryable } from '../../lib/db/pool.ts';

/** The history of a partition before run `beforeRunId` (or all of it). */
export async function partitionHistory(db: Queryable, pipeline: string, partition: string, beforeRunId?: number): Promise<PartitionHistory> {
  const { rows: last } = await db.query(
    `SELECT r.id, r.status,
            (SELECT jsonb_object_agg(step_id, status) FROM (
               SELECT DISTINCT ON (step_id) step_id, status FROM ops.step_runs WHERE pipeline_run_id = r.id ORDER BY step_id, attempt DESC) s) AS steps
       FROM ops.pipeline_runs r
      WHERE r.pipeline = $1 AND r.partition_key = $2 AND ($3::bigint IS NULL OR r.id < $3)
      ORDER BY r.started_at DESC, r.id DESC LIMIT 1`,
    [pipeline, partition, beforeRunId ?? null],
  );
  const { rows: successes } = await db.query(
    `SELECT DISTINCT ON (s.step_id) s.step_id, r.id AS run_id
       FROM ops.pipeline_runs r JOIN ops.step_runs s ON s.pipeline_run_id = r.id AND s.status = 'succeeded'
      WHERE r.pipeline = $1 AND r.partition_key = $2 AND ($3::bigint IS NULL OR r.id < $3)
      ORDER BY s.step_id, r.started_at DESC, r.id DESC`,
    [pipeline, partition, beforeRunId ?? null],
  );
  return {
    lastRun: last[0] ? { id: last[0].id, status: last[0].status, steps: last[0].steps ?? {} } : undefined,
    lastSuccess: Object.fromEntries(successes.map((s) => [s.step_id as string, s.run_id as number])),
  };
}

/** Records that run `runId` reused step `stepId` from run `fromRunId` (idempotent). */
export async function recordReusedStep(db: Queryable, runId: number, stepId: string, fromRunId: number): Promise<void> {
  const { rows } = await db.query(
    `INSERT INTO ops.step_runs (pipeline_run_id, step_id, activity, task_queue, layer, attempt, status, started_at, ended_at,
                                rows_read, rows_written, metrics, reused_from)
     SELECT $1, s.step_id, s.activity, s.task_queue, s.layer, 0, 'reused', s.started_at, s.ended_at, s.rows_read, s.rows_written, s.metrics, $3
       FROM ops.step_runs s WHERE s.pipeline_run_id = $3 AND s.step_id = $2 AND s.status = 'succeeded'
      ORDER BY s.attempt DESC LIMIT 1
     ON CONFLICT (pipeline_run_id, step_id, attempt) DO NOTHING
     RETURNING id`,
    [runId, stepId, fromRunId],
  );
  if (!rows[0]) return;
  await db.query(
    `INSERT INTO ops.lineage (step_run_id, direction, table_name, partition_key, rows)
     SELECT $1, l.direction, l.table_name, l.partition_key, l.rows FROM ops.lineage l
      WHERE l.step_run_id = (SELECT id FROM ops.step_runs WHERE pipeline_run_id = $3 AND step_id = $2 AND status = 'succeeded' ORDER BY attempt DESC LIMIT 1)
     ON CONFLICT DO NOTHING`,
    [rows[0].id, stepId, fromRunId],
  );
}

/**
 * Plans a partial run of each partition before anything starts; throws RerunError with one line
 * naming the first partitions that cannot run and why.
 */
export async function planPartialRuns(db: Queryable, pipeline: PipelineShape, partitions: string[], selection: Selection): Promise<Map<string, StepPlan>> {
  if ('steps' in selection) selectedSteps(pipeline, selection.steps); // an unknown step is one line, not one per partition
  const plans = new Map<string, StepPlan>();
  const problems: string[] = [];
  for (const partition of partitions) {
    try {
      plans.set(partition, planSteps(pipeline, partition, selection, await partitionHistory(db, pipeline.name, partition)));
    } catch (e) {
      if (!(e instanceof RerunError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length === 1) throw new RerunError(problems[0]!);
  if (problems.length) {
    throw new RerunError(
      `${problems.length} of ${partitions.length} partitions cannot run: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`,
    );
  }
  return plans;
}
