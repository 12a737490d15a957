// Raising an event: record it with its pending deliveries, then start the workflow that delivers
// them (id notify/<event id>, so raising an event twice delivers it once). Called from activities,
// with the worker's own Temporal client; the pipeline that raised the event never waits for delivery.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Queryable } from '../../lib/db/pool.ts';
import type { NotificationEvent } from './events.ts';
import { recordEvent } from './store.ts';

/** The workflow type that delivers one event (engine/workflows/notify.ts). */
export const NOTIFY_WORKFLOW = 'notifyEvent';

export async function raiseEvent(db: Queryable, client: Client, taskQueue: string, event: NotificationEvent, targets?: string[]): Promise<void> {
  const pending = await recordEvent(db, event, targets);
  if (!pending.length) return;
  try {
    await client.workflow.start(NOTIFY_WORKFLOW, {
      taskQueue,
      workflowId: `notify/${event.id}`,
      args: [event.id],
      // Alerts go ahead of backlogged backfill work.
      priority: { priorityKey: 1 },
    });
  } catch (e) {
    if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
  }
}
