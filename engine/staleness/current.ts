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
  if (input.kind === 'arrivals') return { kind: 'arrivals', source: input.source, items: 0, origins: 0, lastArrival: null };
  if (input.kind === 'landing') return { kind: 'landing', files: {}, changedAt: null };
  return { kind: 'upstream', pipeline: input.pipeline, runs: {}, changedAt: null };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const later = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a > b ? a : b);

interface ArrivalTotal {
  partition: string;
  items: string;
  origins: number;
  lastArrival: Date;
}

export async function arrivalTotals(db: Queryable, source: string, partitions?: string[]): Promise<ArrivalTotal[]> {
  const { rows } = await db.query<ArrivalTotal>(sql`
    SELECT partition_key AS partition, items, origins, last_arrival AS "lastArrival" FROM ops.arrival_totals
     WHERE source = ${source} AND (${partitions ?? null}::text[] IS NULL OR partition_key = ANY(${partitions ?? null}))`);
  return rows;
}

/** Per partition, how many origins sent rows after the given instant (for "from 2 devices"); marks keep milliseconds. */
export async function originsSince(db: Queryable, source: string, since: { partition: string; after: string }[]): Promise<Map<string, number>> {
  if (!since.length) return new Map();
  const { rows } = await db.query<{ partition: string; origins: number }>(sql`
    SELECT a.partition_key AS partition, count(*)::int AS origins
      FROM unnest(${since.map((s) => s.partition)}::text[], ${since.map((s) => s.after)}::timestamptz[]) AS w(partition_key, after)
      JOIN ops.arrivals a ON a.source = ${source} AND a.partition_key = w.partition_key AND date_trunc('milliseconds', a.last_arrival) > w.after
     GROUP BY 1`);
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
        marksOf(t.partition)[key] = { kind: 'arrivals', source: input.source, items: Number(t.items), origins: t.origins, lastArrival: iso(t.lastArrival) };
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
