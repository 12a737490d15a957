// Freshness and provenance of gold answers: for the partitions an answer comes from, which run
// wrote each and when, whether its checks passed, and whether it is stale (and why). The answer's
// last modification is when its newest partition was written or, if later, when one of them went
// stale: becoming stale changes what the answer says.
import sql from 'sql-template-tag';
import type { Queryable } from '../../lib/db/pool.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { currentMarks } from './current.ts';
import { changesSinceWatermarks } from './detect.ts';
import type { InputChange, InputMarks } from './marks.ts';

export interface PartitionFreshness {
  pipeline: string;
  partition: string;
  /** The run that wrote the partition (its last success); null when no run of it is on record. */
  runId: number | null;
  trigger: string | null;
  writtenAt: string | null;
  checksPassed: boolean | null;
  stale: boolean;
  staleReason: string | null;
  /** When the inputs changed (the latest change), for a stale partition. */
  staleSince: string | null;
}

export interface Freshness {
  /** When the newest of the partitions was written. */
  asOf: string | null;
  /** asOf, or when a partition went stale if that is later: the answer's Last-Modified. */
  lastModified: string | null;
  stale: boolean;
  /** Every check of every partition's writing run passed. */
  checksPassed: boolean;
  /** Stale partitions first, then the newest written (then the newest key); at most the limit. */
  partitions: PartitionFreshness[];
  /** Partitions left out past the limit. */
  omitted: number;
}

interface WrittenRow {
  partition: string;
  runId: number;
  trigger: string;
  succeededAt: Date;
  inputs: InputMarks | null;
  checksFailed: number;
}

async function writtenBy(db: Queryable, pipeline: string, partitions: string[]): Promise<WrittenRow[]> {
  const { rows } = await db.query<WrittenRow>(sql`
    SELECT w.partition_key AS partition, w.run_id::int AS "runId", r.trigger, w.succeeded_at AS "succeededAt", w.inputs, w.checks_failed AS "checksFailed"
      FROM ops.partition_watermarks w JOIN ops.pipeline_runs r ON r.id = w.run_id
     WHERE w.pipeline = ${pipeline} AND w.partition_key = ANY(${partitions})`);
  return rows;
}

const latest = (values: (string | null)[]) => values.reduce<string | null>((a, b) => (a === null ? b : b === null ? a : a > b ? a : b), null);

export async function readFreshness(db: Queryable, pipeline: PipelineDefinition, partitions: readonly string[], limit = 400): Promise<Freshness> {
  const keys = [...new Set(partitions)];
  if (!keys.length) return { asOf: null, lastModified: null, stale: false, checksPassed: true, partitions: [], omitted: 0 };
  const written = await writtenBy(db, pipeline.name, keys);
  const tracked = written.filter((w) => w.inputs);
  const changes =
    tracked.length && pipeline.inputs?.length
      ? await changesSinceWatermarks(
          db,
          pipeline,
          tracked,
          await currentMarks(
            db,
            pipeline,
            tracked.map((w) => w.partition),
          ),
        )
      : new Map<string, InputChange[]>();
  const byPartition = new Map(written.map((w) => [w.partition, w]));
  const all = keys.map((partition): PartitionFreshness => {
    const w = byPartition.get(partition);
    const changed = changes.get(partition);
    return {
      pipeline: pipeline.name,
      partition,
      runId: w?.runId ?? null,
      trigger: w?.trigger ?? null,
      writtenAt: w ? w.succeededAt.toISOString() : null,
      checksPassed: w ? w.checksFailed === 0 : null,
      stale: Boolean(changed),
      staleReason: changed ? changed.map((c) => c.reason).join('; ') : null,
      staleSince: changed ? latest(changed.map((c) => c.changedAt)) : null,
    };
  });
  const asOf = latest(all.map((p) => p.writtenAt));
  all.sort((a, b) => Number(b.stale) - Number(a.stale) || (b.writtenAt ?? '').localeCompare(a.writtenAt ?? '') || b.partition.localeCompare(a.partition));
  return {
    asOf,
    lastModified: latest([asOf, ...all.map((p) => p.staleSince)]),
    stale: all.some((p) => p.stale),
    checksPassed: all.every((p) => p.checksPassed !== false),
    partitions: all.slice(0, limit),
    omitted: Math.max(0, all.length - limit),
  };
}
