// Activities of the watch workflow: did a partition make its deadline (if not, raise the alert and
// notify, once), and is the pipeline's newest data still fresh (if not, the same; if so, when it
// will stop being). "Now" comes from the workflow, so its timers and these answers agree.
import { Context } from '@temporalio/activity';
import { dataTimeOf } from '../pipeline/deadlines.ts';
import type { Partitioning } from '../pipeline/types.ts';
import { newestSuccess, partitionSucceeded, raiseAlert } from '../history/alerts.ts';
import { raiseEvent } from '../notifications/dispatch.ts';
import type { ActivityDeps } from './deps.ts';

export interface DeadlineCheck {
  pipeline: string;
  partition: string;
  dueAt: number;
  notify?: string[];
}

export interface FreshnessCheck {
  pipeline: string;
  partitioning: Partitioning;
  maxAgeMs: number;
  now: number;
  notify?: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function hours(ms: number): string {
  return ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
}

export function createWatchActivities({ pools, taskQueues }: Pick<ActivityDeps, 'pools' | 'taskQueues'>) {
  const db = pools.worker;
  return {
    /** True when the deadline was missed (the alert and its notification are raised once). */
    async checkDeadline(c: DeadlineCheck): Promise<boolean> {
      if (await partitionSucceeded(db, c.pipeline, c.partition)) return false;
      const detail = `${c.pipeline} ${c.partition} had not succeeded by its deadline ${iso(c.dueAt)}`;
      const id = `deadline/${c.pipeline}/${c.partition}`;
      await raiseAlert(db, { id, kind: 'deadline', pipeline: c.pipeline, partition: c.partition, dueAt: new Date(c.dueAt), detail });
      await raiseEvent(
        db,
        Context.current().client,
        taskQueues.io,
        {
          id: `deadline.missed/${c.pipeline}/${c.partition}`,
          type: 'deadline.missed',
          occurredAt: iso(c.dueAt),
          title: `${detail}`,
          pipeline: c.pipeline,
          partition: c.partition,
          facts: { deadline: iso(c.dueAt) },
          links: {},
        },
        c.notify,
      );
      return true;
    },

    /**
     * When the newest data becomes too old (an instant), or null when it already is (alert and
     * notification raised once for that newest partition) or nothing ever succeeded.
     */
    async checkFreshness(c: FreshnessCheck): Promise<number | null> {
      const newest = await newestSuccess(db, c.pipeline, c.partitioning.kind === 'daily');
      if (!newest) return null;
      const staleAt = dataTimeOf(c.partitioning, newest.partition, newest.endedAt.getTime()) + c.maxAgeMs;
      if (staleAt > c.now) return staleAt;
      const age = c.now - (staleAt - c.maxAgeMs);
      const detail = `${c.pipeline}: newest successful partition ${newest.partition} is ${hours(age)} old (at most ${hours(c.maxAgeMs)})`;
      const id = `freshness/${c.pipeline}/${newest.partition}`;
      await raiseAlert(db, { id, kind: 'freshness', pipeline: c.pipeline, partition: newest.partition, dueAt: new Date(staleAt), detail });
      await raiseEvent(
        db,
        Context.current().client,
        taskQueues.io,
        {
          id: `freshness.exceeded/${c.pipeline}/${newest.partition}`,
          type: 'freshness.exceeded',
          occurredAt: iso(staleAt),
          title: detail,
          pipeline: c.pipeline,
          partition: newest.partition,
          facts: { 'newest partition': newest.partition, age: hours(age), 'max age': hours(c.maxAgeMs) },
          links: {},
        },
        c.notify,
      );
      return null;
    },
  };
}
