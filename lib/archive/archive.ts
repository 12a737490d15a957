// Archiving a day's partition to object storage and back. Each day moves through the manifest
// (ops.partition_archives): pending → written (object stored) → verified (read back: bytes, rows and
// row digest match) → dropped (partition detached and dropped only if its rows still match), so a
// worker killed at any point leaves the partition and a state the next run carries on from.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { quoteQualified, withClient, withTransaction, type Pool, type PoolClient, type Queryable } from '../db/pool.ts';
import type { ObjectStorage } from '../storage/index.ts';
import { archiveColumn, ArchiveWriter, readArchive, RowDigest, type ArchiveColumn, type ArchiveRow } from './parquet.ts';
import { addDays, archiveKey, partitionDay, type RetentionPolicy } from './policy.ts';

export type ArchiveState = 'pending' | 'written' | 'verified' | 'dropped' | 'restored';

export interface ArchiveDeps {
  pool: Pool;
  storage: ObjectStorage;
  /** Called as work progresses (a step heartbeats with it). */
  progress?: (what: string) => void;
}

/** What became of one day: dropped (archived and verified), kept (and why), or skipped. */
export interface DayOutcome {
  table: string;
  day: string;
  outcome: 'dropped' | 'kept' | 'skipped';
  rows?: number;
  reason?: string;
}

/** Rows fetched from the partition per round trip, and the values gathered before a row group is written. */
const FETCH_ROWS = 1000;
const ROW_GROUP_VALUES = 4_000_000;

export async function loadPolicies(db: Queryable, table?: string): Promise<RetentionPolicy[]> {
  const { rows } = await db.query<RetentionPolicy>(
    `SELECT table_name AS "table", partition_column AS "partitionColumn", hot_days AS "hotDays", ahead_days AS "aheadDays", keep_restored_days AS "keepRestoredDays"
       FROM ops.retention_policies WHERE $1::text IS NULL OR table_name = $1 ORDER BY table_name`,
    [table ?? null],
  );
  return rows;
}

/** The table's columns as the archive stores them, in table order. */
export async function archiveColumns(db: Queryable, table: string): Promise<ArchiveColumn[]> {
  const { rows } = await db.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return rows.map((r) => archiveColumn(table, r.name, r.type));
}

/** Days of the table's attached day partitions, oldest first. */
export async function partitionDays(db: Queryable, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
    [table],
  );
  return rows
    .map((r) => partitionDay(r.name))
    .filter((d): d is string => d !== null)
    .sort();
}

/** Days of `table` between from and to that are archived and dropped from PostgreSQL. */
export async function archivedDays(db: Queryable, table: string, from: string, to: string): Promise<string[]> {
  const { rows } = await db.query<{ day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM ops.partition_archives WHERE table_name = $1 AND day BETWEEN $2 AND $3 AND state = 'dropped' ORDER BY day`,
    [table, from, to],
  );
  return rows.map((r) => r.day);
}

export interface ManifestRow {
  state: ArchiveState;
  object_key: string;
  rows: string | null;
  checksum: string | null;
  rows_sha256: string | null;
  object_sha256: string | null;
  restored_at: Date | null;
}

export async function manifest(db: Queryable, table: string, day: string): Promise<ManifestRow | undefined> {
  const { rows } = await db.query<ManifestRow>(
    `SELECT state, object_key, rows, checksum, rows_sha256, object_sha256, restored_at FROM ops.partition_archives WHERE table_name = $1 AND day = $2`,
    [table, day],
  );
  return rows[0];
}

export async function setState(db: Queryable, table: string, day: string, state: ArchiveState, error: string | null = null): Promise<void> {
  await db.query(
    `UPDATE ops.partition_archives SET state = $3, error = $4, updated_at = now(),
            dropped_at = CASE WHEN $3 = 'dropped' THEN now() ELSE dropped_at END,
            restored_at = CASE WHEN $3 = 'restored' THEN now() ELSE restored_at END
      WHERE table_name = $1 AND day = $2`,
    [table, day, state, error],
  );
}

/** A SELECT of the partition's columns as archive values (dates as day numbers, timestamps as microseconds). */
function selectList(columns: readonly ArchiveColumn[]): string {
  return columns
    .map((c) => {
      const col = pg.escapeIdentifier(c.name);
      if (c.kind === 'date' && !c.array) return `(${col} - date '1970-01-01') AS ${col}`;
      if (c.kind === 'timestamptz' && !c.array) return `(extract(epoch FROM ${col}) * 1000000)::bigint::text AS ${col}`;
      if (c.kind === 'date' || c.kind === 'timestamptz') throw new Error(`${c.name}: arrays of ${c.kind} are not archived`);
      return col;
    })
    .join(', ');
}

function toArchiveRow(columns: readonly ArchiveColumn[], r: Record<string, unknown>): ArchiveRow {
  return columns.map((c) => {
    const v = r[c.name];
    if (v === null || v === undefined) return null;
    if (c.kind === 'timestamptz' || (c.kind === 'int8' && !c.array)) return BigInt(v as string);
    if (c.kind === 'int8') return (v as (string | null)[]).map((x) => (x === null ? null : BigInt(x)));
    return v;
  });
}

const valuesOf = (row: ArchiveRow) => row.reduce<number>((n, v) => n + (Array.isArray(v) ? v.length : 1), 0);

/** Writes the day's rows to its object, read in one snapshot with their PostgreSQL checksum; marks it written. */
async function writeDay(deps: ArchiveDeps, table: string, day: string, key: string): Promise<number> {
  const columns = await archiveColumns(deps.pool, table);
  const partition = `${table}_${day.replaceAll('-', '')}`;
  const written = await withTransaction(deps.pool, async (client) => {
    await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const { rows: sums } = await client.query<{ rows: string; checksum: string }>('SELECT rows, checksum FROM ops.day_checksum($1, $2)', [table, day]);
    const writer = new ArchiveWriter(columns, [
      { key: 'refinery.table', value: table },
      { key: 'refinery.day', value: day },
    ]);
    const digest = new RowDigest(columns);
    await client.query(`DECLARE archive_rows NO SCROLL CURSOR FOR SELECT ${selectList(columns)} FROM ${quoteQualified(partition)}`);
    let group: ArchiveRow[] = [];
    let values = 0;
    for (;;) {
      const { rows } = await client.query<Record<string, unknown>>(`FETCH ${FETCH_ROWS} FROM archive_rows`);
      for (const r of rows) {
        const row = toArchiveRow(columns, r);
        digest.add(row);
        group.push(row);
        values += valuesOf(row);
      }
      if (values >= ROW_GROUP_VALUES || (rows.length < FETCH_ROWS && group.length)) {
        writer.add(group);
        group = [];
        values = 0;
        deps.progress?.(`${table} ${day}: ${writer.rows} rows encoded`);
      }
      if (rows.length < FETCH_ROWS) break;
    }
    return { bytes: writer.finish(), rows: digest.rows, rowsSha256: digest.hex(), pgRows: Number(sums[0]!.rows), checksum: sums[0]!.checksum };
  });
  if (written.rows !== written.pgRows) throw new Error(`${table} ${day}: read ${written.rows} rows but the partition holds ${written.pgRows}`);
  const info = await deps.storage.put(key, Readable.from([written.bytes]), { contentType: 'application/vnd.apache.parquet' });
  await deps.pool.query(
    `UPDATE ops.partition_archives SET state = 'written', rows = $3, checksum = $4, rows_sha256 = $5, object_sha256 = $6, bytes = $7,
            error = NULL, archived_at = now(), updated_at = now() WHERE table_name = $1 AND day = $2`,
    [table, day, written.rows, written.checksum, written.rowsSha256, info.sha256, info.size],
  );
  return written.rows;
}

async function readObject(storage: ObjectStorage, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The object's rows if its bytes, row count and row digest are those recorded; otherwise why not. */
export async function readVerified(
  db: Queryable,
  storage: ObjectStorage,
  table: string,
  m: ManifestRow,
): Promise<{ ok: true; rows: ArchiveRow[]; columns: ArchiveColumn[] } | { ok: false; reason: string }> {
  let bytes: Buffer;
  try {
    bytes = await readObject(storage, m.object_key);
  } catch (e) {
    return { ok: false, reason: `cannot read ${m.object_key}: ${(e as Error).message}` };
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== m.object_sha256)
    return { ok: false, reason: `${m.object_key}: SHA-256 ${sha.slice(0, 12)}… of the stored bytes is not ${m.object_sha256?.slice(0, 12)}… as written` };
  const columns = await archiveColumns(db, table);
  let rows: ArchiveRow[];
  try {
    rows = await readArchive(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, columns);
  } catch (e) {
    return { ok: false, reason: `${m.object_key}: not readable as Parquet (${(e as Error).message})` };
  }
  const digest = new RowDigest(columns);
  for (const r of rows) digest.add(r);
  if (digest.rows !== Number(m.rows)) return { ok: false, reason: `${m.object_key}: ${digest.rows} rows read back, ${m.rows} written` };
  if (digest.hex() !== m.rows_sha256) return { ok: false, reason: `${m.object_key}: the rows read back differ from those written (row digest)` };
  return { ok: true, rows, columns };
}

/**
 * Archives one day of a table and drops its partition, carrying on from the manifest's state. A day
 * is never dropped unless its object was read back and matched, and its rows did not change since.
 */
export async function archiveDay(deps: ArchiveDeps, policy: RetentionPolicy, day: string, runDay: string): Promise<DayOutcome> {
  const table = policy.table;
  return withClient(deps.pool, async (lockHolder) => {
    // One archiver per day at a time; the lock goes with the session if the worker dies.
    const { rows: locked } = await lockHolder.query<{ ok: boolean }>(
      `SELECT pg_try_advisory_lock(hashtext('archive ' || $1), $2::date - date '2000-01-01') AS ok`,
      [table, day],
    );
    if (!locked[0]!.ok) return { table, day, outcome: 'skipped', reason: 'another run is archiving this day' };
    try {
      return await advance(deps, policy, day, runDay, lockHolder);
    } finally {
      await lockHolder.query(`SELECT pg_advisory_unlock(hashtext('archive ' || $1), $2::date - date '2000-01-01')`, [table, day]);
    }
  });
}

async function advance(deps: ArchiveDeps, policy: RetentionPolicy, day: string, runDay: string, db: PoolClient): Promise<DayOutcome> {
  const table = policy.table;
  let m = await manifest(db, table, day);
  if (m?.state === 'dropped') return againInPostgres(deps, table, day);
  if (m?.state === 'restored' && m.restored_at && addDays(m.restored_at.toISOString().slice(0, 10), policy.keepRestoredDays) > runDay) {
    return { table, day, outcome: 'skipped', reason: `restored on ${m.restored_at.toISOString().slice(0, 10)}, kept ${policy.keepRestoredDays} days` };
  }
  if (!m || m.state === 'pending' || m.state === 'restored') {
    const key = archiveKey(table, day);
    await db.query(
      `INSERT INTO ops.partition_archives (table_name, day, state, object_key) VALUES ($1, $2, 'pending', $3)
       ON CONFLICT (table_name, day) DO UPDATE SET state = 'pending', object_key = $3, updated_at = now()`,
      [table, day, key],
    );
    await writeDay(deps, table, day, key);
    m = (await manifest(db, table, day))!;
  }
  if (m.state === 'written') {
    deps.progress?.(`${table} ${day}: verifying`);
    const check = await readVerified(db, deps.storage, table, m);
    if (!check.ok) {
      await setState(db, table, day, 'pending', `verify failed: ${check.reason}`);
      return { table, day, outcome: 'kept', reason: `verify failed: ${check.reason}` };
    }
    await setState(db, table, day, 'verified');
    m = (await manifest(db, table, day))!;
  }
  // verified: drop in one transaction with the manifest's move to dropped.
  const result = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<{ result: string }>('SELECT ops.drop_archived_day($1, $2, $3, $4) AS result', [table, day, m.rows, m.checksum]);
    const r = rows[0]!.result;
    if (r === 'dropped' || r === 'dropped already') await setState(client, table, day, 'dropped');
    else await setState(client, table, day, 'pending', r);
    return r;
  });
  if (result.startsWith('kept')) return { table, day, outcome: 'kept', reason: result.slice(6) };
  return { table, day, outcome: 'dropped', rows: Number(m.rows) };
}

/**
 * A day archived and dropped whose partition was made again: dropped again when empty (a run or
 * the ingest made it and wrote nothing); kept, and said, when rows landed in it, since the archive
 * does not hold them.
 */
async function againInPostgres(deps: ArchiveDeps, table: string, day: string): Promise<DayOutcome> {
  const { rows } = await deps.pool.query<{ rows: string | null }>('SELECT rows FROM ops.day_checksum($1, $2)', [table, day]);
  if (rows[0]!.rows === null) return { table, day, outcome: 'skipped', reason: 'archived and dropped already' };
  const held = Number(rows[0]!.rows);
  if (held === 0) {
    const { rows: dropped } = await deps.pool.query<{ result: string }>(`SELECT ops.drop_archived_day($1, $2, 0, '0:0') AS result`, [table, day]);
    if (dropped[0]!.result.startsWith('dropped'))
      return { table, day, outcome: 'skipped', reason: 'archived already; the empty partition made since was dropped' };
  }
  return {
    table,
    day,
    outcome: 'kept',
    reason: `archived and dropped before, but the partition holds ${held} rows again (late data or a run that wrote the day), which the archive does not have; left in PostgreSQL`,
  };
}

/**
 * A run wrote a day of `table` again (re-derived from restored input): if the day was archived and
 * dropped, it is back in PostgreSQL, and its archive is replaced once the restored days' keep
 * period ends. Call it in the transaction that writes the day.
 */
export async function markRederived(db: Queryable, table: string, day: string): Promise<void> {
  await db.query(
    `UPDATE ops.partition_archives SET state = 'restored', restored_at = now(), updated_at = now(), error = NULL WHERE table_name = $1 AND day = $2 AND state = 'dropped'`,
    [table, day],
  );
}
