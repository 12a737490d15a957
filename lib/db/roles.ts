// Login users for the group roles the migrations create (refinery_worker, refinery_ingest,
// refinery_api, refinery_registrar, refinery_analyst). `refinery dev`, `refinery roles provision`
// and the tests provision them; in production a DBA may instead (README "Database roles").
import pg from 'pg';

export const groupRoles = {
  worker: 'refinery_worker',
  ingest: 'refinery_ingest',
  api: 'refinery_api',
  registrar: 'refinery_registrar',
  analyst: 'refinery_analyst',
} as const;
export type AppRole = keyof typeof groupRoles;
/** The roles Refinery's own processes connect as (the analyst login is for people). */
export const serviceRoles = ['worker', 'ingest', 'api', 'registrar'] as const satisfies readonly AppRole[];

export type RoleUrls = Record<AppRole, string>;

export interface Login {
  user: string;
  password: string;
}

/** What keeps an analyst's session from hurting the pipelines: set on the login itself. */
export interface AnalystLimits {
  /** PostgreSQL interval, e.g. "60s". */
  statementTimeout: string;
  connectionLimit: number;
}

export const defaultAnalystLimits: AnalystLimits = { statementTimeout: '60s', connectionLimit: 10 };

/**
 * Creates (or re-keys) one login user per given role, member of its group role, and returns their
 * URLs on the same host and database as ownerUrl. Needs CREATEROLE (the embedded superuser has it).
 * Logins default to refinery_<role>_login. The analyst login is read-only by default, has a
 * statement timeout and a connection limit; it cannot turn read-only off into anything useful,
 * since its role has no write grant anywhere.
 */
export async function provisionLogins(
  ownerUrl: string,
  logins: Partial<Record<AppRole, string | Login>>,
  analyst: AnalystLimits = defaultAnalystLimits,
): Promise<Partial<RoleUrls>> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const urls: Partial<RoleUrls> = {};
    for (const role of Object.keys(logins) as AppRole[]) {
      const given = logins[role]!;
      const { user: login, password: secret } = typeof given === 'string' ? { user: `refinery_${role}_login`, password: given } : given;
      const password = pg.escapeLiteral(secret);
      const name = pg.escapeIdentifier(login);
      // Serialise concurrent provisioning (parallel test files) on the cluster-wide role catalogue.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [login]);
      try {
        const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
        const verb = exists.rowCount ? 'ALTER' : 'CREATE';
        const limit = role === 'analyst' ? ` CONNECTION LIMIT ${Math.max(1, Math.floor(analyst.connectionLimit))}` : '';
        await client.query(`${verb} ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${limit} PASSWORD ${password}`);
        await client.query(`GRANT ${pg.escapeIdentifier(groupRoles[role])} TO ${name}`);
        if (role === 'analyst') {
          await client.query(`ALTER ROLE ${name} SET statement_timeout = ${pg.escapeLiteral(analyst.statementTimeout)}`);
          await client.query(`ALTER ROLE ${name} SET default_transaction_read_only = on`);
          await client.query(`ALTER ROLE ${name} SET idle_in_transaction_session_timeout = '5min'`);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [login]);
      }
      const u = new URL(ownerUrl);
      u.username = login;
      u.password = secret;
      urls[role] = u.toString();
    }
    return urls;
  } finally {
    await client.end();
  }
}
