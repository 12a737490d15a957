// The current marks of a pipeline's partitions, read from ops only (so the API's read-only role can
// compute them too): arrival totals, landing folders as last scanned, and the upstream pipeline's
// watermarks. A run records the same marks for its partition when it starts.
import sql from 'sql-template-tag';
import type { Queryable } from '../../lib/db/pool.ts';
import { downstreamPartitionOf, upstreamPartitionsOf } from '../pipeline/partitions.ts';
import type { PipelineDefinition, PipelineInput } from '../pipeline/types.ts';
import { inputKey, type InputMark, type InputMarks } from './marks.ts';

/** The marks of a partition none of whose inputs has anything yet. */
function emptyMark(input: PipelineInput): InputMark {
  if (input.kind === 'arrivals') return { kind: 'arrivals', source: input.source, items: 0, lastArrival: null };
  if (input.kind === 'landing') return { kind: 'landing', files: {}, changedAt: null };
  return { kind: 'upstream', pipeline: input.pipeline, runs: {}, changedAt: null };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

interface ArrivalTotal {
  partition: string;
  items: string;
  lastArrival: Date;
}

/** Per partition, the rows landed so far and when the last arrived: the folded totals plus the log not folded yet, in one snapshot. */
export async function arrivalTotals(db: Queryable, source: string, partitions?: string[]): Promise<ArrivalTotal[]> {
  const only = partitions ?? null;
  const { rows } = await db.query<ArrivalTotal>(sql`
    SELECT partition_key AS partition, sum(items)::text AS items, max(last_arrival) AS "lastArrival" FROM (
      SELECT partition_key, items, last_arrival FROM ops.arrival_totals WHERE source = ${source} AND (${only}::text[] IS NULL OR partition_key = ANY(${only}))
      UNION ALL
      SELECT partition_key, items, arrived_at FROM ops.arrival_log WHERE source = ${source} AND (${only}::text[] IS NULL OR partition_key = ANY(${only}))
    ) x GROUP BY partition_key`);
  return rows;
}

/** Per partition, how many origins sent rows after the given instant (for "from 2 devices"). */
export async function originsSince(db: Queryable, source: string, since: { partition: string; after: string }[]): Promise<Map<string, number>> {
  if (!since.length) return new Map();
  // One index range per partition (LATERAL): a join would scan every partition's origins.
  const { rows } = await db.query<{ partition: string; origins: number }>(sql`
    SELECT w.partition_key AS partition, n.origins
      FROM unnest(${since.map((s) => s.partition)}::text[], ${since.map((s) => s.after)}::timestamptz[]) AS w(partition_key, after)
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT origin)::int AS origins FROM (
          SELECT a.origin FROM ops.arrivals a WHERE a.source = ${source} AND a.partition_key = w.partition_key AND a.last_arrival > w.after
          UNION ALL
          SELECT unnest(l.origins) FROM ops.arrival_log l WHERE l.source = ${source} AND l.partition_key = w.partition_key AND l.arrived_at > w.after
        ) o) n`);
  return new Map(rows.map((r) => [r.partition, r.origins]));
}

export interface LandingFolderRow {
  folder: string;
  files: Record<string, { sha256: string; bytes: number; modifiedMs: number }>;
  changedAt: Date;
  scannedAt: Date;
}

export async function landingFolders(db: Queryable, folders?: string[]): Promise<LandingFolderRow[]> {
  const { rows } = await db.query<LandingFolderRow>(sql`
    SELECT folder, files, changed_at AS "changedAt", scanned_at AS "scannedAt" FROM ops.landing_folders
     WHERE ${folders ?? null}::text[] IS NULL OR folder = ANY(${folders ?? null})`);
  return rows;
}

export interface WatermarkRow {
  partition: string;
  runId: number;
  succeededAt: Date;
  inputs: InputMarks | null;
  checksRun: number;
  checksFailed: number;
  staleSince: Date | null;
}

export async function watermarks(db: Queryable, pipeline: string, partitions?: string[]): Promise<WatermarkRow[]> {
  const { rows } = await db.query<WatermarkRow>(sql`
    SELECT partition_key AS partition, run_id::int AS "runId", succeeded_at AS "succeededAt", inputs,
           checks_run AS "checksRun", checks_failed AS "checksFailed", stale_since AS "staleSince"
      FROM ops.partition_watermarks
     WHERE pipeline = ${pipeline} AND (${partitions ?? null}::text[] IS NULL OR partition_key = ANY(${partitions ?? null}))`);
  return rows;
}

/**
 * Current marks of the given partitions of `pipeline`, or of every partition any of its inputs
 * knows about. Every partition gets a mark for every input (an empty one when nothing is there).
 */
export async function currentMarks(db: Queryable, pipeline: Pick<PipelineDefinition, 'inputs'>, partitions?: string[]): Promise<Map<string, InputMarks>> {
  const inputs = pipeline.inputs ?? [];
  const found = new Map<string, InputMarks>();
  const marksOf = (partition: string) => {
    let marks = found.get(partition);
    if (!marks) {
      marks = Object.fromEntries(inputs.map((i) => [inputKey(i), emptyMark(i)]));
      found.set(partition, marks);
    }
    return marks;
  };
  for (const p of partitions ?? []) marksOf(p);
  for (const input of inputs) {
    const key = inputKey(input);
    if (input.kind === 'arrivals') {
      for (const t of await arrivalTotals(db, input.source, partitions)) {
        marksOf(t.partition)[key] = { kind: 'arrivals', source: input.source, items: Number(t.items), lastArrival: iso(t.lastArrival) };
      }
    } else if (input.kind === 'landing') {
      for (const f of await landingFolders(db, partitions)) {
        if (!Object.keys(f.files).length && !partitions) continue;
        const files = Object.fromEntries(Object.entries(f.files).map(([name, file]) => [name, file.sha256]));
        marksOf(f.folder)[key] = { kind: 'landing', files, changedAt: iso(f.changedAt) };
      }
    } else {
      const mapping = input.mapping ?? 'same';
      const upstream = partitions && [...new Set(partitions.flatMap((p) => upstreamPartitionsOf(mapping, p)))];
      for (const w of await watermarks(db, input.pipeline, upstream)) {
        const partition = downstreamPartitionOf(mapping, w.partition);
        const mark = marksOf(partition)[key] as Extract<InputMark, { kind: 'upstream' }>;
        mark.runs[w.partition] = w.runId;
        mark.changedAt = later(mark.changedAt, iso(w.succeededAt));
      }
    }
  }
  return found;
}
