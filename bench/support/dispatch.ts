// How long Temporal kept tasks waiting: for each workflow or activity task in a history, the time
// from its Scheduled event to its Started event (when a worker picked it up), in milliseconds.
import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
type Timestamp = { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

// EventType numbers (temporal.api.enums.v1.EventType).
const WORKFLOW_TASK_STARTED = 6;
const ACTIVITY_TASK_STARTED = 11;

function ms(t: Timestamp): number {
  const seconds = typeof t?.seconds === 'number' ? t.seconds : (t?.seconds?.toNumber() ?? 0);
  return seconds * 1000 + (t?.nanos ?? 0) / 1e6;
}

export function dispatchWaits(history: History): number[] {
  const scheduledAt = new Map<number, number>();
  const waits: number[] = [];
  for (const event of history.events ?? []) {
    const id = Number(event.eventId);
    scheduledAt.set(id, ms(event.eventTime));
    const started =
      event.eventType === WORKFLOW_TASK_STARTED
        ? event.workflowTaskStartedEventAttributes?.scheduledEventId
        : event.eventType === ACTIVITY_TASK_STARTED
          ? event.activityTaskStartedEventAttributes?.scheduledEventId
          : undefined;
    if (started !== undefined && started !== null) waits.push(ms(event.eventTime) - scheduledAt.get(Number(started))!);
  }
  return waits;
}
