// Login users for the group roles the migrations create (refinery_worker, refinery_ingest,
// refinery_api). `refinery dev` and the tests provision them; in production a DBA does (README).
import pg from 'pg';

export const groupRoles = { worker: 'refinery_worker', ingest: 'refinery_ingest', api: 'refinery_api' } as const;
export type AppRole = keyof typeof groupRoles;

export interface RoleUrls {
  worker: string;
  ingest: string;
  api: string;
}

export interface Login {
  user: string;
  password: string;
}

/**
 * Creates (or re-keys) one login user per role, member of its group role, and returns their URLs
 * on the same host and database as ownerUrl. Needs CREATEROLE (the embedded superuser has it).
 * Logins default to refinery_<role>_login with the given passwords.
 */
export async function provisionLogins(ownerUrl: string, logins: Record<AppRole, string | Login>): Promise<RoleUrls> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const urls = {} as RoleUrls;
    for (const role of Object.keys(groupRoles) as AppRole[]) {
      const given = logins[role];
      const { user: login, password: secret } = typeof given === 'string' ? { user: `refinery_${role}_login`, password: given } : given;
      const password = pg.escapeLiteral(secret);
      // Serialise concurrent provisioning (parallel test files) on the cluster-wide role catalogue.
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [login]);
      try {
        const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [login]);
        const verb = exists.rowCount ? 'ALTER' : 'CREATE';
        await client.query(`${verb} ROLE ${pg.escapeIdentifier(login)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${password}`);
        await client.query(`GRANT ${pg.escapeIdentifier(groupRoles[role])} TO ${pg.escapeIdentifier(login)}`);
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
