// Deciding what to do with due partitions: the reconciler workflow runs this on every tick, and the
// CLI and API run it to say what will happen next. A triggered partition runs once its inputs have
// settled; a stale one re-runs (trigger `late-data`, low priority) once its inputs have been quiet
// for the quiet period, within the lookback, a few at a time, at most once per quiet period, and
// never again for inputs a re-run already started for. Pure and deterministic (safe in workflows).
import { durationMs, formatDuration } from '../pipeline/durations.ts';
import type { Duration, PipelineDefinition, RunTrigger } from '../pipeline/types.ts';
import type { DuePartition } from './detect.ts';

/** A pipeline's policies in milliseconds, with a reconciler's overrides applied. */
export interface EffectivePolicy {
  lateData: { quietPeriodMs: number; lookbackMs: number; maxDelayMs: number | null; priority: number; concurrency: number } | null;
  triggers: { on: ('upstream' | 'landing')[]; settleMs: { upstream: number; landing: number } } | null;
}

/** Settings an operator may override per deployment (`refinery reconcile start --quiet-period …`). */
export interface PolicyOverrides {
  quietPeriod?: Duration;
  lookback?: Duration;
  maxDelay?: Duration;
  settle?: Duration;
}

export const DEFAULT_QUIET_PERIOD = '10 minutes';
export const DEFAULT_LOOKBACK = '30 days';
export const DEFAULT_LANDING_SETTLE = '30 seconds';
/** Temporal task priority of late-data re-runs unless the policy says otherwise: behind every other run. */
export const LATE_DATA_PRIORITY = 5;

export function effectivePolicy(pipeline: Pick<PipelineDefinition, 'lateData' | 'triggers'>, overrides: PolicyOverrides = {}): EffectivePolicy {
  const late = pipeline.lateData;
  const t = pipeline.triggers;
  const settle = overrides.settle ?? t?.settle;
  return {
    lateData: late
      ? {
          quietPeriodMs: durationMs(overrides.quietPeriod ?? late.quietPeriod ?? DEFAULT_QUIET_PERIOD),
          lookbackMs: durationMs(overrides.lookback ?? late.lookback ?? DEFAULT_LOOKBACK),
          maxDelayMs: (overrides.maxDelay ?? late.maxDelay) === undefined ? null : durationMs((overrides.maxDelay ?? late.maxDelay)!),
          priority: late.priority ?? LATE_DATA_PRIORITY,
          concurrency: late.concurrency ?? 1,
        }
      : null,
    triggers: t
      ? {
          on: t.on,
          settleMs: {
            upstream: settle === undefined ? 0 : durationMs(settle),
            landing: durationMs(settle ?? DEFAULT_LANDING_SETTLE),
          },
        }
      : null,
  };
}

/** What the reconciler remembers of the re-runs it started: per partition, for which inputs and when. */
export type LaunchMemory = Record<string, { version: string; atMs: number; trigger: RunTrigger }>;

export interface Decision {
  partition: string;
  action: 'launch' | 'wait';
  /** For a launch: why the run starts, and at which priority (undefined: the run's default). */
  trigger?: RunTrigger;
  priority?: number;
  /** Why the partition is due (the detection's reason). */
  reason: string;
  /** What happens next, for operators: "re-runs by itself in 4 minutes (after 10 minutes without new input)". */
  next: string;
  version: string;
}

export interface PlanRequest {
  /** Run now: ignore quiet periods, settling, lookback, concurrency and earlier failures (never a partition already running). */
  force?: boolean;
  /** Only these partitions. */
  partitions?: string[];
}

const inMs = (ms: number) => `in ${formatDuration(Math.max(1000, ms))}`;

function triggerOf(due: DuePartition, policy: EffectivePolicy): 'upstream' | 'landing' | undefined {
  const on = policy.triggers?.on ?? [];
  if (due.kinds.includes('upstream') && on.includes('upstream')) return 'upstream';
  if (due.kinds.includes('landing') && on.includes('landing')) return 'landing';
  return undefined;
}

/**
 * One decision per due partition. `runningLateData` is how many late-data runs of the pipeline are
 * going; `nowMs` is the caller's clock, used only against `memory` (ages in `due` are the
 * database's).
 */
export function planReconciliation(
  pipeline: string,
  due: readonly DuePartition[],
  policy: EffectivePolicy,
  context: { memory?: LaunchMemory; nowMs: number; runningLateData: number; request?: PlanRequest },
): Decision[] {
  const { memory = {}, nowMs, request } = context;
  const force = request?.force ?? false;
  const only = request?.partitions && new Set(request.partitions);
  let lateSlots = (policy.lateData?.concurrency ?? 1) - context.runningLateData;
  const byHand = (p: string) => `refinery stale run --pipeline ${pipeline} --partition ${p}`;
  const decisions: Decision[] = [];
  // Triggered partitions first; then late data, newest partition first (`due` comes newest first).
  const ordered = [...due].sort((a, b) => Number(!triggerOf(a, policy)) - Number(!triggerOf(b, policy)));
  for (const d of ordered) {
    if (only && !only.has(d.partition)) continue;
    const wait = (next: string): Decision => ({ partition: d.partition, action: 'wait', reason: d.reason, next, version: d.version });
    const launch = (trigger: RunTrigger, priority?: number, next?: string): Decision => ({
      partition: d.partition,
      action: 'launch',
      trigger,
      priority,
      reason: d.reason,
      next: next ?? `${trigger} run starting now`,
      version: d.version,
    });
    const run = d.latestRun;
    if (run?.status === 'running') {
      decisions.push(wait(`a run is going (run ${run.id}, ${run.trigger})`));
      continue;
    }
    const trigger = triggerOf(d, policy);
    const late = policy.lateData;
    if (force) {
      decisions.push(launch(trigger ?? 'late-data', trigger ? undefined : (late?.priority ?? LATE_DATA_PRIORITY), 'run started by hand'));
      continue;
    }
    const remembered = memory[d.partition];
    if (run && run.status !== 'succeeded' && run.version === d.version) {
      decisions.push(
        wait(
          `the last run (${run.id}, ${run.trigger}) ${run.status} with these inputs${run.error ? `: ${run.error}` : ''}; re-run by hand: ${byHand(d.partition)}`,
        ),
      );
      continue;
    }
    if (remembered?.version === d.version) {
      decisions.push(wait(`a ${remembered.trigger} run already started for these inputs`));
      continue;
    }
    if (trigger) {
      const settle = policy.triggers!.settleMs[trigger];
      const quiet = d.quietForMs ?? Infinity;
      if (quiet >= settle) decisions.push(launch(trigger));
      else
        decisions.push(
          wait(
            `runs once its ${trigger === 'landing' ? 'landing files have' : 'upstream has'} been still for ${formatDuration(settle)} (${inMs(settle - quiet)})`,
          ),
        );
      continue;
    }
    if (d.state !== 'stale') continue;
    if (!late) {
      decisions.push(wait(`no late-data policy: re-run by hand: ${byHand(d.partition)}`));
      continue;
    }
    if (d.ageMs > late.lookbackMs) {
      decisions.push(wait(`older than the ${formatDuration(late.lookbackMs)} lookback: re-run by hand: ${byHand(d.partition)}`));
      continue;
    }
    const quiet = d.quietForMs ?? Infinity;
    const overdue = late.maxDelayMs !== null && (d.staleForMs ?? 0) >= late.maxDelayMs;
    if (quiet < late.quietPeriodMs && !overdue) {
      const untilQuiet = late.quietPeriodMs - quiet;
      const untilOverdue = late.maxDelayMs === null ? Infinity : late.maxDelayMs - (d.staleForMs ?? 0);
      decisions.push(wait(`re-runs by itself ${inMs(Math.min(untilQuiet, untilOverdue))} (after ${formatDuration(late.quietPeriodMs)} without new input)`));
      continue;
    }
    // At most once per quiet period, remembered by the reconciler or seen in the run history.
    const lastLateMs = Math.min(remembered ? nowMs - remembered.atMs : Infinity, run?.trigger === 'late-data' ? run.startedForMs : Infinity);
    if (lastLateMs < late.quietPeriodMs) {
      decisions.push(
        wait(`re-ran ${formatDuration(lastLateMs)} ago; at most once per ${formatDuration(late.quietPeriodMs)} (${inMs(late.quietPeriodMs - lastLateMs)})`),
      );
      continue;
    }
    if (lateSlots <= 0) {
      decisions.push(wait(`waiting for a late-data slot (${late.concurrency} at once)`));
      continue;
    }
    lateSlots--;
    decisions.push(launch('late-data', late.priority, `late-data re-run starting now (priority ${late.priority})`));
  }
  return decisions;
}
