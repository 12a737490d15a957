// The watch of one pipeline's deadline and freshness (id watch/<pipeline>), on durable timers: it
// sleeps until the next partition's deadline or until the newest data turns stale, whichever comes
// first, checks, and sleeps again. No polling: a succeeded run signals it (fresher data moves the
// staleness timer), and a restarted worker or API changes nothing, the timers live in Temporal.
import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { WatchActivities } from '../activities/index.ts';
import { deadlineOf, firstPartitionDueAfter, parseDeadline, parseMaxAge } from '../pipeline/deadlines.ts';
import { addDays } from '../pipeline/partitions.ts';
import type { Duration, Partitioning } from '../pipeline/types.ts';

export interface WatchInput {
  pipeline: string;
  partitioning: Partitioning;
  deadline?: string;
  freshness?: { maxAge: Duration };
  notify?: string[];
  /** Carried across continue-as-new: the next partition whose deadline is watched. */
  nextPartition?: string;
}

export interface WatchState {
  pipeline: string;
  /** The partition whose deadline comes next, and when. */
  nextDeadline?: { partition: string; at: string };
  /** When the newest data turns stale (absent: already stale, or nothing succeeded yet). */
  staleAt?: string;
  missed: string[];
}

export const partitionSucceededSignal = defineSignal('partitionSucceeded');
/** The definition changed: start over with the new one (sent by workers at start). */
export const redefineSignal = defineSignal<[WatchInput]>('redefine');
export const watchStateQuery = defineQuery<WatchState>('watchState');

const { checkDeadline, checkFreshness } = proxyActivities<WatchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export function watchWorkflowId(pipeline: string): string {
  return `watch/${pipeline}`;
}

export async function watchPipeline(input: WatchInput): Promise<WatchState> {
  const deadline = input.deadline ? parseDeadline(input.deadline) : undefined;
  const maxAgeMs = input.freshness ? parseMaxAge(input.freshness.maxAge) : undefined;
  const tz = input.partitioning.kind === 'daily' ? input.partitioning.timezone : 'UTC';
  const state: WatchState = { pipeline: input.pipeline, missed: [] };
  let succeeded = false;
  let redefined: WatchInput | undefined;
  setHandler(partitionSucceededSignal, () => void (succeeded = true));
  setHandler(redefineSignal, (next) => void (redefined = next));
  setHandler(watchStateQuery, () => state);

  if (!deadline && !maxAgeMs) return state;
  let next = deadline ? (input.nextPartition ?? firstPartitionDueAfter(Date.now(), deadline, tz)) : undefined;
  const freshness = async () =>
    maxAgeMs ? await checkFreshness({ pipeline: input.pipeline, partitioning: input.partitioning, maxAgeMs, now: Date.now(), notify: input.notify }) : null;
  let staleAt = await freshness();

  for (let wakes = 0; wakes < 500; wakes++) {
    const deadlineAt = next && deadline ? deadlineOf(next, deadline, tz) : undefined;
    state.nextDeadline = next && deadlineAt ? { partition: next, at: new Date(deadlineAt).toISOString() } : undefined;
    state.staleAt = staleAt ? new Date(staleAt).toISOString() : undefined;
    const due = Math.min(deadlineAt ?? Infinity, staleAt ?? Infinity);
    const interrupted = () => succeeded || redefined !== undefined;
    if (Number.isFinite(due)) await condition(interrupted, Math.max(1, due - Date.now()));
    else await condition(interrupted);
    if (redefined) return continueAsNew<typeof watchPipeline>({ ...redefined, nextPartition: redefined.deadline === input.deadline ? next : undefined });
    if (succeeded) {
      succeeded = false;
      staleAt = await freshness();
    }
    if (deadlineAt !== undefined && next && Date.now() >= deadlineAt) {
      if (await checkDeadline({ pipeline: input.pipeline, partition: next, dueAt: deadlineAt, notify: input.notify })) {
        state.missed = [...state.missed.slice(-20), next];
      }
      next = addDays(next, 1);
    }
    if (staleAt !== null && Date.now() >= staleAt) staleAt = await freshness();
  }
  return continueAsNew<typeof watchPipeline>({ ...input, nextPartition: next });
}
