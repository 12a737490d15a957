// The partition grid (Airflow's grid, Dagster's partition matrix): for each partition of a range,
// its latest run and every step's status in that run. Two indexed queries whatever the range:
// latest runs by (pipeline, partition), then their steps' latest attempts.
import type { Queryable } from '../../lib/db/pool.ts';
import { expandPartitions, PartitionError } from '../pipeline/partitions.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';

/** What the grid needs of a pipeline: its name, its steps and, for daily ones, its partitioning. */
export type GridPipeline = Pick<PipelineDefinition, 'name' | 'steps'> & { partitioning?: PipelineDefinition['partitioning'] };
import { topologicalOrder } from '../pipeline/validate.ts';

export interface GridCell {
  status: string;
  attempts: number;
  /** A reused step: the run that produced it. */
  reusedFrom?: number;
}

export interface GridRow {
  partition: string;
  run: { id: number; status: string; trigger: string; startedAt: Date; endedAt: Date | null } | null;
  /** One per step, in the grid's step order; null when the run has no record of the step. */
  cells: (GridCell | null)[];
}

export interface Grid {
  pipeline: string;
  steps: string[];
  partitions: GridRow[];
}

export const GRID_MAX_PARTITIONS = 1000;

/**
 * The grid over a range: every day from..to for daily pipelines (partitions never run have no
 * run), or for keyed pipelines the keys between from and to that have runs (all when unbounded).
 */
export async function partitionGrid(db: Queryable, pipeline: GridPipeline, range: { from?: string; to?: string }): Promise<Grid> {
  const steps = topologicalOrder(pipeline.steps);
  const daily = pipeline.partitioning?.kind === 'daily';
  const keys = daily && range.from && range.to ? expandPartitions(pipeline.partitioning!, { from: range.from, to: range.to }, pipeline.name) : undefined;
  if (keys && keys.length > GRID_MAX_PARTITIONS) {
    throw new PartitionError(`${pipeline.name}: ${keys.length} partitions; the grid shows at most ${GRID_MAX_PARTITIONS} at once`);
  }
  const { rows: runs } = await db.query(
    `SELECT DISTINCT ON (partition_key) id, partition_key, status, trigger, started_at, ended_at
       FROM ops.pipeline_runs
      WHERE pipeline = $1 AND ($2::text IS NULL OR partition_key >= $2) AND ($3::text IS NULL OR partition_key <= $3)
      ORDER BY partition_key, started_at DESC, id DESC
      LIMIT $4`,
    [pipeline.name, range.from ?? null, range.to ?? null, GRID_MAX_PARTITIONS],
  );
  const { rows: cells } = await db.query(
    `SELECT pipeline_run_id, step_id, (array_agg(status ORDER BY attempt DESC))[1] AS status,
            count(*) FILTER (WHERE attempt > 0)::int AS attempts, max(reused_from) AS reused_from
       FROM ops.step_runs WHERE pipeline_run_id = ANY($1::bigint[])
      GROUP BY pipeline_run_id, step_id`,
    [runs.map((r) => r.id as number)],
  );
  const column = new Map(steps.map((s, i) => [s, i]));
  const byRun = new Map<number, (GridCell | null)[]>();
  for (const c of cells) {
    const i = column.get(c.step_id as string);
    if (i === undefined) continue;
    let row = byRun.get(c.pipeline_run_id as number);
    if (!row) byRun.set(c.pipeline_run_id as number, (row = steps.map(() => null)));
    row[i] = { status: c.status as string, attempts: c.attempts as number, ...(c.reused_from ? { reusedFrom: c.reused_from as number } : {}) };
  }
  const latest = new Map(runs.map((r) => [r.partition_key as string, r]));
  const partitions = keys ?? runs.map((r) => r.partition_key as string);
  return {
    pipeline: pipeline.name,
    steps,
    partitions: partitions.map((partition) => {
      const r = latest.get(partition);
      return {
        partition,
        run: r
          ? {
              id: r.id as number,
              status: r.status as string,
              trigger: r.trigger as string,
              startedAt: r.started_at as Date,
              endedAt: r.ended_at as Date | null,
            }
          : null,
        cells: r ? (byRun.get(r.id as number) ?? steps.map(() => null)) : steps.map(() => null),
      };
    }),
  };
}

/**
 * A pipeline this deployment no longer (or never) defined, as its latest run recorded it: the
 * grid still shows its history.
 */
export async function recordedPipeline(db: Queryable, name: string): Promise<GridPipeline | undefined> {
  const { rows } = await db.query(
    `SELECT definition FROM ops.pipeline_runs WHERE pipeline = $1 AND definition IS NOT NULL ORDER BY started_at DESC, id DESC LIMIT 1`,
    [name],
  );
  const steps = rows[0]?.definition?.steps as { id: string; dependsOn: string[] }[] | undefined;
  return steps ? { name, steps: steps.map((s) => ({ id: s.id, dependsOn: s.dependsOn, activity: '', layer: 'silver' })) } : undefined;
}
