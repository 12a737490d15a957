// Activities of staleness and triggers: the facts a reconciler decides on (landing folders scanned,
// due partitions detected, late-data runs going), and the inputs a run records when it starts.
import sql from 'sql-template-tag';
import { foldArrivals } from '../staleness/arrivals.ts';
import { currentMarks } from '../staleness/current.ts';
import { detectDuePartitions, noticeStale, type DuePartition } from '../staleness/detect.ts';
import { scanLandingFolders } from '../staleness/landing-folders.ts';
import type { InputMarks } from '../staleness/marks.ts';
import { effectivePolicy, type EffectivePolicy, type PolicyOverrides } from '../staleness/plan.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import type { ActivityDeps } from './deps.ts';

export interface ReconcileFacts {
  pipeline: string;
  policy: EffectivePolicy;
  due: DuePartition[];
  /** Late-data runs of the pipeline going now. */
  runningLateData: number;
  checkedAt: string;
}

/** Due partitions handed to the workflow per tick, at most (the rest come on the next ticks). */
const MAX_DUE_PER_TICK = 200;

export function createReconcileActivities({ pools, landingDir, definitions }: Pick<ActivityDeps, 'pools' | 'landingDir' | 'definitions'>) {
  return {
    async reconcileFacts(request: { pipeline: string; overrides?: PolicyOverrides; partitions?: string[] }): Promise<ReconcileFacts> {
      const pipeline = definitions.getPipeline(request.pipeline);
      if (pipeline.inputs?.some((i) => i.kind === 'landing')) await scanLandingFolders(pools.worker, landingDir);
      if (pipeline.inputs?.some((i) => i.kind === 'arrivals')) await foldArrivals(pools.worker);
      const detection = await detectDuePartitions(pools.worker, pipeline, { partitions: request.partitions });
      await noticeStale(
        pools.worker,
        pipeline.name,
        detection.partitions.filter((d) => d.state === 'stale').map((d) => d.partition),
      );
      const { rows } = await pools.worker.query<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM ops.pipeline_runs WHERE pipeline = ${pipeline.name} AND trigger = 'late-data' AND status = 'running'`);
      return {
        pipeline: pipeline.name,
        policy: effectivePolicy(pipeline, request.overrides),
        due: detection.partitions.slice(0, MAX_DUE_PER_TICK),
        runningLateData: rows[0]!.n,
        checkedAt: detection.checkedAt,
      };
    },

    /** Records on the run what its inputs are as it starts (its landing folder scanned afresh): what it will have seen. */
    async captureInputs(runId: number, pipeline: Pick<PipelineDefinition, 'inputs'>, partition: string): Promise<InputMarks> {
      if (pipeline.inputs?.some((i) => i.kind === 'landing')) await scanLandingFolders(pools.worker, landingDir, [partition]);
      const marks = (await currentMarks(pools.worker, pipeline, [partition])).get(partition) ?? {};
      await pools.worker.query(sql`UPDATE ops.pipeline_runs SET inputs = ${JSON.stringify(marks)}::jsonb WHERE id = ${runId}`);
      return marks;
    },
  };
}
