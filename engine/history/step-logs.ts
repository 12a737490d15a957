// Step logs in ops: appending an attempt's lines (and dropping those outside its kept window), and
// reading them back per attempt for the CLI, the API and the dashboard.
import type { Queryable } from '../../lib/db/pool.ts';

export interface LogLine {
  seq: number;
  at: Date;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  message: string;
  fields?: Record<string, unknown>;
}

/** One attempt of one step of one run (ops.pipeline_runs.id, step id, attempt number). */
export interface AttemptKey {
  runId: number;
  stepId: string;
  attempt: number;
}

/**
 * Adds lines to an attempt's log and deletes lines before `firstKept`, in one statement. The
 * attempt's row is found by its key, so this works even when the runner never learned its id.
 */
export async function appendStepLog(db: Queryable, key: AttemptKey, lines: LogLine[], firstKept: number): Promise<void> {
  await db.query(
    `WITH attempt AS (SELECT id FROM ops.step_runs WHERE pipeline_run_id = $1 AND step_id = $2 AND attempt = $3),
          dropped AS (DELETE FROM ops.step_logs WHERE step_run_id = (SELECT id FROM attempt) AND seq < $4)
     INSERT INTO ops.step_logs (step_run_id, seq, at, level, message, fields)
     SELECT (SELECT id FROM attempt), l.seq, l.at, l.level, l.message, l.fields
       FROM unnest($5::int[], $6::timestamptz[], $7::text[], $8::text[], $9::jsonb[]) AS l(seq, at, level, message, fields)
      WHERE EXISTS (SELECT 1 FROM attempt)
     ON CONFLICT (step_run_id, seq) DO NOTHING`,
    [
      key.runId,
      key.stepId,
      key.attempt,
      firstKept,
      lines.map((l) => l.seq),
      lines.map((l) => l.at),
      lines.map((l) => l.level),
      lines.map((l) => l.message),
      lines.map((l) => (l.fields ? JSON.stringify(l.fields) : null)),
    ],
  );
}

export interface ErrorDetail {
  type: string;
  message: string;
  stack?: string;
  causes: { type: string; message: string; stack?: string }[];
}

export interface AttemptLogs {
  attempt: number;
  status: string;
  startedAt: Date | null;
  endedAt: Date | null;
  /** Lines dropped from the start of this attempt's log to keep it within its bounds. */
  dropped: number;
  error: ErrorDetail | null;
  lines: LogLine[];
}

/**
 * The logs of a step in a run, one entry per attempt (or only `attempt`), each with lines after
 * `afterSeq` (for following), at most `limit` lines per attempt (the newest).
 */
export async function readStepLogs(
  db: Queryable,
  runId: number,
  stepId: string,
  options: { attempt?: number; afterSeq?: number; limit?: number } = {},
): Promise<AttemptLogs[]> {
  const { rows: attempts } = await db.query(
    `SELECT s.id, s.attempt, s.status, s.started_at, s.ended_at, s.error, s.error_detail,
            coalesce((SELECT min(seq) - 1 FROM ops.step_logs l WHERE l.step_run_id = s.id), 0)::int AS dropped
       FROM ops.step_runs s WHERE s.pipeline_run_id = $1 AND s.step_id = $2 AND s.attempt > 0 AND ($3::int IS NULL OR s.attempt = $3)
      ORDER BY s.attempt`,
    [runId, stepId, options.attempt ?? null],
  );
  if (!attempts.length) return [];
  const { rows: lines } = await db.query(
    `SELECT step_run_id, seq, at, level, message, fields FROM (
        SELECT l.*, row_number() OVER (PARTITION BY step_run_id ORDER BY seq DESC) AS newest
          FROM ops.step_logs l WHERE l.step_run_id = ANY($1) AND l.seq > $2) t
      WHERE newest <= $3 ORDER BY step_run_id, seq`,
    [attempts.map((a) => a.id as number), options.afterSeq ?? 0, options.limit ?? 2000],
  );
  return attempts.map((a) => ({
    attempt: a.attempt as number,
    status: a.status as string,
    startedAt: a.started_at as Date | null,
    endedAt: a.ended_at as Date | null,
    dropped: a.dropped as number,
    error: (a.error_detail as ErrorDetail | null) ?? (a.error && a.status !== 'running' ? { type: 'Error', message: a.error as string, causes: [] } : null),
    lines: lines
      .filter((l) => l.step_run_id === a.id)
      .map((l) => ({
        seq: l.seq as number,
        at: l.at as Date,
        level: l.level as LogLine['level'],
        message: l.message as string,
        fields: l.fields ?? undefined,
      })),
  }));
}
