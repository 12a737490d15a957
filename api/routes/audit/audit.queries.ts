// The audit log's SQL: one page of entries, newest first.
import sql from 'sql-template-tag';
import type { Queryable } from '../../../lib/db/pool.ts';

export interface AuditRow {
  id: number;
  at: Date;
  keyId: string;
  role: string;
  action: string;
  target: string;
  status: number;
  requestId: string;
}

export async function auditEntries(db: Queryable, q: { key?: string; role?: string; since?: string; before?: number; limit: number }): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(sql`
    SELECT id, at, key_id AS "keyId", role, action, target, status, request_id AS "requestId" FROM audit.api_writes
     WHERE (${q.key ?? null}::text IS NULL OR key_id = ${q.key ?? null}) AND (${q.role ?? null}::text IS NULL OR role = ${q.role ?? null})
       AND (${q.since ?? null}::timestamptz IS NULL OR at >= ${q.since ?? null}) AND (${q.before ?? null}::bigint IS NULL OR id < ${q.before ?? null})
     ORDER BY id DESC LIMIT ${q.limit}`);
  return rows;
}
