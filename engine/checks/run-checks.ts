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

/** Checks that count rows of one table's partition: several of them on one table share one scan. */
type Counting = Extract<Check, { kind: 'rowCount' | 'notNull' | 'range' | 'predicate' }>;
const counting = (c: Check): c is Counting => c.kind === 'rowCount' || c.kind === 'notNull' || c.kind === 'range' || c.kind === 'predicate';

export async function runCheck(db: Queryable, check: Check, partition: string, writes: TableRef[]): Promise<CheckResult> {
  if (counting(check)) return (await runCountingChecks(db, [check], partition, writes))[0]!;
  const { observed, ...result } = await measure(db, check, partition, writes);
  return { ...result, observed, severity: check.severity ?? 'error' };
}

/** The checks that are a query of their own: a `sql` check, and `unique` (a grouping). */
async function measure(db: Queryable, check: Exclude<Check, Counting>, partition: string, writes: TableRef[]): Promise<Omit<CheckResult, 'severity'>> {
  const name = describe(check);
  if (check.kind === 'sql') {
    const failures = await count(db, check.query, [partition]);
    return { check: name, passed: failures === 0, observed: failures, detail: `${failures} failures` };
  }
  const cols = check.columns.map((c) => pg.escapeIdentifier(c)).join(', ');
  const where = partitionFilter(writes, check.table);
  const n = await count(db, `SELECT count(*) AS n FROM (SELECT 1 FROM ${quoteQualified(check.table)} WHERE ${where} GROUP BY ${cols} HAVING count(*) > 1) d`, [
    partition,
  ]);
  return { check: name, passed: n === 0, observed: n, detail: n ? `${n} duplicated keys` : 'all keys unique' };
}

/**
 * The counting checks of one table in one query: each check's counts are FILTERed aggregates of
 * the same scan of the partition, and each result is what `runCheck` would have found on its own.
 */
async function runCountingChecks(db: Queryable, checks: Counting[], partition: string, writes: TableRef[]): Promise<CheckResult[]> {
  const params: unknown[] = [partition];
  const param = (v: unknown) => `$${params.push(v)}`;
  const columns: string[] = [];
  const column = (sql: string) => `c${columns.push(sql) - 1}`;
  type Read = (n: (column: string) => number) => Omit<CheckResult, 'severity'>;
  const readers = checks.map((check): Read => {
    const name = describe(check);
    switch (check.kind) {
      case 'rowCount': {
        const c = column('count(*)');
        const expected = check.max === undefined ? `≥ ${check.min}` : `${check.min}–${check.max}`;
        return (n) => ({
          check: name,
          passed: n(c) >= check.min && (check.max === undefined || n(c) <= check.max),
          observed: n(c),
          detail: `${n(c)} rows (expected ${expected})`,
        });
      }
      case 'notNull': {
        const cs = check.columns.map((col) => column(`count(*) FILTER (WHERE ${pg.escapeIdentifier(col)} IS NULL)`));
        return (n) => {
          const nulls = check.columns.map((col, i) => [col, n(cs[i]!)] as const).filter(([, k]) => k > 0);
          return {
            check: name,
            passed: nulls.length === 0,
            observed: nulls.reduce((sum, [, k]) => sum + k, 0),
            detail: nulls.length ? nulls.map(([col, k]) => `${k} nulls in ${col}`).join(', ') : 'no nulls',
          };
        };
      }
      case 'range': {
        const col = pg.escapeIdentifier(check.column);
        const [min, max] = [param(check.min ?? null), param(check.max ?? null)];
        const c = column(`count(*) FILTER (WHERE (${min}::float8 IS NOT NULL AND ${col} < ${min}) OR (${max}::float8 IS NOT NULL AND ${col} > ${max}))`);
        const bounds = `[${check.min ?? '-∞'}, ${check.max ?? '∞'}]`;
        return (n) => ({
          check: name,
          passed: n(c) === 0,
          observed: n(c),
          detail: n(c) ? `${n(c)} rows with ${check.column} outside ${bounds}` : 'all in range',
        });
      }
      case 'predicate': {
        const c = column(`count(*) FILTER (WHERE NOT coalesce((${check.predicate}), false))`);
        return (n) => ({ check: name, passed: n(c) === 0, observed: n(c), detail: n(c) ? `${n(c)} rows fail "${check.predicate}"` : 'all rows pass' });
      }
    }
  });
  const table = checks[0]!.table;
  const { rows } = await db.query(
    `SELECT ${columns.map((sql, i) => `${sql} AS c${i}`).join(', ')} FROM ${quoteQualified(table)} WHERE ${partitionFilter(writes, table)}`,
    params,
  );
  const row = (rows[0] ?? {}) as Record<string, unknown>;
  return readers.map((read, i) => ({ ...read((c) => Number(row[c] ?? 0)), severity: checks[i]!.severity ?? 'error' }));
}

/**
 * Every check at once, results in the checks' order. Counting checks of one table share one query
 * (one scan of the partition); the others (unique, sql) are a query each. The queries run side by
 * side on a pool.
 */
export async function runChecks(db: Queryable, checks: Check[], partition: string, writes: TableRef[]): Promise<CheckResult[]> {
  const byTable = new Map<string, Counting[]>();
  for (const c of checks) if (counting(c)) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const shared = new Map<Check, Promise<CheckResult>>();
  for (const group of byTable.values()) {
    if (group.length < 2) continue;
    const results = runCountingChecks(db, group, partition, writes);
    group.forEach((c, i) =>
      shared.set(
        c,
        results.then((r) => r[i]!),
      ),
    );
  }
  return Promise.all(checks.map((check) => shared.get(check) ?? runCheck(db, check, partition, writes)));
}
