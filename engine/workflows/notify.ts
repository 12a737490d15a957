// Delivers one notification event to each of its pending targets in parallel. Temporal retries each
// POST with backoff (about 13 minutes in all); a target that never accepts is marked failed. Nothing
// here can fail or slow the run or backfill that raised the event: they do not wait for it.
import { ActivityFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { NotificationActivities } from '../activities/index.ts';

const { deliverWebhook } = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10, nonRetryableErrorTypes: ['WebhookRefused'] },
});
const { pendingDeliveries, markDeliveryFailed } = proxyLocalActivities<NotificationActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export interface NotifyResult {
  delivered: string[];
  failed: string[];
}

export async function notifyEvent(eventId: string): Promise<NotifyResult> {
  const targets = await pendingDeliveries(eventId);
  const result: NotifyResult = { delivered: [], failed: [] };
  await Promise.all(
    targets.map(async (target) => {
      try {
        await deliverWebhook(eventId, target);
        result.delivered.push(target);
      } catch (e) {
        const error = e instanceof ActivityFailure && e.cause ? e.cause.message : (e as Error).message;
        await markDeliveryFailed(eventId, target, error);
        result.failed.push(target);
      }
    }),
  );
  return result;
}
