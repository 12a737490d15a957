// Detecting the partitions that are due: stale ones (their inputs changed since their last
// successful run) and, for pipelines with data-aware triggers, ready ones (never succeeded, but
// their upstream succeeded or their landing files appeared). Reads ops only, so the API, the CLI
// and the reconciler all see the same thing; ages are measured on PostgreSQL's clock.
import sql from 'sql-template-tag';
import type { Queryable } from '../../lib/db/pool.ts';
import { checkPartition, daysOfWeek, PartitionError } from '../pipeline/partitions.ts';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { currentMarks, originsSince, watermarks, type WatermarkRow } from './current.ts';
import { inputChanges, inputKey, markChangedAt, marksVersion, readiness, type InputChange, type InputMarks, type Nouns } from './marks.ts';

/** A due partition, in JSON-safe form (it travels to the reconciler workflow and out of the API). */
export interface DuePartition {
  partition: string;
  /** 'stale': its inputs changed since its last success; 'ready': it never succeeded and its trigger inputs are there. */
  state: 'stale' | 'ready';
  /** The last successful run, whose inputs are compared with today's. */
  watermark: { runId: number; succeededAt: string } | null;
  changes: InputChange[];
  /** One line: the changes (stale) or what is ready. */
  reason: string;
  /** Kinds of input that changed or are ready (which rule applies: a trigger or the late-data policy). */
  kinds: ('arrivals' | 'landing' | 'upstream')[];
  /** Changes exactly when the inputs do: a re-run started for one version is not started again for it. */
  version: string;
  /** Since the last change of any input (the quiet period counts from there). */
  quietForMs: number | null;
  /** Since a reconciler first noticed the change. */
  staleForMs: number | null;
  /** How long ago the partition's period ended (daily, weekly) or its last success (keys), for the lookback. */
  ageMs: number;
  latestRun: { id: number; status: string; trigger: string; startedForMs: number; version: string | null; error: string | null } | null;
}

export interface Detection {
  checkedAt: string;
  partitions: DuePartition[];
}

function nounsOf(pipeline: Pick<PipelineDefinition, 'inputs'>): (input: string) => Nouns {
  const byKey = new Map((pipeline.inputs ?? []).map((i) => [inputKey(i), i]));
  return (key) => {
    const input = byKey.get(key);
    return input?.kind === 'arrivals' ? { items: input.noun ?? 'rows', origins: input.origin ?? 'sources' } : { items: 'rows', origins: 'sources' };
  };
}

/** When a partition's period ends: the end of its day or ISO week (UTC), or undefined for keys. */
function periodEndMs(pipeline: Pick<PipelineDefinition, 'partitioning'>, partition: string): number | undefined {
  const kind = pipeline.partitioning.kind;
  if (kind === 'daily') return Date.parse(`${partition}T00:00:00Z`) + 86_400_000;
  if (kind === 'weekly') return Date.parse(`${daysOfWeek(partition)[6]}T00:00:00Z`) + 86_400_000;
  return undefined;
}

interface LatestRunRow {
  partition: string;
  id: number;
  status: string;
  trigger: string;
  startedAt: Date;
  inputs: InputMarks | null;
  error: string | null;
}

async function latestRuns(db: Queryable, pipeline: string, partitions: string[]): Promise<Map<string, LatestRunRow>> {
  if (!partitions.length) return new Map();
  const { rows } = await db.query<LatestRunRow>(sql`
    SELECT DISTINCT ON (partition_key) partition_key AS partition, id::int, status, trigger, started_at AS "startedAt", inputs, error
      FROM ops.pipeline_runs WHERE pipeline = ${pipeline} AND partition_key = ANY(${partitions})
     ORDER BY partition_key, started_at DESC, id DESC`);
  return new Map(rows.map((r) => [r.partition, r]));
}

async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT now() AS now');
  return rows[0]!.now;
}

/**
 * The pipeline's due partitions (all, or among `partitions`), newest first. Ready partitions are
 * included when the pipeline has triggers and `ready` is not false.
 */
export async function detectDuePartitions(
  db: Queryable,
  pipeline: PipelineDefinition,
  options: { partitions?: string[]; ready?: boolean } = {},
): Promise<Detection> {
  const now = await databaseNow(db);
  const nowMs = now.getTime();
  if (!pipeline.inputs?.length) return { checkedAt: now.toISOString(), partitions: [] };
  const [marks, marked] = await Promise.all([currentMarks(db, pipeline, options.partitions), watermarks(db, pipeline.name, options.partitions)]);
  const since = (iso: string | null) => (iso === null ? null : Math.max(0, nowMs - Date.parse(iso)));
  const lastChange = (m: InputMarks) =>
    Object.values(m)
      .map(markChangedAt)
      .reduce<string | null>((a, b) => (a === null ? b : b === null ? a : a > b ? a : b), null);

  // Stale: a watermark with recorded inputs that differ from today's.
  const changed = await changesSinceWatermarks(db, pipeline, marked, marks);
  const due: Omit<DuePartition, 'latestRun' | 'version'>[] = [];
  const versions = new Map<string, string>();
  for (const w of marked) {
    const changes = changed.get(w.partition);
    if (!changes) continue;
    const current = marks.get(w.partition)!;
    versions.set(w.partition, marksVersion(current));
    due.push({
      partition: w.partition,
      state: 'stale',
      watermark: { runId: w.runId, succeededAt: w.succeededAt.toISOString() },
      changes,
      reason: changes.map((c) => c.reason).join('; '),
      kinds: [...new Set(changes.map((c) => c.kind))],
      quietForMs: since(lastChange(current)),
      staleForMs: w.staleSince ? Math.max(0, nowMs - w.staleSince.getTime()) : null,
      ageMs: Math.max(0, nowMs - (periodEndMs(pipeline, w.partition) ?? w.succeededAt.getTime())),
    });
  }

  // Ready: never succeeded, and a trigger input has what the trigger waits for.
  if (pipeline.triggers && options.ready !== false) {
    const succeeded = new Set(marked.map((w) => w.partition));
    const on = new Set(pipeline.triggers.on);
    for (const [partition, current] of marks) {
      if (succeeded.has(partition) || !isPartition(pipeline, partition)) continue;
      const kinds = pipeline.inputs.flatMap((input) => {
        const mark = current[inputKey(input)];
        if (!mark || !on.has(mark.kind as 'upstream' | 'landing')) return [];
        if (mark.kind === 'landing') return Object.keys(mark.files).length ? ['landing' as const] : [];
        if (mark.kind !== 'upstream') return [];
        const needed = input.kind === 'upstream' && input.mapping === 'week' && pipeline.triggers!.when === 'all' ? 7 : 1;
        return Object.keys(mark.runs).length >= needed ? ['upstream' as const] : [];
      });
      if (!kinds.length) continue;
      versions.set(partition, marksVersion(current));
      due.push({
        partition,
        state: 'ready',
        watermark: null,
        changes: [],
        reason: readiness(current),
        kinds,
        quietForMs: since(lastChange(current)),
        staleForMs: null,
        ageMs: Math.max(0, nowMs - (periodEndMs(pipeline, partition) ?? nowMs)),
      });
    }
  }

  const latest = await latestRuns(
    db,
    pipeline.name,
    due.map((d) => d.partition),
  );
  const partitions = due
    .map((d): DuePartition => {
      const run = latest.get(d.partition);
      return {
        ...d,
        version: versions.get(d.partition)!,
        latestRun: run
          ? {
              id: run.id,
              status: run.status,
              trigger: run.trigger,
              startedForMs: Math.max(0, nowMs - run.startedAt.getTime()),
              version: run.inputs ? marksVersion(run.inputs) : null,
              error: run.error,
            }
          : null,
      };
    })
    .sort((a, b) => (a.partition < b.partition ? 1 : a.partition > b.partition ? -1 : 0));
  return { checkedAt: now.toISOString(), partitions };
}

/**
 * The changes since each watermark that recorded its inputs, for the partitions whose inputs moved
 * (others are absent from the map). One extra query per arrivals input, for "from 2 devices".
 */
export async function changesSinceWatermarks(
  db: Queryable,
  pipeline: Pick<PipelineDefinition, 'inputs'>,
  marked: readonly Pick<WatermarkRow, 'partition' | 'runId' | 'inputs'>[],
  marks: ReadonlyMap<string, InputMarks>,
): Promise<Map<string, InputChange[]>> {
  const stale = marked.filter((w) => w.inputs && marks.has(w.partition) && marksVersion(pick(marks.get(w.partition)!, w.inputs)) !== marksVersion(w.inputs));
  const newOrigins = new Map<string, Map<string, number>>();
  for (const input of pipeline.inputs ?? []) {
    if (input.kind !== 'arrivals') continue;
    const key = inputKey(input);
    const after = stale.flatMap((w) => {
      const seen = w.inputs![key];
      return seen?.kind === 'arrivals' && seen.lastArrival ? [{ partition: w.partition, after: seen.lastArrival }] : [];
    });
    newOrigins.set(key, await originsSince(db, input.source, after));
  }
  const nouns = nounsOf(pipeline);
  const out = new Map<string, InputChange[]>();
  for (const w of stale) {
    const changes = inputChanges(w.inputs!, marks.get(w.partition)!, w.runId, nouns, (key) => newOrigins.get(key)?.get(w.partition));
    if (changes.length) out.set(w.partition, changes);
  }
  return out;
}

/** A landing folder named like no partition of this pipeline (notes, scratch) is not one to run. */
function isPartition(pipeline: PipelineDefinition, key: string): boolean {
  try {
    checkPartition(pipeline.partitioning, key, pipeline.name);
    return true;
  } catch (e) {
    if (e instanceof PartitionError) return false;
    throw e;
  }
}

/** The current marks of only the inputs the run recorded (an input added since is not compared). */
function pick(current: InputMarks, seen: InputMarks): InputMarks {
  return Object.fromEntries(Object.keys(seen).flatMap((k) => (current[k] ? [[k, current[k]]] : [])));
}

/** Records when a reconciler first noticed each partition stale (cleared by its next success). */
export async function noticeStale(db: Queryable, pipeline: string, partitions: string[]): Promise<void> {
  if (!partitions.length) return;
  await db.query(sql`
    UPDATE ops.partition_watermarks SET stale_since = now()
     WHERE pipeline = ${pipeline} AND partition_key = ANY(${partitions}) AND stale_since IS NULL`);
}
