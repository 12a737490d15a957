// Validation of pipeline definitions, at load time: every problem is named with the pipeline, the
// step and what to change. Pure: used by the registry, the CLI, workers and tests.
import type { Check, PipelineDefinition, StepDefinition } from './types.ts';

export class PipelineDefinitionError extends Error {
  override name = 'PipelineDefinitionError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

const ID = /^[a-z][a-z0-9_-]{0,62}$/;
const TABLE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;
const COLUMN = /^[a-z_][a-z0-9_]*$/;

/** The registered name within a few edits of a mistyped one, if there is one. */
function closest(name: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row;
    }
    return prev[b.length]!;
  };
  const best = known.map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.k : undefined;
}

function checkProblems(pipeline: string, step: StepDefinition, check: Check): string[] {
  const where = `${pipeline}.${step.id}: check ${check.kind}`;
  const problems: string[] = [];
  if (check.kind === 'sql') {
    if (!/\bfailures\b/i.test(check.query)) problems.push(`${where} "${check.name}": the query must return a column named failures`);
    return problems;
  }
  if (!(step.writes ?? []).some((w) => w.table === check.table)) {
    problems.push(`${where} is on ${check.table}, which the step does not declare in writes`);
  }
  const columns = check.kind === 'notNull' || check.kind === 'unique' ? check.columns : check.kind === 'range' ? [check.column] : [];
  for (const c of columns) if (!COLUMN.test(c)) problems.push(`${where}: "${c}" is not a column name`);
  if (check.kind === 'rowCount' && (!Number.isInteger(check.min) || check.min < 0)) problems.push(`${where}: min must be a whole number ≥ 0`);
  if (check.kind === 'range' && check.min === undefined && check.max === undefined) problems.push(`${where}: give min, max or both`);
  if (check.kind === 'predicate' && /;/.test(check.predicate)) problems.push(`${where} "${check.name}": a predicate is one expression, without ";"`);
  return problems;
}

/** The step ids in an order where every step comes after its dependencies (assumes no cycle). */
export function topologicalOrder(steps: readonly StepDefinition[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visit = (id: string) => {
    if (state.get(id) === 'done' || state.get(id) === 'visiting') return;
    state.set(id, 'visiting');
    for (const dep of byId.get(id)?.dependsOn ?? []) visit(dep);
    state.set(id, 'done');
    order.push(id);
  };
  for (const s of steps) visit(s.id);
  return order;
}

function findCycle(steps: readonly StepDefinition[]): string[] | undefined {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      if (!byId.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.id);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Returns the definition when it is valid; throws PipelineDefinitionError listing every problem.
 * `activities`, when given, are the step activities that exist (unknown ones are refused).
 */
export function validatePipeline(def: PipelineDefinition, activities?: readonly string[]): PipelineDefinition {
  const problems: string[] = [];
  const name = def.name;
  if (!ID.test(name ?? '')) problems.push(`pipeline name "${name}" must be lower-case letters, digits, "-" or "_", starting with a letter`);
  const p = def.partitioning;
  if (p?.kind === 'daily') {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: p.timezone });
    } catch {
      problems.push(`${name}: unknown time zone "${p.timezone}"`);
    }
  } else if (p?.kind !== 'keys') {
    problems.push(`${name}: partitioning must be { kind: 'daily', timezone } or { kind: 'keys' }`);
  }
  if (!def.steps?.length) problems.push(`${name}: a pipeline needs at least one step`);
  const seen = new Set<string>();
  for (const step of def.steps ?? []) {
    if (!ID.test(step.id ?? '')) problems.push(`${name}: step id "${step.id}" must be lower-case letters, digits, "-" or "_"`);
    if (seen.has(step.id)) problems.push(`${name}: duplicate step id "${step.id}"`);
    seen.add(step.id);
    if (activities && !activities.includes(step.activity)) {
      const near = closest(step.activity, activities);
      problems.push(`${name}.${step.id}: unknown activity "${step.activity}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    if (!['bronze', 'silver', 'gold'].includes(step.layer)) problems.push(`${name}.${step.id}: layer must be bronze, silver or gold`);
    if (step.queue && !['io', 'compute'].includes(step.queue)) problems.push(`${name}.${step.id}: queue must be io or compute`);
    if (step.retry?.maximumAttempts !== undefined && (!Number.isInteger(step.retry.maximumAttempts) || step.retry.maximumAttempts < 1)) {
      problems.push(`${name}.${step.id}: retry.maximumAttempts must be a whole number ≥ 1`);
    }
    for (const t of [...(step.reads ?? []), ...(step.writes ?? [])]) {
      if (!TABLE.test(t.table)) problems.push(`${name}.${step.id}: "${t.table}" is not a schema.table name`);
      if (t.partitionColumn && !COLUMN.test(t.partitionColumn)) problems.push(`${name}.${step.id}: "${t.partitionColumn}" is not a column name`);
    }
    for (const check of step.checks ?? []) problems.push(...checkProblems(name, step, check));
  }
  for (const step of def.steps ?? []) {
    for (const dep of step.dependsOn ?? []) {
      if (!seen.has(dep)) problems.push(`${name}.${step.id}: depends on unknown step "${dep}"`);
      if (dep === step.id) problems.push(`${name}.${step.id}: depends on itself`);
    }
  }
  const cycle = findCycle(def.steps ?? []);
  if (cycle && cycle.length > 2) problems.push(`${name}: dependency cycle ${cycle.join(' → ')}`);
  if (problems.length) throw new PipelineDefinitionError(problems);
  return def;
}
