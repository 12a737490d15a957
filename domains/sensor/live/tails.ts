// The live path's state in PostgreSQL, one named function per statement (the write-back as a statement
// the classifier runs inside its last one): each device's tail
// (lib/imu/live-windows.ts), locked for the ingest transaction that continues it, so two API
// processes serving one device take turns and each sees what the other left. Every write gives the
// tail a new generation (one sequence); a process remembers the tails it committed (TailCache) and,
// when the locked row still has the generation it wrote, uses them instead of reading the readings back.
import pg, { type QueryResult } from 'pg';
import sql, { type Sql } from 'sql-template-tag';
import type { PoolClient } from '../../../lib/db/pool.ts';
import { decodeTailReadings, encodeTailReadings, type DeviceTail } from '../../../lib/imu/live-windows.ts';
import type { LivePrediction } from './prediction.ts';

export interface StoredTail {
  deviceId: string;
  tail: DeviceTail;
  lastEventId: number;
  lastPrediction: LivePrediction | null;
  /** The generation of the row as it was locked (a new one is given when it is written back). */
  generation: string;
}

/** Tails locked without reading their readings back (remembered, or just made) and tails read back. */
export interface TailCounts {
  tailHits: number;
  tailMisses: number;
}

/**
 * The tails this process committed last, by device, with the generation each was written with (a
 * bigint, kept as its decimal text). Holds at most `capacity` devices, the least recently used
 * leaving first. Counts into `counts` (the live classifier's stats, for metrics and tests).
 */
export class TailCache {
  private readonly tails = new Map<string, { generation: string; tail: StoredTail }>();

  constructor(
    private readonly capacity = 4096,
    readonly counts: TailCounts = { tailHits: 0, tailMisses: 0 },
  ) {}

  /** The remembered tail when it is the generation the row holds now. */
  take(deviceId: string, generation: string): StoredTail | undefined {
    const hit = this.tails.get(deviceId);
    if (hit?.generation !== generation) return undefined;
    this.tails.delete(deviceId);
    this.tails.set(deviceId, hit);
    // A copy: the transaction continuing it may still roll back, and what is remembered must stay
    // what was committed (the tail's fields are replaced, never changed in place).
    return { ...hit.tail };
  }

  /** Remembers tails once the transaction that wrote them with these generations has committed. */
  remember(tails: StoredTail[], generations: Map<string, string>): void {
    for (const t of tails) {
      const generation = generations.get(t.deviceId);
      if (generation === undefined) continue;
      this.tails.delete(t.deviceId);
      this.tails.set(t.deviceId, { generation, tail: { ...t, generation } });
    }
    for (const oldest of this.tails.keys()) {
      if (this.tails.size <= this.capacity) break;
      this.tails.delete(oldest);
    }
  }

  get size(): number {
    return this.tails.size;
  }
}

interface TailRow {
  deviceId: string;
  generation: string;
  /** Made by this statement: nothing to read back. */
  created: boolean;
  sessionId: string | null;
  lastTs: Date | null;
  countDay: string | null;
  windowsOnDay: number;
  lastEventId: number;
  lastPrediction: LivePrediction | null;
}

/**
 * The devices' tails, created empty where missing and locked until the transaction ends; ordered by
 * device id (no deadlocks). A tail the cache holds at the row's generation is taken from it; the
 * others' readings are read in one more statement. `first`, a statement without parameters (the
 * ingest writer's SAVEPOINT), goes in the same round trip, before the lock.
 */
export async function lockDeviceTails(client: PoolClient, deviceIds: string[], cache?: TailCache, first?: string): Promise<Map<string, StoredTail>> {
  const sorted = [...new Set(deviceIds)].sort();
  // One statement: missing tails are created, existing ones locked (ON CONFLICT DO UPDATE locks the
  // row), in device order, so two transactions never wait on each other in a cycle. The ids are
  // written into it as quoted literals, so that `first` and the lock can go as one simple query.
  const devices = `ARRAY[${sorted.map((d) => pg.escapeLiteral(d)).join(',')}]::text[]`;
  const lock = `INSERT INTO live.device_tails AS t (device_id) SELECT unnest(${devices}) ORDER BY 1
        ON CONFLICT (device_id) DO UPDATE SET device_id = t.device_id
    RETURNING device_id AS "deviceId", generation::text, xmax = 0 AS created, session_id AS "sessionId", last_ts AS "lastTs", count_day::text AS "countDay",
              windows_on_day AS "windowsOnDay", last_event_id AS "lastEventId", last_prediction AS "lastPrediction"`;
  const result = (await client.query(first ? `${first}; ${lock}` : lock)) as unknown as QueryResult<TailRow> | QueryResult<TailRow>[];
  const rows = Array.isArray(result) ? result.at(-1)!.rows : result.rows;
  const tails = new Map<string, StoredTail>();
  const unknown: TailRow[] = [];
  for (const r of rows) {
    const remembered = cache?.take(r.deviceId, r.generation);
    if (remembered) tails.set(r.deviceId, remembered);
    else if (r.created) tails.set(r.deviceId, storedTail(r, null));
    else unknown.push(r);
  }
  if (cache) {
    cache.counts.tailHits += rows.length - unknown.length;
    cache.counts.tailMisses += unknown.length;
  }
  if (!unknown.length) return tails;
  const { rows: stored } = await client.query<{ deviceId: string; readings: Buffer }>(
    sql`SELECT device_id AS "deviceId", readings FROM live.device_tails WHERE device_id = ANY(${unknown.map((r) => r.deviceId)}::text[])`,
  );
  const readings = new Map(stored.map((r) => [r.deviceId, r.readings]));
  for (const r of unknown) tails.set(r.deviceId, storedTail(r, readings.get(r.deviceId) ?? null));
  return tails;
}

function storedTail(r: TailRow, readings: Buffer | null): StoredTail {
  return {
    deviceId: r.deviceId,
    generation: r.generation,
    tail: {
      readings: decodeTailReadings(readings),
      sessionId: r.sessionId,
      lastTs: r.lastTs === null ? -Infinity : r.lastTs.getTime(),
      countDay: r.countDay === null ? 0 : Date.parse(`${r.countDay}T00:00:00Z`),
      windowsOnDay: r.windowsOnDay,
    },
    lastEventId: r.lastEventId,
    lastPrediction: r.lastPrediction,
  };
}

/**
 * The statement that writes the devices' tails back (the rows locked by lockDeviceTails), each with
 * a new generation, returning (device_id, generation as text); to run alone or inside a larger one. The tails' readings go as one binary parameter, each row cut out of
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
    UPDATE live.device_tails t SET generation = nextval('live.tail_generations'), session_id = u.session_id, readings = substring(${Buffer.concat(readings)}::bytea FROM u.at FOR u.bytes), last_ts = u.last_ts,
           count_day = u.count_day, windows_on_day = u.windows_on_day, last_event_id = u.last_event_id, last_prediction = u.last_prediction, updated_at = now()
      FROM unnest(${col((t) => t.deviceId)}::text[], ${col((t) => t.tail.sessionId)}::text[], ${offsets}::int[], ${readings.map((r) => r.length)}::int[],
                  ${col((t) => (Number.isFinite(t.tail.lastTs) ? new Date(t.tail.lastTs) : null))}::timestamptz[],
                  ${col((t) => (t.tail.countDay ? new Date(t.tail.countDay).toISOString().slice(0, 10) : null))}::date[],
                  ${col((t) => t.tail.windowsOnDay)}::int[], ${col((t) => t.lastEventId)}::bigint[], ${col((t) => (t.lastPrediction ? JSON.stringify(t.lastPrediction) : null))}::jsonb[])
           AS u(device_id, session_id, at, bytes, last_ts, count_day, windows_on_day, last_event_id, last_prediction)
     WHERE t.device_id = u.device_id
    RETURNING t.device_id, t.generation::text`;
}
