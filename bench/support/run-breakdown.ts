// Where a pipeline run's time goes, from ops timestamps: along the run's critical path (the chain
// of steps that ended it), the step work (each attempt's start to its success, checks included),
// the wait before each step (its dependencies' end, or the run's start, to its own start: the
// workflow task that schedules it, dispatch, a free worker slot) and the run's end after its last step.
import type { Queryable } from '../../lib/db/pool.ts';
import type { PipelineDefinition } from '../../engine/pipeline/types.ts';
import { median } from '../report.ts';

export interface RunBreakdown {
  runs: number;
  /** Medians over the runs, in ms. */
  runMs: number;
  /** Critical-path step work and orchestration (waits + the run's end), per run, medians in ms. */
  workMs: number;
  orchestrationMs: number;
  /** Median share of a run that is orchestration, in %. */
  orchestrationShare: number;
  /** Per step, median ms of its work and of the wait before it (over every run, on the path or not). */
  steps: { stepId: string; workMs: number; waitMs: number }[];
  /** Median ms from the last step's end to the run's end (recording the run's end). */
  endMs: number;
}

/** One succeeded step attempt of a run, with the run's start and end (epoch ms). */
export interface StepTiming {
  run: number;
  run_start: number;
  run_end: number;
  step_id: string;
  started: number;
  ended: number;
}

export async function runBreakdown(db: Queryable, pipeline: PipelineDefinition, backfillId: string): Promise<RunBreakdown> {
  const { rows } = await db.query<StepTiming>(
    `SELECT r.id AS run, extract(epoch FROM r.started_at) * 1000 AS run_start, extract(epoch FROM r.ended_at) * 1000 AS run_end,
            s.step_id, extract(epoch FROM s.started_at) * 1000 AS started, extract(epoch FROM s.ended_at) * 1000 AS ended
       FROM ops.pipeline_runs r JOIN ops.step_runs s ON s.pipeline_run_id = r.id AND s.status = 'succeeded'
      WHERE r.backfill_id = $1`,
    [backfillId],
  );
  return breakdownOf(
    pipeline,
    rows.map((r) => ({
      ...r,
      run: Number(r.run),
      run_start: Number(r.run_start),
      run_end: Number(r.run_end),
      started: Number(r.started),
      ended: Number(r.ended),
    })),
  );
}

export function breakdownOf(pipeline: Pick<PipelineDefinition, 'steps'>, rows: StepTiming[]): RunBreakdown {
  const byRun = new Map<number, StepTiming[]>();
  for (const row of rows) byRun.set(row.run, [...(byRun.get(row.run) ?? []), row]);
  const deps = new Map(pipeline.steps.map((s) => [s.id, s.dependsOn ?? []]));
  const work = new Map<string, number[]>(pipeline.steps.map((s) => [s.id, []]));
  const wait = new Map<string, number[]>(pipeline.steps.map((s) => [s.id, []]));
  const runMs: number[] = [];
  const workMs: number[] = [];
  const orchestrationMs: number[] = [];
  const shares: number[] = [];
  const endMs: number[] = [];
  for (const steps of byRun.values()) {
    const at = new Map(steps.map((s) => [s.step_id, s]));
    const ready = (id: string) => Math.max(steps[0]!.run_start, ...deps.get(id)!.map((d) => at.get(d)?.ended ?? 0));
    for (const s of steps) {
      work.get(s.step_id)?.push(s.ended - s.started);
      wait.get(s.step_id)?.push(s.started - ready(s.step_id));
    }
    // The critical path, from the step that ended last back through the dependency that ended last.
    let id: string | undefined = steps.reduce((a, b) => (b.ended > a.ended ? b : a)).step_id;
    const last = at.get(id)!;
    let onPath = 0;
    while (id) {
      const s = at.get(id)!;
      onPath += s.ended - s.started;
      id = deps.get(id)!.reduce<string | undefined>((best, d) => (best === undefined || at.get(d)!.ended > at.get(best)!.ended ? d : best), undefined);
    }
    const total = last.run_end - last.run_start;
    runMs.push(total);
    workMs.push(onPath);
    orchestrationMs.push(total - onPath);
    shares.push(((total - onPath) / total) * 100);
    endMs.push(last.run_end - last.ended);
  }
  return {
    runs: byRun.size,
    runMs: median(runMs),
    workMs: median(workMs),
    orchestrationMs: median(orchestrationMs),
    orchestrationShare: median(shares),
    steps: pipeline.steps.map((s) => ({ stepId: s.id, workMs: median(work.get(s.id)!), waitMs: median(wait.get(s.id)!) })),
    endMs: median(endMs),
  };
}

/** One line for the report: "land 120 ms (waited 15 ms), clean …; run end 12 ms". */
export function describeBreakdown(b: RunBreakdown): string {
  const steps = b.steps.map((s) => `${s.stepId} ${s.workMs.toFixed(0)} ms (waited ${s.waitMs.toFixed(0)} ms)`).join(', ');
  return (
    `a run took ${b.runMs.toFixed(0)} ms: ${b.workMs.toFixed(0)} ms of step work on its critical path and ${b.orchestrationMs.toFixed(0)} ms of orchestration ` +
    `(medians over ${b.runs} runs). Per step, its work (checks included) and the wait before it: ${steps}; recording the run's end ${b.endMs.toFixed(0)} ms`
  );
}
