// `refinery roles provision`: creates the login users named in WORKER_/INGEST_/API_DATABASE_URL
// (user and password taken from each URL) as members of their group roles. For Docker and for
// servers where the owner may create roles; otherwise a DBA runs the SQL in README "Database roles".
import type { Command } from 'commander';
import { loadConfig, requireUrl } from '../../lib/config.ts';
import { checkConnection } from '../../lib/db/pool.ts';
import { provisionLogins, type AppRole, type Login } from '../../lib/db/roles.ts';

export function registerRolesCommands(program: Command): void {
  program
    .command('roles')
    .description('database role logins')
    .command('provision')
    .description('create the worker, ingest and api logins from their URLs (needs CREATEROLE)')
    .action(async () => {
      const config = loadConfig();
      const owner = requireUrl(config, 'owner');
      await checkConnection(owner, 'DATABASE_URL');
      const logins = {} as Record<AppRole, Login>;
      for (const role of ['worker', 'ingest', 'api'] as const) {
        const u = new URL(requireUrl(config, role));
        logins[role] = { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
      }
      await provisionLogins(owner, logins);
      console.log(
        `provisioned logins: ${Object.values(logins)
          .map((l) => l.user)
          .join(', ')}`,
      );
    });
}
