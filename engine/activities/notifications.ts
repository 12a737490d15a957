// Activities of the notify workflow: which deliveries of an event are still to do, one webhook POST
// (Temporal retries it with backoff; every attempt is recorded with its response code and error),
// and marking a delivery failed once retries are spent.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { getEvent, getTarget, pendingTargets, recordDeliveryAttempt } from '../notifications/store.ts';
import { postWebhook } from '../notifications/webhook.ts';
import type { ActivityDeps } from './deps.ts';

export function createNotificationActivities({ pools }: Pick<ActivityDeps, 'pools'>) {
  const db = pools.worker;
  return {
    async pendingDeliveries(eventId: string): Promise<string[]> {
      return pendingTargets(db, eventId);
    },
    async deliverWebhook(eventId: string, target: string): Promise<{ responseCode?: number }> {
      const attempt = Context.current().info.attempt;
      const [event, t] = await Promise.all([getEvent(db, eventId), getTarget(db, target)]);
      if (!event) throw ApplicationFailure.nonRetryable(`no event ${eventId}`, 'WebhookRefused');
      if (!t) {
        const error = `no notification target named ${target} (add it with refinery notify add ${target} --url …)`;
        await recordDeliveryAttempt(db, eventId, target, { status: 'failed', attempt, error });
        throw ApplicationFailure.nonRetryable(error, 'WebhookRefused');
      }
      const result = await postWebhook(t.url, t.format, event, attempt);
      const status = result.ok ? 'delivered' : result.retryable ? 'retrying' : 'failed';
      await recordDeliveryAttempt(db, eventId, target, { status, attempt, responseCode: result.responseCode, error: result.error });
      if (!result.ok)
        throw ApplicationFailure.create({
          message: result.error!,
          type: result.retryable ? 'WebhookFailed' : 'WebhookRefused',
          nonRetryable: !result.retryable,
        });
      return { responseCode: result.responseCode };
    },
    async markDeliveryFailed(eventId: string, target: string, error: string): Promise<void> {
      await recordDeliveryAttempt(db, eventId, target, { status: 'failed', attempt: 0, error });
    },
  };
}
