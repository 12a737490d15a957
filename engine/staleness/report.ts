// What operators see of a pipeline's stale partitions (`refinery stale list`, GET
// /v1/pipelines/{name}/stale): each partition with why it is stale and what happens next, by the
// same plan the reconciler follows, on what the database knows now.
import sql from 'sql-template-tag';
import type { Queryable } from '../../lib/db/pool.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { detectDuePartitions, type DuePartition } from './detect.ts';
import { effectivePolicy, planReconciliation, type EffectivePolicy } from './plan.ts';

export interface StaleItem extends DuePartition {
  /** What happens next: "re-runs by itself in 4 minutes (after 10 minutes without new input)". */
  next: string;
}

export interface StaleReport {
  pipeline: string;
  checkedAt: string;
  policy: EffectivePolicy;
  /** Whether a reconciler is running for the pipeline (undefined: not known here). */
  reconciler: boolean | undefined;
  items: StaleItem[];
}

export async function staleReport(db: Queryable, pipeline: PipelineDefinition, reconciler?: boolean): Promise<StaleReport> {
  const detection = await detectDuePartitions(db, pipeline);
  const { rows } = await db.query<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM ops.pipeline_runs WHERE pipeline = ${pipeline.name} AND trigger = 'late-data' AND status = 'running'`);
  const policy = effectivePolicy(pipeline);
  const decisions = new Map(
    planReconciliation(pipeline.name, detection.partitions, policy, { nowMs: Date.parse(detection.checkedAt), runningLateData: rows[0]!.n }).map((d) => [
      d.partition,
      d,
    ]),
  );
  const automatic = Boolean(pipeline.triggers || pipeline.lateData);
  const items = detection.partitions.map((p): StaleItem => {
    const d = decisions.get(p.partition);
    let next = d?.action === 'launch' ? `a ${d.trigger} run starts at the reconciler's next tick` : (d?.next ?? '');
    if (automatic && reconciler === false && (d?.action === 'launch' || /^(re-runs by itself|runs once)/.test(next))) {
      next = `no reconciler is running (refinery reconcile start); re-run by hand: refinery stale run --pipeline ${pipeline.name} --partition ${p.partition}`;
    }
    return { ...p, next };
  });
  return { pipeline: pipeline.name, checkedAt: detection.checkedAt, policy, reconciler, items };
}
