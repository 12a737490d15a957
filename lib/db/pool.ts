// PostgreSQL connection pools and transactions: one place that knows how Refinery talks to pg.
import pg from 'pg';
import { redactUrl } from '../config.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

// int8 and numeric as JS numbers: Refinery's counts and ids fit in 2^53, and callers want numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export interface PoolOptions {
  /** Shows in pg_stat_activity, e.g. "refinery-worker-io". */
  applicationName: string;
  max?: number;
  /** Server-side limit on each statement, in ms (the API uses it so slow queries fail, not hang). */
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
}

export function createPool(url: string, options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: url,
    application_name: options.applicationName,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
  });
  // An idle client losing its server (a restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

/** What a held client's error listener saw: set when the connection broke while we held it. */
interface Held {
  broken?: Error;
}

/**
 * Runs fn with one checked-out client (no transaction). A checked-out client has no error listener
 * of the pool's: if its server goes away (a restart), node-postgres emits 'error' on it, which would
 * crash the process. We listen for the time we hold it, and hand a broken client back to the pool
 * as broken, so it is not reused.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient, held: Held) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const held: Held = {};
  const onError = (e: Error) => {
    held.broken = e;
  };
  client.on('error', onError);
  try {
    return await fn(client, held);
  } finally {
    client.removeListener('error', onError);
    client.release(held.broken);
  }
}

/** Runs fn inside BEGIN/COMMIT on one held client (see withClient); rolls back and rethrows on any error. */
export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client, held) => {
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      if (!held.broken) await client.query('ROLLBACK').catch((rollbackError: Error) => (held.broken = rollbackError));
      throw e;
    }
  });
}

/** Connects once and runs `select 1`; the error names the URL (without its password) and the cause. */
export async function checkConnection(url: string, variable: string, timeoutMs = 5000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code && !err.message.includes(err.code) ? `${err.code} ${err.message}` : err.message;
    throw new DatabaseUnreachable(`${variable}: cannot connect to ${redactUrl(url)} (${why})`);
  } finally {
    await client.end().catch(() => {});
  }
}

export class DatabaseUnreachable extends Error {
  override name = 'DatabaseUnreachable';
}

/** Quotes a possibly schema-qualified name: bronze.readings → "bronze"."readings". */
export function quoteQualified(name: string): string {
  return name
    .split('.')
    .map((part) => pg.escapeIdentifier(part))
    .join('.');
}
