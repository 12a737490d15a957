// Activities of the backfill workflow: choosing the partitions of an only-failed backfill and
// recording the backfill in ops.backfills; a backfill that ends raises its notification.
import { Context } from '@temporalio/activity';
import { partitionsToRedo } from '../history/run-queries.ts';
import { raiseEvent } from '../notifications/dispatch.ts';
import type { ActivityDeps } from './deps.ts';

export interface BackfillRecord {
  id: string;
  workflowRunId: string;
  pipeline: string;
  range: unknown;
  partitions: number;
  concurrency: number;
  mode: 'all' | 'only-failed';
}

export type BackfillCounts = Record<'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled', number>;

export function createBackfillActivities({ pools, taskQueues }: Pick<ActivityDeps, 'pools' | 'taskQueues'>) {
  return {
    async selectPartitionsToRedo(pipeline: string, partitions: string[]): Promise<string[]> {
      return partitionsToRedo(pools.worker, pipeline, partitions);
    },
    async recordBackfillStart(b: BackfillRecord): Promise<void> {
      await pools.worker.query(
        `INSERT INTO ops.backfills (id, workflow_run_id, pipeline, range, partitions, concurrency, mode, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'running')
         ON CONFLICT (id) DO UPDATE SET workflow_run_id = EXCLUDED.workflow_run_id, partitions = EXCLUDED.partitions,
           status = 'running', ended_at = NULL, started_at = CASE WHEN ops.backfills.status = 'running' THEN ops.backfills.started_at ELSE now() END`,
        [b.id, b.workflowRunId, b.pipeline, JSON.stringify(b.range), b.partitions, b.concurrency, b.mode],
      );
    },
    async recordBackfillEnd(
      id: string,
      status: 'succeeded' | 'failed' | 'cancelled',
      counts: BackfillCounts & { failures?: { partition: string; error: string }[] },
      options: { notify?: string[] } = {},
    ): Promise<void> {
      const { rows } = await pools.worker.query(
        `UPDATE ops.backfills SET status = $2, counts = $3, ended_at = coalesce(ended_at, now()) WHERE id = $1 RETURNING pipeline, partitions, ended_at`,
        [id, status, counts],
      );
      if (status === 'cancelled' || !rows[0]) return;
      const { pipeline, partitions, ended_at: endedAt } = rows[0];
      const first = counts.failures?.[0];
      const type = status === 'failed' ? 'backfill.failed' : 'backfill.finished';
      await raiseEvent(
        pools.worker,
        Context.current().client,
        taskQueues.io,
        {
          id: `${type}/${id}`,
          type,
          occurredAt: (endedAt as Date).toISOString(),
          title: `backfill ${id} ${status === 'failed' ? 'failed' : 'finished'}: ${partitions} partitions, ${counts.succeeded} succeeded, ${counts.failed} failed${first ? ` (first: ${first.partition}: ${first.error})` : ''}`,
          pipeline,
          backfillId: id,
          facts: { partitions: String(partitions), succeeded: String(counts.succeeded), failed: String(counts.failed), skipped: String(counts.skipped) },
          links: {},
        },
        options.notify,
      );
    },
  };
}
