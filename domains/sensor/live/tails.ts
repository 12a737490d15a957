// The live path's state in PostgreSQL, one named function per statement (the write-back as a statement
// the classifier runs inside its last one): each device's tail
// (lib/imu/live-windows.ts), locked for the ingest transaction that continues it, so two API
// processes serving one device take turns and each sees what the other left.
import sql, { type Sql } from 'sql-template-tag';
import type { PoolClient } from '../../../lib/db/pool.ts';
import { decodeTailReadings, encodeTailReadings, type DeviceTail } from '../../../lib/imu/live-windows.ts';
import type { LivePrediction } from './prediction.ts';

export interface StoredTail {
  deviceId: string;
  tail: DeviceTail;
  lastEventId: number;
  lastPrediction: LivePrediction | null;
}

interface TailRow {
  deviceId: string;
  sessionId: string | null;
  readings: Buffer;
  lastTs: Date | null;
  countDay: string | null;
  windowsOnDay: number;
  lastEventId: number;
  lastPrediction: LivePrediction | null;
}

/** The devices' tails, created empty where missing and locked until the transaction ends; ordered by device id (no deadlocks). */
export async function lockDeviceTails(client: PoolClient, deviceIds: string[]): Promise<Map<string, StoredTail>> {
  const sorted = [...new Set(deviceIds)].sort();
  // One statement: missing tails are created, existing ones locked (ON CONFLICT DO UPDATE locks the
  // row), in device order, so two transactions never wait on each other in a cycle.
  const { rows } = await client.query<TailRow>(sql`
    INSERT INTO live.device_tails AS t (device_id) SELECT unnest(${sorted}::text[]) ORDER BY 1
        ON CONFLICT (device_id) DO UPDATE SET device_id = t.device_id
    RETURNING device_id AS "deviceId", session_id AS "sessionId", readings, last_ts AS "lastTs", count_day::text AS "countDay",
              windows_on_day AS "windowsOnDay", last_event_id AS "lastEventId", last_prediction AS "lastPrediction"`);
  return new Map(
    rows.map((r) => [
      r.deviceId,
      {
        deviceId: r.deviceId,
        tail: {
          readings: decodeTailReadings(r.readings),
          sessionId: r.sessionId,
          lastTs: r.lastTs === null ? -Infinity : r.lastTs.getTime(),
          countDay: r.countDay === null ? 0 : Date.parse(`${r.countDay}T00:00:00Z`),
          windowsOnDay: r.windowsOnDay,
        },
        lastEventId: r.lastEventId,
        lastPrediction: r.lastPrediction,
      },
    ]),
  );
}

/**
 * The statement that writes the devices' tails back (the rows locked by lockDeviceTails), to run
 * alone or inside a larger one. The tails' readings go as one binary parameter, each row cut out of
 * it by offset and length: an array of bytea would travel as hex text, twice the bytes, and cost the
 * server the parsing (~6× slower for a hundred 12 KB tails).
 */
export function saveDeviceTailsStatement(tails: StoredTail[]): Sql {
  const col = <T>(f: (t: StoredTail) => T) => tails.map(f);
  const readings = col((t) => encodeTailReadings(t.tail.readings));
  const offsets: number[] = [];
  let offset = 1; // substring() counts from 1
  for (const r of readings) {
    offsets.push(offset);
    offset += r.length;
  }
  return sql`
    UPDATE live.device_tails t SET session_id = u.session_id, readings = substring(${Buffer.concat(readings)}::bytea FROM u.at FOR u.bytes), last_ts = u.last_ts,
           count_day = u.count_day, windows_on_day = u.windows_on_day, last_event_id = u.last_event_id, last_prediction = u.last_prediction, updated_at = now()
      FROM unnest(${col((t) => t.deviceId)}::text[], ${col((t) => t.tail.sessionId)}::text[], ${offsets}::int[], ${readings.map((r) => r.length)}::int[],
                  ${col((t) => (Number.isFinite(t.tail.lastTs) ? new Date(t.tail.lastTs) : null))}::timestamptz[],
                  ${col((t) => (t.tail.countDay ? new Date(t.tail.countDay).toISOString().slice(0, 10) : null))}::date[],
                  ${col((t) => t.tail.windowsOnDay)}::int[], ${col((t) => t.lastEventId)}::bigint[], ${col((t) => (t.lastPrediction ? JSON.stringify(t.lastPrediction) : null))}::jsonb[])
           AS u(device_id, session_id, at, bytes, last_ts, count_day, windows_on_day, last_event_id, last_prediction)
     WHERE t.device_id = u.device_id`;
}
