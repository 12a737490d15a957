// One source of truth for what a step touched: the definition declares its tables, the step reports
// rows per table, and this checks one against the other and derives the totals and the lineage
// recorded in ops. A table the step did not declare is refused with the step, table and declaration.
import type { LineageEntry, RowsByTable, StepResult, StepRows, TableRef } from './types.ts';

export class UndeclaredTableError extends Error {
  override name = 'UndeclaredTableError';
}

export interface StepDeclaration {
  stepId: string;
  partition: string;
  reads: TableRef[];
  writes: TableRef[];
}

const verbs = { reads: ['read', 'reads'], writes: ['wrote', 'writes'] } as const;

function direction(
  step: StepDeclaration,
  which: 'reads' | 'writes',
  rows: RowsByTable | undefined,
  entries: LineageEntry[] | undefined,
): { lineage: LineageEntry[]; total?: number; problems: string[] } {
  const declared = step[which];
  const names = new Set(declared.map((t) => t.table));
  const problems: string[] = [];
  const [verb, field] = verbs[which];
  const undeclared = [...new Set([...Object.keys(rows ?? {}), ...(entries ?? []).map((e) => e.table)])].filter((t) => !names.has(t));
  for (const table of undeclared) {
    const list = declared.length ? declared.map((t) => t.table).join(', ') : 'none';
    problems.push(`step "${step.stepId}" ${verb} ${table}, which is not in its ${field} (declared: ${list}); declare it in the pipeline definition`);
  }
  for (const [table, n] of Object.entries(rows ?? {})) {
    if (!Number.isFinite(n) || n < 0) problems.push(`step "${step.stepId}" reported ${n} rows for ${table}; expected a count ≥ 0`);
  }
  // The tables the step reported in this direction, or, when it reported none, every declared one.
  const reported = new Set([...Object.keys(rows ?? {}), ...(entries ?? []).map((e) => e.table)]);
  const listed = reported.size ? declared.filter((t) => reported.has(t.table)) : declared;
  const lineage = listed.flatMap((t): LineageEntry[] => {
    const own = (entries ?? []).filter((e) => e.table === t.table);
    const counted = rows?.[t.table];
    if (own.length) return own.map((e) => ({ ...e, rows: e.rows ?? (own.length === 1 ? counted : undefined) }));
    return [{ table: t.table, partition: t.partitionColumn ? step.partition : null, rows: counted }];
  });
  const counts = Object.values(rows ?? {});
  return { lineage, total: counts.length ? counts.reduce((a, b) => a + b, 0) : undefined, problems };
}

/** The step's totals and lineage; throws UndeclaredTableError when it reports a table it did not declare. */
export function resolveStepRows(step: StepDeclaration, result: StepResult): StepRows {
  const reads = direction(step, 'reads', result.read, result.partitions?.reads);
  const writes = direction(step, 'writes', result.written, result.partitions?.writes);
  const problems = [...reads.problems, ...writes.problems];
  if (problems.length) throw new UndeclaredTableError(problems.join('; '));
  return {
    ...(reads.total === undefined ? {} : { rowsRead: reads.total }),
    ...(writes.total === undefined ? {} : { rowsWritten: writes.total }),
    lineage: { reads: reads.lineage, writes: writes.lineage },
    ...(result.metrics ? { metrics: result.metrics } : {}),
  };
}
