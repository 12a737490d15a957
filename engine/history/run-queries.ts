// Reading run history back out of ops: run listings and one run with its steps and lineage. Used by
// the CLI (and the API), so they show history without asking Temporal.
import type { Queryable } from '../../lib/db/pool.ts';

export interface RunRow {
  id: number;
  pipeline: string;
  partition: string;
  status: string;
  trigger: string;
  /** Why a late-data or triggered run started. */
  reason: string | null;
  workflowId: string;
  runId: string;
  backfillId: string | null;
  startedAt: Date;
  endedAt: Date | null;
  durationMs: number | null;
  error: string | null;
}

export interface RunFilter {
  pipeline?: string;
  status?: string;
  since?: Date;
  backfillId?: string;
  limit?: number;
  /** Keyset: only runs strictly after this (started_at, id) in newest-first order. */
  after?: { startedAt: Date; id: number };
}

const RUN_COLUMNS = `id, pipeline, partition_key, status, trigger, reason, workflow_id, run_id, backfill_id, started_at, ended_at,
  (extract(epoch FROM ended_at - started_at) * 1000)::bigint AS duration_ms, error`;

function toRun(r: Record<string, unknown>): RunRow {
  return {
    id: r.id as number,
    pipeline: r.pipeline as string,
    partition: r.partition_key as string,
    status: r.status as string,
    trigger: r.trigger as string,
    reason: (r.reason as string | null) ?? null,
    workflowId: r.workflow_id as string,
    runId: r.run_id as string,
    backfillId: r.backfill_id as string | null,
    startedAt: r.started_at as Date,
    endedAt: r.ended_at as Date | null,
    durationMs: r.duration_ms as number | null,
    error: r.error as string | null,
  };
}

export async function listRuns(db: Queryable, filter: RunFilter = {}): Promise<RunRow[]> {
  const { rows } = await db.query(
    `SELECT ${RUN_COLUMNS} FROM ops.pipeline_runs
      WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::timestamptz IS NULL OR started_at >= $3) AND ($4::text IS NULL OR backfill_id = $4)
        AND ($6::timestamptz IS NULL OR (started_at, id) < ($6, $7::bigint))
      ORDER BY started_at DESC, id DESC LIMIT $5`,
    [
      filter.pipeline ?? null,
      filter.status ?? null,
      filter.since ?? null,
      filter.backfillId ?? null,
      filter.limit ?? 50,
      filter.after?.startedAt ?? null,
      filter.after?.id ?? null,
    ],
  );
  return rows.map(toRun);
}

export interface StepRow {
  stepId: string;
  activity: string;
  layer: string | null;
  taskQueue: string;
  status: string;
  attempts: number;
  startedAt: Date | null;
  endedAt: Date | null;
  durationMs: number | null;
  rowsRead: number | null;
  rowsWritten: number | null;
  error: string | null;
  metrics: Record<string, unknown> | null;
  /** Set when a partial re-run reused this step: the run that produced it. */
  reusedFrom: number | null;
  /** Every check of the step's latest attempt, passed or not. */
  checks: { name: string; severity: 'error' | 'warn'; passed: boolean; observed: number | null; detail: string }[];
  lineage: { direction: 'read' | 'write'; table: string; partition: string | null; rows: number | null }[];
}

export interface RunDetail extends RunRow {
  params: Record<string, unknown>;
  /** A partial re-run's selection ({ fromFailure: true } or { steps: [...] }), or null for a full run. */
  selection: unknown;
  priority: number | null;
  steps: (StepRow & { dependsOn: string[] })[];
}

/** The steps a run was defined with, in definition order (including those that have not started yet). */
export async function runStepIds(db: Queryable, runId: number): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT s->>'id' AS id FROM ops.pipeline_runs r, jsonb_array_elements(r.definition->'steps') WITH ORDINALITY AS d(s, n) WHERE r.id = $1 ORDER BY n`,
    [runId],
  );
  return rows.map((r) => r.id as string);
}

/** One run by its ops id or its workflow id (the latest run of that id), with each step's latest attempt. */
export async function getRun(db: Queryable, idOrWorkflowId: string | number): Promise<RunDetail | undefined> {
  const byId = typeof idOrWorkflowId === 'number' || /^\d+$/.test(idOrWorkflowId);
  const { rows } = await db.query(
    `SELECT ${RUN_COLUMNS}, params, definition, selection, priority FROM ops.pipeline_runs WHERE ${byId ? 'id = $1::bigint' : 'workflow_id = $1'}
      ORDER BY started_at DESC, id DESC LIMIT 1`,
    [String(idOrWorkflowId)],
  );
  if (!rows[0]) return undefined;
  const run = toRun(rows[0]);
  const shape = new Map<string, string[]>(((rows[0].definition?.steps ?? []) as { id: string; dependsOn: string[] }[]).map((s) => [s.id, s.dependsOn]));
  const steps = await db.query(
    `SELECT DISTINCT ON (s.step_id) s.id, s.step_id, s.activity, s.layer, s.task_queue, s.status, s.started_at, s.ended_at,
            (extract(epoch FROM s.ended_at - s.started_at) * 1000)::bigint AS duration_ms, s.rows_read, s.rows_written, s.error, s.metrics, s.reused_from,
            (SELECT count(*) FROM ops.step_runs a WHERE a.pipeline_run_id = s.pipeline_run_id AND a.step_id = s.step_id AND a.attempt > 0)::int AS attempts
       FROM ops.step_runs s WHERE s.pipeline_run_id = $1
      ORDER BY s.step_id, s.attempt DESC`,
    [run.id],
  );
  const checks = await db.query(
    `SELECT step_run_id, name, severity, passed, observed, detail FROM ops.check_results WHERE step_run_id = ANY($1::bigint[]) ORDER BY step_run_id, position`,
    [steps.rows.map((s) => s.id as number)],
  );
  const lineage = await db.query(
    `SELECT l.step_run_id, l.direction, l.table_name, l.partition_key, l.rows FROM ops.lineage l
       JOIN ops.step_runs s ON s.id = l.step_run_id WHERE s.pipeline_run_id = $1 ORDER BY l.direction, l.table_name`,
    [run.id],
  );
  return {
    ...run,
    params: rows[0].params,
    selection: rows[0].selection ?? null,
    priority: rows[0].priority ?? null,
    steps: steps.rows
      .map((s) => ({
        stepId: s.step_id,
        activity: s.activity,
        layer: s.layer,
        taskQueue: s.task_queue,
        status: s.status,
        attempts: s.attempts,
        startedAt: s.started_at,
        endedAt: s.ended_at,
        durationMs: s.duration_ms,
        rowsRead: s.rows_read,
        rowsWritten: s.rows_written,
        error: s.error,
        metrics: s.metrics,
        reusedFrom: s.reused_from ?? null,
        checks: checks.rows
          .filter((c) => c.step_run_id === s.id)
          .map((c) => ({ name: c.name, severity: c.severity, passed: c.passed, observed: c.observed, detail: c.detail })),
        dependsOn: shape.get(s.step_id) ?? [],
        lineage: lineage.rows
          .filter((l) => l.step_run_id === s.id)
          .map((l) => ({ direction: l.direction, table: l.table_name, partition: l.partition_key, rows: l.rows })),
      }))
      .sort((a, b) => (a.startedAt?.getTime() ?? Infinity) - (b.startedAt?.getTime() ?? Infinity) || a.stepId.localeCompare(b.stepId)),
  };
}

/** Of the given partitions, those whose latest run is missing, failed or cancelled. */
export async function partitionsToRedo(db: Queryable, pipeline: string, partitions: string[]): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (partition_key) partition_key, status
       FROM ops.pipeline_runs WHERE pipeline = $1 AND partition_key = ANY($2)
      ORDER BY partition_key, started_at DESC, id DESC`,
    [pipeline, partitions],
  );
  const latest = new Map(rows.map((r) => [r.partition_key as string, r.status as string]));
  return partitions.filter((p) => !latest.has(p) || latest.get(p) === 'failed' || latest.get(p) === 'cancelled');
}

export interface BackfillRow {
  id: string;
  pipeline: string;
  range: unknown;
  partitions: number;
  concurrency: number;
  mode: string;
  status: string;
  startedAt: Date;
  endedAt: Date | null;
  /** Counted from the runs this backfill started (latest run per partition). */
  runs: Record<'running' | 'succeeded' | 'failed' | 'cancelled', number>;
  failures: { partition: string; error: string | null }[];
}

export async function getBackfill(db: Queryable, id: string): Promise<BackfillRow | undefined> {
  const { rows } = await db.query('SELECT * FROM ops.backfills WHERE id = $1', [id]);
  const b = rows[0];
  if (!b) return undefined;
  const { rows: latest } = await db.query(
    `SELECT DISTINCT ON (partition_key) partition_key, status, error FROM ops.pipeline_runs
      WHERE backfill_id = $1 ORDER BY partition_key, started_at DESC, id DESC`,
    [id],
  );
  const runs = { running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const r of latest) runs[r.status as keyof typeof runs]++;
  return {
    id: b.id,
    pipeline: b.pipeline,
    range: b.range,
    partitions: b.partitions,
    concurrency: b.concurrency,
    mode: b.mode,
    status: b.status,
    startedAt: b.started_at,
    endedAt: b.ended_at,
    runs,
    failures: latest
      .filter((r) => r.status === 'failed')
      .slice(0, 100)
      .map((r) => ({ partition: r.partition_key, error: r.error })),
  };
}

/** The latest run of each pipeline. */
export async function lastRuns(db: Queryable): Promise<Map<string, RunRow>> {
  const { rows } = await db.query(`SELECT DISTINCT ON (pipeline) ${RUN_COLUMNS} FROM ops.pipeline_runs ORDER BY pipeline, started_at DESC, id DESC`);
  return new Map(rows.map((r) => [r.pipeline as string, toRun(r)]));
}
