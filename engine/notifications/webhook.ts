// One webhook POST: the event as JSON (or a Slack message) with its id as Idempotency-Key. A 2xx is
// delivered; a network error, a timeout, 408, 429 or a 5xx is worth retrying; any other answer is
// not. Errors name the target's host, never its URL (which may be a credential).
import { redactText } from '../../lib/redact.ts';
import { webhookBody, type NotificationEvent, type WebhookFormat } from './events.ts';

export interface WebhookResult {
  ok: boolean;
  retryable: boolean;
  responseCode?: number;
  error?: string;
}

export async function postWebhook(url: string, format: WebhookFormat, event: NotificationEvent, attempt: number, timeoutMs = 10_000): Promise<WebhookResult> {
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': event.id,
        'x-refinery-event': event.type,
        'x-refinery-delivery-attempt': String(attempt),
        'user-agent': 'refinery-webhooks',
      },
      body: JSON.stringify(webhookBody(event, format)),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { ok: false, retryable: true, error: redactText(`${host}: ${why}`) };
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return { ok: true, retryable: false, responseCode: response.status };
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  return {
    ok: false,
    retryable,
    responseCode: response.status,
    error: redactText(`${host} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`),
  };
}
