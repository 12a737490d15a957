// Activities of pools: a run asking the pool workflow for a lease (signal-with-start, so the pool
// workflow starts on first use), and the pool asking Temporal which of its holders have ended.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { poolWorkflowId, type LeaseRequest } from '../workflows/pool.ts';

export function createPoolActivities() {
  return {
    async requestPoolSlot(pool: string, taskQueue: string, request: LeaseRequest): Promise<void> {
      await Context.current().client.workflow.signalWithStart('pool', {
        workflowId: poolWorkflowId(pool),
        taskQueue,
        args: [{ name: pool, slots: request.slots }],
        signal: 'acquire',
        signalArgs: [request],
        priority: { priorityKey: 1 },
      });
    },
    /** Of the given holders, those whose workflow run is no longer running, as "workflowId/runId". */
    async closedPoolHolders(holders: LeaseRequest['holder'][]): Promise<string[]> {
      const client = Context.current().client;
      const closed: string[] = [];
      for (const h of holders) {
        try {
          const d = await client.workflow.getHandle(h.workflowId, h.runId).describe();
          if (d.status.name !== 'RUNNING') closed.push(`${h.workflowId}/${h.runId}`);
        } catch (e) {
          if (e instanceof WorkflowNotFoundError) closed.push(`${h.workflowId}/${h.runId}`);
          else throw e;
        }
      }
      return closed;
    },
  };
}
