// Lands exercise sessions (and their ground-truth labels) in bronze, one transaction per request;
// the batch id makes a re-post of the same record a duplicate.
import { withTransaction, type Pool } from '../../../lib/db/pool.ts';
import type { ExerciseSession } from './schema.ts';
import type { Landing } from './writer.ts';

export async function landSession(pool: Pool, session: ExerciseSession, keyId: string, requestId?: string): Promise<Landing> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `INSERT INTO bronze.ingest_batches (device_id, batch_id, kind, items, key_id, request_id) VALUES ($1, $2, 'session', 1, $3, $4)
       ON CONFLICT (device_id, batch_id) DO NOTHING`,
      [session.deviceId, session.batchId, keyId, requestId ?? null],
    );
    if (!rowCount) return 'duplicate';
    await client.query(
      `INSERT INTO bronze.exercise_sessions (device_id, session_id, batch_id, exercise, started_at, ended_at, notes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        session.deviceId,
        session.sessionId,
        session.batchId,
        session.exercise ?? null,
        new Date(session.startedAt),
        session.endedAt === undefined ? null : new Date(session.endedAt),
        session.notes ?? null,
      ],
    );
    return 'stored';
  });
}
