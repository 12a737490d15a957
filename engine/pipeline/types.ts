// The shape of a pipeline: plain data that the pipeline-run workflow interprets. No functions, so
// a definition can travel in a workflow's input and be stored by Temporal as is.

export type Layer = 'bronze' | 'silver' | 'gold';
export type QueueKind = 'io' | 'compute';

export type Partitioning =
  /** One partition per calendar day (YYYY-MM-DD) in the given IANA time zone. */
  | { kind: 'daily'; timezone: string }
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

/** Data-quality checks on the rows a step wrote to one of its `writes` tables, in this partition. */
export type Check =
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
}

export interface PipelineDefinition {
  name: string;
  description?: string;
  partitioning: Partitioning;
  steps: StepDefinition[];
  /** A suggested schedule, used by `refinery schedule create PIPELINE` when no --cron is given. */
  schedule?: { cron: string; timezone?: string };
}

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

/** A step's result once checked against its declaration: totals and the lineage to record. */
export interface StepRows {
  rowsRead?: number;
  rowsWritten?: number;
  lineage: { reads: LineageEntry[]; writes: LineageEntry[] };
  metrics?: Record<string, number | string | boolean | null>;
}

export interface StepOutcome extends Partial<StepRows> {
  stepId: string;
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled';
  attempt: number;
  error?: string;
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
