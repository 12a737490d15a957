// Notification events and their webhook payloads. An event's id says what it is about
// ("run.failed/123"), so it happens once and doubles as the receivers' idempotency key. Two
// payloads: the event as generic JSON, and a Slack-compatible incoming-webhook message. Pure.
import type { RunSummary } from '../pipeline/types.ts';

export const eventTypes = [
  'run.failed',
  'run.recovered',
  'backfill.finished',
  'backfill.failed',
  'deadline.missed',
  'freshness.exceeded',
  'check.warning',
  'test',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface NotificationEvent {
  id: string;
  type: EventType;
  occurredAt: string;
  /** One line a person reads first, e.g. "sensor 2026-11-29 failed: train: …". */
  title: string;
  pipeline?: string;
  partition?: string;
  runId?: number;
  backfillId?: string;
  /** Label → value pairs shown under the title (failed steps, due time, age…). */
  facts: Record<string, string>;
  links: { temporal?: string };
}

export type WebhookFormat = 'json' | 'slack';

const icons: Record<EventType, string> = {
  'run.failed': ':x:',
  'run.recovered': ':white_check_mark:',
  'backfill.finished': ':white_check_mark:',
  'backfill.failed': ':x:',
  'deadline.missed': ':alarm_clock:',
  'freshness.exceeded': ':hourglass:',
  'check.warning': ':warning:',
  test: ':wave:',
};

/** The events a finished run raises: failed, recovered (it succeeded after a failed run), check warnings. */
export function runEvents(summary: RunSummary, previous: { id: number; status: string } | undefined, temporalUrl?: string): NotificationEvent[] {
  const base = {
    occurredAt: summary.endedAt,
    pipeline: summary.pipeline,
    partition: summary.partition,
    runId: summary.runId,
    links: { temporal: temporalUrl },
  };
  const where = `${summary.pipeline} ${summary.partition}`;
  const events: NotificationEvent[] = [];
  if (summary.status === 'failed') {
    const failed = summary.steps.filter((s) => s.status === 'failed');
    const skipped = summary.steps.filter((s) => s.status === 'skipped');
    events.push({
      ...base,
      id: `run.failed/${summary.runId}`,
      type: 'run.failed',
      title: `${where} failed: ${failed.map((s) => `${s.stepId}: ${s.error ?? 'failed'}`).join('; ') || (skipped[0]?.error ?? 'cancelled')}`,
      facts: {
        run: String(summary.runId),
        ...(failed.length ? { 'failed steps': failed.map((s) => s.stepId).join(', ') } : {}),
        ...(skipped.length ? { skipped: skipped.map((s) => s.stepId).join(', ') } : {}),
      },
    });
  }
  if (summary.status === 'succeeded' && previous?.status === 'failed') {
    events.push({
      ...base,
      id: `run.recovered/${summary.runId}`,
      type: 'run.recovered',
      title: `${where} recovered: run ${summary.runId} succeeded after run ${previous.id} failed`,
      facts: { run: String(summary.runId), 'failed run': String(previous.id) },
    });
  }
  const warnings = summary.steps.flatMap((s) => (s.warnings ?? []).map((w) => ({ step: s.stepId, ...w })));
  if (warnings.length) {
    events.push({
      ...base,
      id: `check.warning/${summary.runId}`,
      type: 'check.warning',
      title: `${where}: ${warnings.length} check${warnings.length > 1 ? 's' : ''} did not pass (warn): ${warnings.map((w) => `${w.step} ${w.check}: ${w.detail}`).join('; ')}`,
      facts: Object.fromEntries(warnings.map((w) => [`${w.step} ${w.check}`, w.detail])),
    });
  }
  return events;
}

/** The body posted to a target of the given format. */
export function webhookBody(event: NotificationEvent, format: WebhookFormat): unknown {
  if (format === 'json') return event;
  const facts = Object.entries(event.facts).map(([k, v]) => `*${k}*: ${v}`);
  const link = event.links.temporal ? `<${event.links.temporal}|Open in Temporal>` : undefined;
  const text = `${icons[event.type]} ${event.title}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      ...(facts.length ? [{ type: 'section', text: { type: 'mrkdwn', text: facts.join('\n') } }] : []),
      { type: 'context', elements: [{ type: 'mrkdwn', text: [`${event.type} · ${event.id}`, link].filter(Boolean).join(' · ') }] },
    ],
  };
}
