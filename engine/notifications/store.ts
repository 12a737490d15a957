// Notification targets, events and deliveries in ops. Recording an event also records one pending
// delivery per target it goes to (the pipeline's own targets, or the default ones), in one
// statement, so an event is never half-recorded; recording it again changes nothing.
import type { Queryable } from '../../lib/db/pool.ts';
import { eventTypes, type EventType, type NotificationEvent, type WebhookFormat } from './events.ts';

export class TargetError extends Error {
  override name = 'TargetError';
}

export interface Target {
  name: string;
  url: string;
  format: WebhookFormat;
  events: EventType[] | null;
  isDefault: boolean;
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** Checks a target before it is stored; throws TargetError naming the field. */
export function checkTarget(t: Target): Target {
  if (!NAME.test(t.name)) throw new TargetError(`name: "${t.name}" must be lower-case letters, digits, "-" or "_", starting with a letter`);
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    throw new TargetError(`--url: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetError(`--url: must be http:// or https:// (got ${url.protocol})`);
  if (t.format !== 'json' && t.format !== 'slack') throw new TargetError(`--format: must be json or slack (got "${String(t.format)}")`);
  for (const e of t.events ?? []) {
    if (!(eventTypes as readonly string[]).includes(e)) throw new TargetError(`--events: unknown event "${e}" (events: ${eventTypes.join(', ')})`);
  }
  return t;
}

export async function saveTarget(db: Queryable, target: Target): Promise<void> {
  const t = checkTarget(target);
  await db.query(
    `INSERT INTO ops.notification_targets (name, url, format, events, is_default) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, format = EXCLUDED.format, events = EXCLUDED.events, is_default = EXCLUDED.is_default`,
    [t.name, t.url, t.format, t.events, t.isDefault],
  );
}

export async function removeTarget(db: Queryable, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM ops.notification_targets WHERE name = $1', [name]);
  return Boolean(rowCount);
}

export async function listTargets(db: Queryable): Promise<Target[]> {
  const { rows } = await db.query('SELECT name, url, format, events, is_default FROM ops.notification_targets ORDER BY name');
  return rows.map((r) => ({ name: r.name, url: r.url, format: r.format, events: r.events, isDefault: r.is_default }));
}

export async function getTarget(db: Queryable, name: string): Promise<Target | undefined> {
  return (await listTargets(db)).find((t) => t.name === name);
}

/**
 * Records an event and a pending delivery to each of its targets: `targets` (a pipeline's own) or,
 * when undefined, every default target; in both cases only targets that take this event type.
 * Returns the targets still to deliver to (none when the event was delivered before).
 */
export async function recordEvent(db: Queryable, event: NotificationEvent, targets: string[] | undefined): Promise<string[]> {
  const { rows } = await db.query(
    `WITH event AS (
       INSERT INTO ops.notification_events (id, type, pipeline, partition_key, run_id, backfill_id, occurred_at, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING RETURNING id),
     chosen AS (
       SELECT n.name FROM unnest($9::text[]) AS n(name)
        LEFT JOIN ops.notification_targets t ON t.name = n.name
        WHERE $9::text[] IS NOT NULL AND (t.events IS NULL OR $2 = ANY(t.events))
       UNION
       SELECT t.name FROM ops.notification_targets t
        WHERE $9::text[] IS NULL AND t.is_default AND (t.events IS NULL OR $2 = ANY(t.events)))
     INSERT INTO ops.notification_deliveries (event_id, target)
     SELECT (SELECT id FROM event), name FROM chosen WHERE EXISTS (SELECT 1 FROM event)
     ON CONFLICT DO NOTHING
     RETURNING target`,
    [
      event.id,
      event.type,
      event.pipeline ?? null,
      event.partition ?? null,
      event.runId ?? null,
      event.backfillId ?? null,
      event.occurredAt,
      event,
      targets ?? null,
    ],
  );
  if (rows.length) return rows.map((r) => r.target as string);
  return pendingTargets(db, event.id);
}

export async function pendingTargets(db: Queryable, eventId: string): Promise<string[]> {
  const { rows } = await db.query(`SELECT target FROM ops.notification_deliveries WHERE event_id = $1 AND status IN ('pending', 'retrying') ORDER BY target`, [
    eventId,
  ]);
  return rows.map((r) => r.target as string);
}

export async function getEvent(db: Queryable, id: string): Promise<NotificationEvent | undefined> {
  const { rows } = await db.query('SELECT payload FROM ops.notification_events WHERE id = $1', [id]);
  return rows[0]?.payload;
}

export interface DeliveryOutcome {
  status: 'delivered' | 'retrying' | 'failed';
  attempt: number;
  responseCode?: number;
  error?: string;
}

export async function recordDeliveryAttempt(db: Queryable, eventId: string, target: string, outcome: DeliveryOutcome): Promise<void> {
  await db.query(
    `UPDATE ops.notification_deliveries SET status = $3, attempts = greatest(attempts, $4), response_code = coalesce($5, response_code), last_error = coalesce($6, last_error), updated_at = now()
      WHERE event_id = $1 AND target = $2 AND status <> 'delivered'`,
    [eventId, target, outcome.status, outcome.attempt, outcome.responseCode ?? null, outcome.error ?? null],
  );
}

export interface DeliveryRow {
  eventId: string;
  type: string;
  target: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  pipeline: string | null;
  partition: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function listDeliveries(db: Queryable, filter: { status?: string; limit?: number } = {}): Promise<DeliveryRow[]> {
  const { rows } = await db.query(
    `SELECT d.event_id, e.type, d.target, d.status, d.attempts, d.response_code, d.last_error, e.pipeline, e.partition_key, d.created_at, d.updated_at
       FROM ops.notification_deliveries d JOIN ops.notification_events e ON e.id = d.event_id
      WHERE ($1::text IS NULL OR d.status = $1) ORDER BY d.created_at DESC, d.event_id, d.target LIMIT $2`,
    [filter.status ?? null, filter.limit ?? 50],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    type: r.type,
    target: r.target,
    status: r.status,
    attempts: r.attempts,
    responseCode: r.response_code,
    lastError: r.last_error,
    pipeline: r.pipeline,
    partition: r.partition_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
