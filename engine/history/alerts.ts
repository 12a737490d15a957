// Deadline and freshness alerts in ops: raised once (the id says what it is about), open until the
// partition succeeds or fresher data lands, listed by the API and CLI while open.
import type { Queryable } from '../../lib/db/pool.ts';

export interface Alert {
  id: string;
  kind: 'deadline' | 'freshness';
  pipeline: string;
  partition: string | null;
  dueAt: Date;
  raisedAt: Date;
  resolvedAt: Date | null;
  detail: string;
}

/** Inserts the alert unless it was raised before; true when this call raised it. */
export async function raiseAlert(db: Queryable, a: Omit<Alert, 'raisedAt' | 'resolvedAt'>): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO ops.alerts (id, kind, pipeline, partition_key, due_at, detail) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [a.id, a.kind, a.pipeline, a.partition, a.dueAt, a.detail],
  );
  return Boolean(rowCount);
}

/**
 * A succeeded run meets its partition's deadline, and any freshness alert about older data (for
 * daily partitions, a partition at least as new; for keyed ones, any success is new data). The
 * statement, with its parameters' placeholders (pipeline, partition, daily) named by the caller
 * (recordRunEnd, in the statement that ends the run).
 */
export const resolveAlertsSql = (pipeline: string, partition: string, daily: string) => `
  UPDATE ops.alerts SET resolved_at = now()
   WHERE pipeline = ${pipeline} AND resolved_at IS NULL
     AND ((kind = 'deadline' AND partition_key = ${partition}) OR (kind = 'freshness' AND (NOT ${daily} OR partition_key IS NULL OR partition_key <= ${partition})))`;

export async function listAlerts(db: Queryable, filter: { pipeline?: string; open?: boolean; limit?: number } = {}): Promise<Alert[]> {
  const { rows } = await db.query(
    `SELECT * FROM ops.alerts WHERE ($1::text IS NULL OR pipeline = $1) AND (NOT $2 OR resolved_at IS NULL)
      ORDER BY raised_at DESC, id LIMIT $3`,
    [filter.pipeline ?? null, filter.open ?? true, filter.limit ?? 100],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    pipeline: r.pipeline,
    partition: r.partition_key,
    dueAt: r.due_at,
    raisedAt: r.raised_at,
    resolvedAt: r.resolved_at,
    detail: r.detail,
  }));
}

/** Whether a partition has a succeeded run. */
export async function partitionSucceeded(db: Queryable, pipeline: string, partition: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM ops.pipeline_runs WHERE pipeline = $1 AND partition_key = $2 AND status = 'succeeded' LIMIT 1`, [
    pipeline,
    partition,
  ]);
  return Boolean(rowCount);
}

/** The newest partition with a succeeded run (daily keys sort by date), and when that run ended. */
export async function newestSuccess(db: Queryable, pipeline: string, byKeyOrder: boolean): Promise<{ partition: string; endedAt: Date } | undefined> {
  const { rows } = await db.query(
    `SELECT partition_key, ended_at FROM ops.pipeline_runs WHERE pipeline = $1 AND status = 'succeeded'
      ORDER BY ${byKeyOrder ? 'partition_key DESC, ended_at DESC' : 'ended_at DESC'} LIMIT 1`,
    [pipeline],
  );
  return rows[0] ? { partition: rows[0].partition_key, endedAt: rows[0].ended_at } : undefined;
}
