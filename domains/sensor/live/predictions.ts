// Live predictions in registry.live_predictions, one named function per statement (the traffic log and
// NOTIFY as statements the classifier runs inside its last one): written with the
// COPY writer inside the ingest transaction (counted in registry.predictions, and announced with
// NOTIFY, delivered at commit), read by event id for SSE streams and polling clients.
import sql, { type Sql } from 'sql-template-tag';
import { copyRows } from '../../../lib/db/copy.ts';
import type { PoolClient, Queryable } from '../../../lib/db/pool.ts';
import type { LivePrediction } from './prediction.ts';

/**
 * The channel every API process listens on. A payload is {"p": [LivePrediction, …]} (the
 * predictions themselves, so listeners need no query), or, for one too large to carry,
 * {"n": [[deviceId, newest event id], …]} (listeners fetch).
 */
export const LIVE_CHANNEL = 'refinery_live_predictions';
/** NOTIFY payloads must stay under 8,000 bytes. */
const MAX_PAYLOAD = 7_800;

export async function copyLivePredictions(client: PoolClient, predictions: LivePrediction[]): Promise<void> {
  if (!predictions.length) return;
  await copyRows(
    client,
    {
      table: 'registry.live_predictions',
      columns: [
        'device_id',
        'event_id',
        'model_version_id',
        'session_id',
        'window_day',
        'window_index',
        'start_ts',
        'end_ts',
        'predicted',
        'probability',
        { name: 'probabilities', json: true },
        'classified_at',
      ],
    },
    predictions.map((p) => [
      p.deviceId,
      p.eventId,
      p.modelVersionId,
      p.sessionId,
      p.day,
      p.windowIndex,
      p.startTs,
      p.endTs,
      p.predicted,
      p.probability,
      p.probabilities,
      p.classifiedAt,
    ]),
  );
}

/**
 * The model database's view of live traffic: one row per model version per ingest transaction in
 * registry.predictions (beside the batch pipeline's rows, source 'registry.live_predictions'), with
 * how many windows of how many devices it classified and the classes it gave them. A statement to
 * run inside a larger one (null when there is nothing to log).
 */
export function liveTrafficStatement(predictions: LivePrediction[]): Sql | null {
  if (!predictions.length) return null;
  const byVersion = new Map<number, { devices: Set<string>; classes: Record<string, number>; items: number }>();
  for (const p of predictions) {
    let v = byVersion.get(p.modelVersionId);
    if (!v) byVersion.set(p.modelVersionId, (v = { devices: new Set(), classes: {}, items: 0 }));
    v.items++;
    v.devices.add(p.deviceId);
    v.classes[p.predicted] = (v.classes[p.predicted] ?? 0) + 1;
  }
  const versions = [...byVersion];
  return sql`
    INSERT INTO registry.predictions (model_version_id, source, items, summary)
    SELECT v, 'registry.live_predictions', n, s FROM unnest(${versions.map(([id]) => id)}::bigint[], ${versions.map(([, v]) => v.items)}::int[],
           ${versions.map(([, v]) => JSON.stringify({ devices: v.devices.size, predicted: v.classes }))}::jsonb[]) AS t(v, n, s)`;
}

export type LiveNotification = { p: LivePrediction[] } | { n: [string, number][] };

/** The NOTIFY payloads that tell every API process about new predictions, each under the size limit. */
export function announcements(predictions: LivePrediction[]): string[] {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 8;
  for (const p of predictions) {
    const json = JSON.stringify(p);
    if (json.length + 8 > MAX_PAYLOAD) {
      payloads.push(JSON.stringify({ n: [[p.deviceId, p.eventId]] }));
      continue;
    }
    if (bytes + json.length + 1 > MAX_PAYLOAD) {
      payloads.push(`{"p":[${chunk.join(',')}]}`);
      [chunk, bytes] = [[], 8];
    }
    chunk.push(json);
    bytes += json.length + 1;
  }
  if (chunk.length) payloads.push(`{"p":[${chunk.join(',')}]}`);
  return payloads;
}

/** SELECTs that NOTIFY the payloads in order (delivered when the transaction commits), to end a statement. */
export function announceStatement(payloads: string[]): Sql {
  return sql`SELECT pg_notify(${LIVE_CHANNEL}, payload) FROM unnest(${payloads}::text[]) WITH ORDINALITY AS t(payload, n) ORDER BY n`;
}

interface PredictionRow {
  deviceId: string;
  eventId: number;
  sessionId: string | null;
  day: string;
  windowIndex: number;
  startTs: Date;
  endTs: Date;
  model: string;
  version: number;
  modelVersionId: number;
  predicted: string;
  probability: number;
  probabilities: Record<string, number>;
  classifiedAt: Date;
}

const selectPrediction = sql`
  SELECT p.device_id AS "deviceId", p.event_id AS "eventId", p.session_id AS "sessionId", p.window_day::text AS day, p.window_index AS "windowIndex",
         p.start_ts AS "startTs", p.end_ts AS "endTs", m.name AS model, v.version, p.model_version_id AS "modelVersionId", p.predicted,
         p.probability, p.probabilities, p.classified_at AS "classifiedAt"
    FROM registry.live_predictions p
    JOIN registry.model_versions v ON v.id = p.model_version_id
    JOIN registry.models m ON m.id = v.model_id`;

const toPrediction = (r: PredictionRow): LivePrediction => ({
  ...r,
  startTs: r.startTs.toISOString(),
  endTs: r.endTs.toISOString(),
  classifiedAt: r.classifiedAt.toISOString(),
});

/** A device's predictions after event `afterEventId`, oldest first. */
export async function predictionsAfter(db: Queryable, deviceId: string, afterEventId: number, limit: number): Promise<LivePrediction[]> {
  const { rows } = await db.query<PredictionRow>(
    sql`${selectPrediction} WHERE p.device_id = ${deviceId} AND p.event_id > ${afterEventId} ORDER BY p.event_id LIMIT ${limit}`,
  );
  return rows.map(toPrediction);
}

/** A device's newest `limit` predictions, oldest first. */
export async function latestPredictions(db: Queryable, deviceId: string, limit: number): Promise<LivePrediction[]> {
  const { rows } = await db.query<PredictionRow>(sql`${selectPrediction} WHERE p.device_id = ${deviceId} ORDER BY p.event_id DESC LIMIT ${limit}`);
  return rows.map(toPrediction).reverse();
}

/** The newest event id of a device (0 when it has none). */
export async function newestEventId(db: Queryable, deviceId: string): Promise<number> {
  const { rows } = await db.query<{ n: number | null }>(sql`SELECT max(event_id) AS n FROM registry.live_predictions WHERE device_id = ${deviceId}`);
  return rows[0]?.n ?? 0;
}

/** For several devices at once, the predictions after each one's event id (one query per fan-out). */
export async function predictionsAfterEach(db: Queryable, after: Map<string, number>, limitPerDevice: number): Promise<LivePrediction[]> {
  if (!after.size) return [];
  const { rows } = await db.query<PredictionRow>(sql`
    SELECT c.* FROM unnest(${[...after.keys()]}::text[], ${[...after.values()]}::bigint[]) AS a(device_id, after_event_id)
     CROSS JOIN LATERAL (${selectPrediction} WHERE p.device_id = a.device_id AND p.event_id > a.after_event_id ORDER BY p.event_id LIMIT ${limitPerDevice}) c`);
  return rows.map(toPrediction);
}
