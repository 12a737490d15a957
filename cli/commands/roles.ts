// `refinery roles provision`: creates the login users named in WORKER_/INGEST_/API_/REGISTRAR_
// DATABASE_URL (user and password taken from each URL) as members of their group roles, and the
// analyst login (from ANALYST_DATABASE_URL, or refinery_analyst_login with a new password, shown
// once). For Docker and for servers where the owner may create roles; otherwise a DBA runs the SQL
// in README "Database roles".
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig, redactUrl, requireUrl } from '../../lib/config.ts';
import { checkConnection } from '../../lib/db/pool.ts';
import { defaultAnalystLimits, provisionLogins, serviceRoles, type AppRole, type Login } from '../../lib/db/roles.ts';
import { examples } from '../context.ts';
import { UserError } from '../user-error.ts';

interface ProvisionOptions {
  only?: string;
  statementTimeout: string;
  connectionLimit: string;
}

const loginFromUrl = (url: string): Login => {
  const u = new URL(url);
  return { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
};

export function registerRolesCommands(program: Command): void {
  program
    .command('roles')
    .description('database role logins')
    .addHelpText(
      'after',
      examples(
        'refinery roles provision                 # every login named in the *_DATABASE_URL settings, and the analyst',
        'refinery roles provision --only analyst  # a new analyst login; its URL (with the password) is printed once',
        'refinery roles provision --only analyst --statement-timeout 5min --connection-limit 20',
      ),
    )
    .command('provision')
    .description('create the worker, ingest, api, registrar and analyst logins (needs CREATEROLE)')
    .option('--only <role>', 'one role: worker, ingest, api, registrar or analyst')
    .option('--statement-timeout <interval>', 'analyst login: longest statement', defaultAnalystLimits.statementTimeout)
    .option('--connection-limit <n>', 'analyst login: most connections at once', String(defaultAnalystLimits.connectionLimit))
    .action(async (opts: ProvisionOptions) => {
      const config = loadConfig();
      const owner = requireUrl(config, 'owner');
      const roles: AppRole[] = opts.only ? [opts.only as AppRole] : [...serviceRoles, 'analyst'];
      if (opts.only && ![...serviceRoles, 'analyst'].includes(opts.only as AppRole)) {
        throw new UserError(`--only: must be one of ${[...serviceRoles, 'analyst'].join(', ')} (got "${opts.only}")`);
      }
      const connectionLimit = Number(opts.connectionLimit);
      if (!Number.isInteger(connectionLimit) || connectionLimit < 1) throw new UserError(`--connection-limit: must be a whole number of at least 1`);
      if (!/^\d+\s*(ms|s|min|h)?$/.test(opts.statementTimeout)) throw new UserError(`--statement-timeout: must look like 60s, 500ms or 5min`);
      await checkConnection(owner, 'DATABASE_URL');
      const logins: Partial<Record<AppRole, Login>> = {};
      let generatedAnalyst = false;
      for (const role of roles) {
        if (role === 'analyst' && !config.analystDatabaseUrl) {
          logins.analyst = { user: 'refinery_analyst_login', password: randomBytes(18).toString('base64url') };
          generatedAnalyst = true;
        } else {
          logins[role] = loginFromUrl(requireUrl(config, role));
        }
      }
      const urls = await provisionLogins(owner, logins, { statementTimeout: opts.statementTimeout, connectionLimit });
      console.log(
        `provisioned logins: ${Object.values(logins)
          .map((l) => l.user)
          .join(', ')}`,
      );
      if (urls.analyst) {
        console.log(`analyst login: read-only, statement_timeout ${opts.statementTimeout}, at most ${connectionLimit} connections`);
        // The password is shown once, here, when this command made it; nowhere else keeps it.
        const shown = new URL(urls.analyst);
        if (!shown.searchParams.has('sslmode')) shown.searchParams.set('sslmode', 'require');
        console.log(`  ${generatedAnalyst ? shown.toString() : redactUrl(shown.toString())}`);
        if (generatedAnalyst) console.log('  (the password is shown only now; keep it, or run this again for a new one)');
      }
    });
}
