// Data-quality checks on the rows a step wrote to one partition. Table and column names come from
// validated pipeline definitions (code, not user input); values travel as query parameters.
// Every check reports what it observed (a count) and its severity, passed or not.
import pg from 'pg';
import type { Check, CheckResult, TableRef } from '../pipeline/types.ts';
import { quoteQualified, type Queryable } from '../../lib/db/pool.ts';

export type { CheckResult };

function describe(check: Check): string {
  switch (check.kind) {
    case 'rowCount':
      return `rowCount(${check.table})`;
    case 'notNull':
      return `notNull(${check.table}: ${check.columns.join(', ')})`;
    case 'unique':
      return `unique(${check.table}: ${check.columns.join(', ')})`;
    case 'range':
      return `range(${check.table}.${check.column})`;
    case 'predicate':
      return `predicate(${check.table}: ${check.name})`;
    case 'sql':
      return `sql(${check.name})`;
  }
}

/** `WHERE <partition column> = $1` for a written table, or `WHERE true` when it is not partitioned. */
function partitionFilter(writes: TableRef[], table: string): string {
  const column = writes.find((w) => w.table === table)?.partitionColumn;
  return column ? `${pg.escapeIdentifier(column)} = $1` : '$1::text IS NOT NULL';
}

async function count(db: Queryable, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await db.query(sql, params);
  return Number(rows[0]?.n ?? rows[0]?.failures ?? 0);
}

export async function runCheck(db: Queryable, check: Check, partition: string, writes: TableRef[]): Promise<CheckResult> {
  const { observed, ...result } = await measure(db, check, partition, writes);
  return { ...result, observed, severity: check.severity ?? 'error' };
}

async function measure(db: Queryable, check: Check, partition: string, writes: TableRef[]): Promise<Omit<CheckResult, 'severity'>> {
  const name = describe(check);
  if (check.kind === 'sql') {
    const failures = await count(db, check.query, [partition]);
    return { check: name, passed: failures === 0, observed: failures, detail: `${failures} failures` };
  }
  const table = quoteQualified(check.table);
  const where = partitionFilter(writes, check.table);
  switch (check.kind) {
    case 'rowCount': {
      const n = await count(db, `SELECT count(*) AS n FROM ${table} WHERE ${where}`, [partition]);
      const ok = n >= check.min && (check.max === undefined || n <= check.max);
      const expected = check.max === undefined ? `≥ ${check.min}` : `${check.min}–${check.max}`;
      return { check: name, passed: ok, observed: n, detail: `${n} rows (expected ${expected})` };
    }
    case 'notNull': {
      const parts = check.columns.map((c, i) => `count(*) FILTER (WHERE ${pg.escapeIdentifier(c)} IS NULL) AS c${i}`).join(', ');
      const { rows } = await db.query(`SELECT ${parts} FROM ${table} WHERE ${where}`, [partition]);
      const nulls = check.columns.map((c, i) => [c, Number(rows[0][`c${i}`])] as const).filter(([, n]) => n > 0);
      const total = nulls.reduce((sum, [, n]) => sum + n, 0);
      return {
        check: name,
        passed: nulls.length === 0,
        observed: total,
        detail: nulls.length ? nulls.map(([c, n]) => `${n} nulls in ${c}`).join(', ') : 'no nulls',
      };
    }
    case 'unique': {
      const cols = check.columns.map((c) => pg.escapeIdentifier(c)).join(', ');
      const n = await count(db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${table} WHERE ${where} GROUP BY ${cols} HAVING count(*) > 1) d`, [partition]);
      return { check: name, passed: n === 0, observed: n, detail: n ? `${n} duplicated keys` : 'all keys unique' };
    }
    case 'range': {
      const col = pg.escapeIdentifier(check.column);
      const n = await count(
        db,
        `SELECT count(*) AS n FROM ${table} WHERE ${where} AND (($2::float8 IS NOT NULL AND ${col} < $2) OR ($3::float8 IS NOT NULL AND ${col} > $3))`,
        [partition, check.min ?? null, check.max ?? null],
      );
      return {
        check: name,
        passed: n === 0,
        observed: n,
        detail: n ? `${n} rows with ${check.column} outside [${check.min ?? '-∞'}, ${check.max ?? '∞'}]` : 'all in range',
      };
    }
    case 'predicate': {
      const n = await count(db, `SELECT count(*) AS n FROM ${table} WHERE ${where} AND NOT coalesce((${check.predicate}), false)`, [partition]);
      return { check: name, passed: n === 0, observed: n, detail: n ? `${n} rows fail "${check.predicate}"` : 'all rows pass' };
    }
  }
}

/** Every check at once (each is one read-only query; on a pool they run side by side), results in the checks' order. */
export function runChecks(db: Queryable, checks: Check[], partition: string, writes: TableRef[]): Promise<CheckResult[]> {
  return Promise.all(checks.map((check) => runCheck(db, check, partition, writes)));
}
