// Where PostgreSQL's time goes, by statement: pg_stat_statements (preloaded in the bench's server)
// summed into what the steps' own SQL did, the data-quality checks, Refinery's bookkeeping in ops,
// and transaction control. Times are the server's execution plus planning time (wall time inside a
// backend: on a busy machine it includes waiting for a core; a COPY's includes waiting for the rows).
import type { Queryable } from '../../lib/db/pool.ts';

/** Server settings that make pg_stat_statements count every statement, planning included. */
export const statementStatsSettings = {
  shared_preload_libraries: 'pg_stat_statements',
  // Top-level statements only: a nested one (a foreign key's check) is inside its statement's time already.
  'pg_stat_statements.track': 'top',
  'pg_stat_statements.track_planning': 'on',
  'pg_stat_statements.max': '5000',
};

export type StatementKind = 'step SQL' | 'checks' | 'bookkeeping' | 'transactions' | 'other';
export const statementKinds: StatementKind[] = ['step SQL', 'checks', 'bookkeeping', 'transactions', 'other'];

export interface StatementStat {
  query: string;
  calls: number;
  /** Execution + planning, ms. */
  ms: number;
}

/**
 * What a statement is for, from its text. Bookkeeping touches ops.*; checks are the check runner's
 * counts (engine/checks/run-checks.ts) and a pipeline's `sql` checks (their `failures` column);
 * step SQL reads or writes bronze/silver/gold, with the COPY writer's partition lock.
 */
export function statementKind(query: string): StatementKind {
  const q = query.trim();
  if (/^(BEGIN|COMMIT|ROLLBACK|START TRANSACTION)\b/i.test(q)) return 'transactions';
  if (/(?<!\w)"?ops"?\./.test(q)) return 'bookkeeping';
  if (/^SELECT count\(\*\) (AS (n FROM|c0\b)|FILTER)/.test(q) || /\bAS failures\b/.test(q)) return 'checks';
  if (/(?<!\w)"?(bronze|silver|gold)"?\./.test(q) || /pg_advisory_xact_lock/.test(q)) return 'step SQL';
  return 'other';
}

export async function enableStatementStats(owner: Queryable): Promise<void> {
  await owner.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

export async function resetStatementStats(owner: Queryable): Promise<void> {
  await owner.query('SELECT pg_stat_statements_reset()');
}

/** The statements of this database since the last reset (the reading's own query left out). */
export async function readStatementStats(owner: Queryable): Promise<StatementStat[]> {
  const { rows } = await owner.query<{ query: string; calls: string; ms: number }>(
    `SELECT query, calls, total_exec_time + total_plan_time AS ms FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query NOT LIKE '%pg_stat_statements%'`,
  );
  return rows.map((r) => ({ query: r.query, calls: Number(r.calls), ms: Number(r.ms) }));
}

export interface StatementSplit {
  /** Per kind: statement ms and calls, divided by `per` (e.g. partitions). */
  byKind: Record<StatementKind, { ms: number; calls: number }>;
  /** The costliest statements, per `per`, for the printout. */
  top: (StatementStat & { kind: StatementKind })[];
}

export function splitStatements(stats: StatementStat[], per: number): StatementSplit {
  const byKind = Object.fromEntries(statementKinds.map((k) => [k, { ms: 0, calls: 0 }])) as StatementSplit['byKind'];
  const all = stats.map((s) => ({ ...s, kind: statementKind(s.query), ms: s.ms / per, calls: s.calls / per }));
  for (const s of all) {
    byKind[s.kind].ms += s.ms;
    byKind[s.kind].calls += s.calls;
  }
  return { byKind, top: all.sort((a, b) => b.ms - a.ms).slice(0, 25) };
}

/** "step SQL 60.1 ms (9.0 statements), checks …" */
export function describeSplit(split: StatementSplit): string {
  return statementKinds.map((k) => `${k} ${split.byKind[k].ms.toFixed(1)} ms (${split.byKind[k].calls.toFixed(1)} statements)`).join(', ');
}
