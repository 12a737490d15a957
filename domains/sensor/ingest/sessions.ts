// Lands exercise sessions (and their ground-truth labels) in bronze, one transaction per request,
// timestamps on the server clock; the batch id makes a re-post of the same record a duplicate.
import sql from 'sql-template-tag';
import { withTransaction, type Pool } from '../../../lib/db/pool.ts';
import { recordArrivals } from '../../../engine/staleness/arrivals.ts';
import { sessionArrival, SESSIONS_SOURCE } from './arrivals.ts';
import type { ExerciseSession } from './schema.ts';
import type { Landing } from './writer.ts';

export async function landSession(pool: Pool, session: ExerciseSession, keyId: string, requestId?: string): Promise<Landing> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(sql`
      INSERT INTO bronze.ingest_batches (device_id, batch_id, kind, items, key_id, request_id)
      VALUES (${session.deviceId}, ${session.batchId}, 'session', 1, ${keyId}, ${requestId ?? null})
      ON CONFLICT (device_id, batch_id) DO NOTHING`);
    if (!rowCount) return 'duplicate';
    const endedAt = session.endedAt === undefined ? null : new Date(session.endedAt);
    await client.query(sql`
      INSERT INTO bronze.exercise_sessions (device_id, session_id, batch_id, exercise, started_at, ended_at, notes)
      VALUES (${session.deviceId}, ${session.sessionId}, ${session.batchId}, ${session.exercise ?? null}, ${new Date(session.startedAt)}, ${endedAt}, ${session.notes ?? null})`);
    await recordArrivals(client, SESSIONS_SOURCE, [sessionArrival(session.deviceId, session.startedAt)]);
    return 'stored';
  });
}
