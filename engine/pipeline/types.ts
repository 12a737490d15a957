// The shape of a pipeline: plain data that the pipeline-run workflow interprets. No functions, so
// a definition can travel in a workflow's input and be stored by Temporal as is.

export type Layer = 'bronze' | 'silver' | 'gold';
export type QueueKind = 'io' | 'compute';

export type Partitioning =
  /** One partition per calendar day (YYYY-MM-DD) in the given IANA time zone. */
  | { kind: 'daily'; timezone: string }
  /** One partition per ISO week (YYYY-Www, Monday to Sunday) in the given IANA time zone. */
  | { kind: 'weekly'; timezone: string }
  /** Named partitions such as tournament years; `keys` lists the known ones, if any. */
  | { kind: 'keys'; keys?: string[] };

/** Durations are Temporal duration strings ("30 seconds", "10 minutes") or milliseconds. */
export type Duration = string | number;

export interface RetryPolicy {
  maximumAttempts?: number;
  initialInterval?: Duration;
  backoffCoefficient?: number;
  maximumInterval?: Duration;
  nonRetryableErrorTypes?: string[];
}

/** A table a step reads or writes, and the column that holds the partition key (if partitioned). */
export interface TableRef {
  table: string;
  partitionColumn?: string;
}

/** `error` (the default) fails the step; `warn` records the failure, notifies and lets the run succeed. */
export type CheckSeverity = 'error' | 'warn';

/** Data-quality checks on the rows a step wrote to one of its `writes` tables, in this partition. */
export type Check = CheckRule & { severity?: CheckSeverity };

export type CheckRule =
  | { kind: 'rowCount'; table: string; min: number; max?: number }
  | { kind: 'notNull'; table: string; columns: string[] }
  | { kind: 'unique'; table: string; columns: string[] }
  | { kind: 'range'; table: string; column: string; min?: number; max?: number }
  /** Every written row satisfies the SQL boolean expression, e.g. "amount >= 0". */
  | { kind: 'predicate'; table: string; name: string; predicate: string }
  /** A query (with $1 = partition key) returning one row with a numeric `failures` column; 0 passes. */
  | { kind: 'sql'; name: string; query: string };

export interface StepDefinition {
  id: string;
  /** The step activity to run (registered by a domain, see domains/index.ts). */
  activity: string;
  layer: Layer;
  dependsOn?: string[];
  queue?: QueueKind;
  retry?: RetryPolicy;
  /** Per attempt; default 10 minutes. */
  startToCloseTimeout?: Duration;
  /** Fail an attempt whose worker stopped heartbeating for this long (long steps heartbeat). */
  heartbeatTimeout?: Duration;
  reads?: TableRef[];
  writes?: TableRef[];
  checks?: Check[];
  /** Fixed parameters for the activity, merged under the run's parameters. */
  params?: Record<string, unknown>;
  /**
   * A pool of slots shared by every run and backfill: at most `slots` steps naming the pool run at
   * once. Steps naming one pool must agree on its slots.
   */
  pool?: { name: string; slots: number };
  /**
   * Run the step inside the run's own workflow task, as a Temporal local activity on the worker
   * that runs the workflow, instead of through the io task queue: no dispatch round trip and no
   * workflow task of its own, so a chain of short steps costs a few milliseconds a step. For short
   * io steps (seconds): an inline step cannot heartbeat, so a lost worker is noticed when the
   * workflow task times out (10 s) and the step re-runs on the next worker, as a retry would.
   * Not with `queue: 'compute'`.
   */
  inline?: boolean;
}

/** How a downstream partition maps to the upstream partitions it reads: the same key, or the seven days of an ISO week. */
export type PartitionMapping = 'same' | 'week';

/**
 * What a partition's output is computed from. Each successful run records what these inputs were
 * when it started (its watermark); when they change afterwards, the partition is stale.
 */
export type PipelineInput =
  /** Rows counted per partition as they land (ops.arrivals), e.g. 'imu_readings'; the ingest path records them. */
  | { kind: 'arrivals'; source: string; noun?: string; origin?: string }
  /** The files of <landing dir>/<partition>/, by name and sha256. */
  | { kind: 'landing' }
  /** The latest successful runs of another pipeline's partitions that map to this partition. */
  | { kind: 'upstream'; pipeline: string; mapping?: PartitionMapping };

/** Data-aware triggers: run a partition when its inputs are ready, instead of (or besides) a cron. */
export interface TriggerPolicy {
  /** 'upstream': after the upstream partitions it maps to succeed (again); 'landing': when its landing files appear or change. */
  on: ('upstream' | 'landing')[];
  /** With a week mapping: run once any day of the week succeeded ('any', the default), or only once all seven have ('all'). */
  when?: 'any' | 'all';
  /** Wait until the triggering input has been still this long (default: 0 for upstream, 30 seconds for landing files). */
  settle?: Duration;
}

/** What to do when a partition that succeeded becomes stale: re-run it by itself once its inputs are quiet. */
export interface LateDataPolicy {
  /** Re-run once the inputs have not changed for this long (default 10 minutes). */
  quietPeriod?: Duration;
  /** Only partitions this recent re-run by themselves (daily: by date; keys: by their last run; default 30 days). */
  lookback?: Duration;
  /** Re-run even while inputs keep changing once stale this long (at most once per quiet period); default: wait for quiet. */
  maxDelay?: Duration;
  /** Temporal task priority of the re-runs, 1 (first) to 5 (default 5: behind every other run). */
  priority?: number;
  /** Late-data re-runs of this pipeline going at once, at most (default 1). */
  concurrency?: number;
}

export interface PipelineDefinition {
  name: string;
  description?: string;
  partitioning: Partitioning;
  steps: StepDefinition[];
  /** A suggested schedule, used by `refinery schedule create PIPELINE` when no --cron is given. */
  schedule?: { cron: string; timezone?: string };
  /**
   * When each daily partition must have succeeded, relative to its day in the pipeline's time zone:
   * "D+1 06:00" = by 06:00 on the next day. A missed deadline raises an alert and notifies once.
   */
  deadline?: string;
  /** The newest successful partition may be at most this old (see engine/pipeline/deadlines.ts). */
  freshness?: { maxAge: Duration };
  /** Notification targets (`refinery notify add`) of this pipeline's events; default: the default targets. */
  notify?: string[];
  /** What each partition is computed from (for staleness and triggers). */
  inputs?: PipelineInput[];
  triggers?: TriggerPolicy;
  lateData?: LateDataPolicy;
}

/** Why a run started. */
export type RunTrigger = 'manual' | 'schedule' | 'backfill' | 'late-data' | 'upstream' | 'landing';

/** What the workflow hands to every step activity. */
export interface StepInput {
  pipeline: string;
  partition: string;
  stepId: string;
  layer: Layer;
  /** ops.pipeline_runs.id of this run. */
  runId: number;
  params: Record<string, unknown>;
  writes: TableRef[];
  reads: TableRef[];
  checks: Check[];
}

export interface LineageEntry {
  table: string;
  /** The partition key read or written, or null for "the whole table". */
  partition: string | null;
  rows?: number;
}

/** Rows a step moved, per table: `{ 'silver.imu_windows': 1200 }`. */
export type RowsByTable = Record<string, number>;

/**
 * What a step's own code returns: the rows it read and wrote per table, each table one it declared
 * in its `reads` or `writes` (the step runner refuses any other). Totals and lineage are derived
 * from these by the runner (engine/pipeline/lineage.ts), so each fact is stated once.
 */
export interface StepResult {
  read?: RowsByTable;
  written?: RowsByTable;
  /**
   * Only for a step that read or wrote other partitions than the run's (training reads 28 days):
   * the exact entries of a declared table, replacing its default entry (the run's partition).
   */
  partitions?: { reads?: LineageEntry[]; writes?: LineageEntry[] };
  /** Anything worth keeping in the run summary (model accuracy, simulations run...). */
  metrics?: Record<string, number | string | boolean | null>;
}

export interface CheckResult {
  check: string;
  severity: CheckSeverity;
  passed: boolean;
  /** The measured number the check compared (rows, nulls, duplicates, failures), when there is one. */
  observed: number | null;
  /** What was found, e.g. "0 rows (expected ≥ 1)" or "3 rows with value outside [0, 1]". */
  detail: string;
}

/** A step's result once checked against its declaration: totals and the lineage to record. */
export interface StepRows {
  rowsRead?: number;
  rowsWritten?: number;
  lineage: { reads: LineageEntry[]; writes: LineageEntry[] };
  metrics?: Record<string, number | string | boolean | null>;
}

export interface StepOutcome extends Partial<StepRows> {
  stepId: string;
  /** `reused`: a partial re-run did not run this step and kept what run `reusedFrom` produced. */
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'reused';
  attempt: number;
  /** Data-quality checks run on what the step wrote, and how many of them failed. */
  checks?: { run: number; failed: number };
  error?: string;
  reusedFrom?: number;
  /** Checks of severity warn that did not pass. */
  warnings?: CheckResult[];
  startedAt?: string;
  endedAt?: string;
}

export interface RunSummary {
  pipeline: string;
  partition: string;
  runId: number;
  status: 'succeeded' | 'failed' | 'cancelled';
  steps: StepOutcome[];
  startedAt: string;
  endedAt: string;
}
