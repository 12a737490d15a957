// Partial re-runs: which steps of a partition to run and which to reuse from earlier runs.
// `--from-failure` runs what failed or was skipped in the partition's last run; `--steps train+`
// runs train and everything downstream; `--steps publish` runs publish alone. A step that is not
// run but feeds one that is must have succeeded before (its output is the input). Pure.
/** What planning needs of a pipeline: its name and its steps' dependencies. */
export interface PipelineShape {
  name: string;
  steps: readonly { id: string; dependsOn?: string[] }[];
}

/** fullIfNeverRun: a partition that never ran runs in full (backfills) instead of being refused. */
export type Selection = { fromFailure: true; fullIfNeverRun?: boolean } | { steps: string[] };

export class RerunError extends Error {
  override name = 'RerunError';
}

/** What the partition's history says: its last run's step statuses, and each step's latest success. */
export interface PartitionHistory {
  lastRun?: { id: number; status: string; steps: Record<string, string> };
  /** Step id → id of the latest run in which the step itself ran and succeeded. */
  lastSuccess: Record<string, number>;
}

export interface StepPlan {
  /** Steps this run executes. */
  run: string[];
  /** Steps this run takes as they are, with the run that produced them. */
  reuse: Record<string, number>;
  /** Steps neither run nor reusable (not selected, never succeeded): recorded as skipped. */
  notRun: string[];
}

function downstreamOf(pipeline: PipelineShape, roots: Set<string>): Set<string> {
  const out = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of pipeline.steps) {
      if (!out.has(s.id) && (s.dependsOn ?? []).some((d) => out.has(d))) {
        out.add(s.id);
        grew = true;
      }
    }
  }
  return out;
}

function upstreamOf(pipeline: PipelineShape, roots: Set<string>): Set<string> {
  const byId = new Map(pipeline.steps.map((s) => [s.id, s]));
  const out = new Set<string>();
  const visit = (id: string) => {
    for (const d of byId.get(id)?.dependsOn ?? []) {
      if (!out.has(d)) {
        out.add(d);
        visit(d);
      }
    }
  };
  for (const r of roots) visit(r);
  return out;
}

/** Parses `--steps a+,b` against the pipeline: the steps named, with `+` adding their downstream. */
export function selectedSteps(pipeline: PipelineShape, spec: string[]): Set<string> {
  const known = new Set(pipeline.steps.map((s) => s.id));
  const selected = new Set<string>();
  for (const raw of spec.flatMap((s) => s.split(',')).map((s) => s.trim())) {
    if (!raw) continue;
    const withDownstream = raw.endsWith('+');
    const id = withDownstream ? raw.slice(0, -1) : raw;
    if (!known.has(id)) throw new RerunError(`--steps: ${pipeline.name} has no step "${id}" (steps: ${[...known].join(', ')})`);
    for (const s of withDownstream ? downstreamOf(pipeline, new Set([id])) : [id]) selected.add(s);
  }
  if (!selected.size) throw new RerunError('--steps: name at least one step, e.g. --steps train+ or --steps publish');
  return selected;
}

/** Decides a partial run; throws RerunError with one line saying what is missing. */
export function planSteps(pipeline: PipelineShape, partition: string, selection: Selection, history: PartitionHistory): StepPlan {
  const where = `${pipeline.name} ${partition}`;
  let selected: Set<string>;
  if ('fromFailure' in selection) {
    const last = history.lastRun;
    if (!last && selection.fullIfNeverRun) return { run: pipeline.steps.map((s) => s.id), reuse: {}, notRun: [] };
    if (!last) throw new RerunError(`--from-failure: ${where} has never run; run it in full`);
    if (last.status === 'running') throw new RerunError(`--from-failure: the last run of ${where} (${last.id}) is still running`);
    if (last.status === 'succeeded') throw new RerunError(`--from-failure: the last run of ${where} (${last.id}) succeeded; nothing to repair`);
    selected = new Set(pipeline.steps.map((s) => s.id).filter((id) => !['succeeded', 'reused'].includes(last.steps[id] ?? '') || !(id in history.lastSuccess)));
  } else {
    selected = selectedSteps(pipeline, selection.steps);
  }
  const needed = upstreamOf(pipeline, selected);
  const reuse: Record<string, number> = {};
  const notRun: string[] = [];
  const missing: string[] = [];
  for (const s of pipeline.steps) {
    if (selected.has(s.id)) continue;
    const from = history.lastSuccess[s.id];
    if (from !== undefined) reuse[s.id] = from;
    else if (needed.has(s.id)) missing.push(s.id);
    else notRun.push(s.id);
  }
  if (missing.length) {
    const users = pipeline.steps.filter((u) => selected.has(u.id) && missing.some((m) => upstreamOf(pipeline, new Set([u.id])).has(m))).map((u) => u.id);
    const them = missing.length === 1 ? `${missing[0]}, which has` : `${missing.join(', ')}, which have`;
    throw new RerunError(
      `${users.join(', ')} needs ${them} never succeeded for ${where}; add ${missing.length === 1 ? 'it' : 'them'} (--steps ${missing[0]}+) or run the partition in full`,
    );
  }
  return { run: pipeline.steps.map((s) => s.id).filter((id) => selected.has(id)), reuse, notRun };
}
