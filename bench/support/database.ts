// A PostgreSQL database for a benchmark: DATABASE_URL's server when set, otherwise a throwaway
// embedded server (default durability settings, so figures match a real deployment's).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startLocalPostgres } from '../../cli/stack/postgres.ts';
import { loadConfig } from '../../lib/config.ts';
import type { Pool } from '../../lib/db/pool.ts';

export interface BenchDatabase {
  url: string;
  version: string;
  stop(): Promise<void>;
}

export async function benchDatabase(name: string): Promise<BenchDatabase> {
  const config = loadConfig(process.env, { useRunningStack: false });
  const database = `bench_${name}`;
  let superUrl = config.databaseUrl;
  let stopServer = async () => {};
  if (!superUrl) {
    const home = mkdtempSync(join(tmpdir(), `refinery-bench-${name}-`));
    const server = await startLocalPostgres({
      dataDir: join(home, 'postgres'),
      password: randomBytes(12).toString('hex'),
      logFile: join(home, 'postgres.log'),
    });
    superUrl = server.url('postgres');
    stopServer = async () => {
      await server.stop();
      rmSync(home, { recursive: true, force: true });
    };
  }
  await ensureDatabase(superUrl, database);
  const u = new URL(superUrl);
  u.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  const { rows } = await client.query('SHOW server_version');
  await client.end();
  return { url: u.toString(), version: rows[0].server_version, stop: stopServer };
}

/** Row count and an order-independent checksum of a table's rows as PostgreSQL prints them, for checking a load. */
export async function tableContents(pool: Pool, table: string): Promise<string> {
  const { rows } = await pool.query(`SELECT count(*)::bigint AS n, coalesce(sum(hashtext(t::text)::bigint), 0) AS sum FROM ${table} t`);
  return `${rows[0].n} rows, checksum ${rows[0].sum}`;
}
