// Validation of pipeline definitions, at load time: every problem is named with the pipeline, the
// step and what to change. Pure: used by the registry, the CLI, workers and tests.
import { DeadlineError, parseDeadline, parseMaxAge } from './deadlines.ts';
import { durationMs } from './durations.ts';
import type { Check, Duration, PipelineDefinition, StepDefinition } from './types.ts';

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
  if (check.severity !== undefined && check.severity !== 'error' && check.severity !== 'warn') {
    problems.push(`${where}: severity must be error or warn (got "${String(check.severity)}")`);
  }
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

/** Deadline, freshness and notification targets. */
function operatingProblems(def: PipelineDefinition): string[] {
  const problems: string[] = [];
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof DeadlineError) problems.push(`${def.name}: ${e.message}`);
      else throw e;
    }
  };
  if (def.deadline !== undefined) {
    if (def.partitioning?.kind !== 'daily') problems.push(`${def.name}: a deadline needs daily partitions (keyed partitions have no day)`);
    attempt(() => parseDeadline(def.deadline!));
  }
  if (def.freshness !== undefined) attempt(() => parseMaxAge(def.freshness!.maxAge));
  for (const target of def.notify ?? []) {
    if (!ID.test(target)) problems.push(`${def.name}: notify target "${target}" must be lower-case letters, digits, "-" or "_"`);
  }
  return problems;
}

/** Steps naming one pool must agree on its slots; returns each pool's slots. */
export function poolsOf(pipelines: readonly PipelineDefinition[]): { pools: Map<string, number>; problems: string[] } {
  const pools = new Map<string, { slots: number; where: string }>();
  const problems: string[] = [];
  for (const p of pipelines) {
    for (const s of p.steps) {
      if (!s.pool) continue;
      const seen = pools.get(s.pool.name);
      if (seen && seen.slots !== s.pool.slots) {
        problems.push(`pool ${s.pool.name}: ${p.name}.${s.id} gives ${s.pool.slots} slots but ${seen.where} gives ${seen.slots}`);
      } else if (!seen) pools.set(s.pool.name, { slots: s.pool.slots, where: `${p.name}.${s.id}` });
    }
  }
  return { pools: new Map([...pools].map(([k, v]) => [k, v.slots])), problems };
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
  if (p?.kind === 'daily' || p?.kind === 'weekly') {
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: p.timezone });
    } catch {
      problems.push(`${name}: unknown time zone "${p.timezone}"`);
    }
  } else if (p?.kind !== 'keys') {
    problems.push(`${name}: partitioning must be { kind: 'daily' | 'weekly', timezone } or { kind: 'keys' }`);
  }
  problems.push(...inputPolicyProblems(def));
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
    const durations = {
      startToCloseTimeout: step.startToCloseTimeout,
      heartbeatTimeout: step.heartbeatTimeout,
      'retry.initialInterval': step.retry?.initialInterval,
      'retry.maximumInterval': step.retry?.maximumInterval,
    };
    for (const [field, value] of Object.entries(durations)) {
      if (value !== undefined && Number.isNaN(durationMs(value)))
        problems.push(`${name}.${step.id}: ${field} "${value}" is not a duration (e.g. "30 seconds")`);
    }
    if (step.inline && step.queue === 'compute') problems.push(`${name}.${step.id}: an inline step runs on the workflow's worker, not the compute queue`);
    if (step.inline && step.heartbeatTimeout) problems.push(`${name}.${step.id}: an inline step cannot heartbeat; drop heartbeatTimeout or inline`);
    if (step.retry?.maximumAttempts !== undefined && (!Number.isInteger(step.retry.maximumAttempts) || step.retry.maximumAttempts < 1)) {
      problems.push(`${name}.${step.id}: retry.maximumAttempts must be a whole number ≥ 1`);
    }
    for (const t of [...(step.reads ?? []), ...(step.writes ?? [])]) {
      if (!TABLE.test(t.table)) problems.push(`${name}.${step.id}: "${t.table}" is not a schema.table name`);
      if (t.partitionColumn && !COLUMN.test(t.partitionColumn)) problems.push(`${name}.${step.id}: "${t.partitionColumn}" is not a column name`);
    }
    for (const check of step.checks ?? []) problems.push(...checkProblems(name, step, check));
    if (step.pool !== undefined) {
      if (!ID.test(step.pool.name ?? '')) problems.push(`${name}.${step.id}: pool name "${step.pool.name}" must be lower-case letters, digits, "-" or "_"`);
      if (!Number.isInteger(step.pool.slots) || step.pool.slots < 1) {
        problems.push(`${name}.${step.id}: pool ${step.pool.name} needs a whole number of slots ≥ 1 (got ${step.pool.slots})`);
      }
    }
  }
  problems.push(...operatingProblems(def));
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

const SOURCE = /^[a-z][a-z0-9_]{0,62}$/;

/** Problems with a pipeline's inputs, triggers and late-data policy (the upstream pipeline itself is checked by the definitions). */
function inputPolicyProblems(def: PipelineDefinition): string[] {
  const name = def.name;
  const problems: string[] = [];
  const duration = (field: string, value: Duration | undefined) => {
    if (value !== undefined && Number.isNaN(durationMs(value))) problems.push(`${name}: ${field} "${value}" is not a duration (e.g. "10 minutes")`);
  };
  for (const input of def.inputs ?? []) {
    if (input.kind === 'arrivals' && !SOURCE.test(input.source ?? '')) problems.push(`${name}: arrivals source "${input.source}" must be a lower-case name`);
    else if (input.kind === 'upstream') {
      if (input.pipeline === name) problems.push(`${name}: a pipeline cannot be its own upstream`);
      if (input.mapping && !['same', 'week'].includes(input.mapping)) problems.push(`${name}: upstream mapping must be "same" or "week"`);
    } else if (!['arrivals', 'landing', 'upstream'].includes(input.kind)) problems.push(`${name}: input kind must be arrivals, landing or upstream`);
  }
  const kinds = new Set((def.inputs ?? []).map((i) => i.kind));
  if (def.triggers) {
    if (!def.triggers.on?.length) problems.push(`${name}: triggers.on must name "upstream", "landing" or both`);
    for (const on of def.triggers.on ?? []) {
      if (on !== 'upstream' && on !== 'landing') problems.push(`${name}: triggers.on "${on as string}" must be "upstream" or "landing"`);
      else if (!kinds.has(on)) problems.push(`${name}: triggers.on "${on}" needs an input of kind "${on}"`);
    }
    if (def.triggers.when && !['any', 'all'].includes(def.triggers.when)) problems.push(`${name}: triggers.when must be "any" or "all"`);
    duration('triggers.settle', def.triggers.settle);
  }
  const late = def.lateData;
  if (late) {
    if (!def.inputs?.length) problems.push(`${name}: a late-data policy needs inputs to watch`);
    duration('lateData.quietPeriod', late.quietPeriod);
    duration('lateData.lookback', late.lookback);
    duration('lateData.maxDelay', late.maxDelay);
    if (late.priority !== undefined && (!Number.isInteger(late.priority) || late.priority < 1 || late.priority > 5)) {
      problems.push(`${name}: lateData.priority must be a whole number from 1 (first) to 5`);
    }
    if (late.concurrency !== undefined && (!Number.isInteger(late.concurrency) || late.concurrency < 1 || late.concurrency > 100)) {
      problems.push(`${name}: lateData.concurrency must be a whole number from 1 to 100`);
    }
  }
  return problems;
}
