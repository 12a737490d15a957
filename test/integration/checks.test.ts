// Data-quality checks on the real database: the counting checks of one table share one query (one
// scan of the partition) and each reports what it would have on its own; unique and sql checks are
// their own queries; results come back in the checks' order, other partitions never counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck, runChecks } from '../../engine/checks/run-checks.ts';
import type { Check, TableRef } from '../../engine/pipeline/types.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.pools.owner.query(`
    CREATE TABLE public.readings (day date, id int, source text, value float8);
    INSERT INTO public.readings VALUES
      ('2026-01-01', 1, 'a', 1), ('2026-01-01', 2, NULL, 150), ('2026-01-01', 2, 'b', -120), ('2026-01-01', 3, 'c\td', NULL),
      ('2026-01-02', 9, NULL, 999), ('2026-01-02', 9, NULL, 999);
    CREATE TABLE public.totals (day date, n int);
    INSERT INTO public.totals VALUES ('2026-01-01', 4), ('2026-01-02', 2);`);
});
afterAll(() => stack?.close());

const writes: TableRef[] = [
  { table: 'public.readings', partitionColumn: 'day' },
  { table: 'public.totals', partitionColumn: 'day' },
];
const checks: Check[] = [
  { kind: 'rowCount', table: 'public.readings', min: 1, max: 3 },
  { kind: 'unique', table: 'public.readings', columns: ['id'] },
  { kind: 'notNull', table: 'public.readings', columns: ['source', 'value'] },
  { kind: 'rowCount', table: 'public.totals', min: 1 },
  { kind: 'range', table: 'public.readings', column: 'value', min: -100, max: 100, severity: 'warn' },
  { kind: 'predicate', table: 'public.readings', name: 'single-line source', predicate: "source !~ '[\\t\\n\\r]'" },
  { kind: 'sql', name: 'totals agree', query: 'SELECT count(*) AS failures FROM public.totals t WHERE t.day = $1::date AND t.n <> 4' },
];

describe('data-quality checks', () => {
  it('reports each check of a shared scan as it would alone, in order, counting only the partition', async () => {
    const together = await runChecks(stack.pools.owner, checks, '2026-01-01', writes);
    expect(together).toEqual([
      { check: 'rowCount(public.readings)', severity: 'error', passed: false, observed: 4, detail: '4 rows (expected 1–3)' },
      { check: 'unique(public.readings: id)', severity: 'error', passed: false, observed: 1, detail: '1 duplicated keys' },
      { check: 'notNull(public.readings: source, value)', severity: 'error', passed: false, observed: 2, detail: '1 nulls in source, 1 nulls in value' },
      { check: 'rowCount(public.totals)', severity: 'error', passed: true, observed: 1, detail: '1 rows (expected ≥ 1)' },
      { check: 'range(public.readings.value)', severity: 'warn', passed: false, observed: 2, detail: '2 rows with value outside [-100, 100]' },
      // A null source fails the predicate (coalesce to false), as does the tab.
      {
        check: 'predicate(public.readings: single-line source)',
        severity: 'error',
        passed: false,
        observed: 2,
        detail: `2 rows fail "source !~ '[\\t\\n\\r]'"`,
      },
      { check: 'sql(totals agree)', severity: 'error', passed: true, observed: 0, detail: '0 failures' },
    ]);
    const alone = await Promise.all(checks.map((c) => runCheck(stack.pools.owner, c, '2026-01-01', writes)));
    expect(alone).toEqual(together);
  });

  it('passes on a clean partition and still counts each check separately', async () => {
    await stack.pools.owner.query(`INSERT INTO public.readings VALUES ('2026-01-03', 1, 'x', 5), ('2026-01-03', 2, 'y', 6)`);
    const results = await runChecks(stack.pools.owner, checks.slice(0, 3).concat(checks[4]!, checks[5]!), '2026-01-03', writes);
    expect(results.map((r) => [r.check, r.passed, r.observed])).toEqual([
      ['rowCount(public.readings)', true, 2],
      ['unique(public.readings: id)', true, 0],
      ['notNull(public.readings: source, value)', true, 0],
      ['range(public.readings.value)', true, 0],
      ['predicate(public.readings: single-line source)', true, 0],
    ]);
  });
});
