// Brings up what the workers and the API need: PostgreSQL (embedded unless DATABASE_URL is set),
// migrations, the role logins, and Temporal (a local dev server unless TEMPORAL_ADDRESS is set).
// Used by `refinery dev` (persistent, under .refinery/) and the test harness (throwaway, fast).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, redactUrl, type Config } from '../../lib/config.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { checkConnection } from '../../lib/db/pool.ts';
import { groupRoles, provisionLogins, type AppRole } from '../../lib/db/roles.ts';
import { freePort } from './ports.ts';
import { ensureDatabase, startLocalPostgres, type LocalPostgres } from './postgres.ts';
import { startLocalTemporal, type LocalTemporal } from './temporal.ts';

export interface Infrastructure {
  /** Environment for child processes: every URL the workers, API and CLI need. */
  env: Record<string, string>;
  urls: { postgres: string; temporal: string; temporalUi?: string };
  postgres?: LocalPostgres;
  temporal?: LocalTemporal;
  stop(): Promise<void>;
}

export interface InfraOptions {
  config: Config;
  /** Directory for data, logs and secrets. */
  home: string;
  say: (line: string) => void;
  /** Throwaway servers for tests: fsync off, in-memory Temporal without UI. */
  ephemeral?: boolean;
  database?: string;
  /** Further settings of the embedded PostgreSQL server (benches that measure it). */
  postgresSettings?: Record<string, string>;
}

interface Secrets {
  postgres: string;
  roles: Record<AppRole, string>;
  /** Signs the filesystem storage's download links, the same for every API process of this stack. */
  storage: string;
}

/** The stack's secrets, made once; a file from an older version gains the ones it lacks. */
function loadSecrets(home: string): Secrets {
  const file = join(home, 'secrets.json');
  const token = () => randomBytes(18).toString('base64url');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>) : {};
  const roles = Object.fromEntries((Object.keys(groupRoles) as AppRole[]).map((r) => [r, stored.roles?.[r] ?? token()])) as Record<AppRole, string>;
  const secrets: Secrets = { postgres: stored.postgres ?? token(), roles, storage: stored.storage ?? randomBytes(32).toString('base64url') };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

interface State {
  postgresPort?: number;
  temporalPort?: number;
}

function loadState(home: string): State {
  try {
    return JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as State;
  } catch {
    return {};
  }
}

export async function startInfrastructure(options: InfraOptions): Promise<Infrastructure> {
  const { config, say } = options;
  const home = resolve(options.home);
  mkdirSync(join(home, 'logs'), { recursive: true });
  const secrets = loadSecrets(home);
  const state = loadState(home);
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => {});
  };

  try {
    let ownerUrl = config.databaseUrl;
    let postgres: LocalPostgres | undefined;
    if (!ownerUrl) {
      say('starting PostgreSQL (embedded)…');
      postgres = await startLocalPostgres({
        dataDir: join(home, 'postgres'),
        password: secrets.postgres,
        preferredPort: state.postgresPort,
        logFile: join(home, 'logs', 'postgres.log'),
        fast: options.ephemeral,
        settings: options.postgresSettings,
      });
      stops.push(() => postgres!.stop());
      const database = options.database ?? 'refinery';
      await ensureDatabase(postgres.url('postgres'), database);
      ownerUrl = postgres.url(database);
    }
    await checkConnection(ownerUrl, 'DATABASE_URL');
    const applied = await migrate(ownerUrl, { direction: 'up' });
    if (applied.length) say(`applied migrations: ${applied.join(', ')}`);

    const given: Partial<Record<AppRole, string>> = {
      worker: config.workerDatabaseUrl,
      ingest: config.ingestDatabaseUrl,
      api: config.apiDatabaseUrl,
      registrar: config.registrarDatabaseUrl,
      analyst: config.analystDatabaseUrl,
    };
    const missing = (Object.keys(groupRoles) as AppRole[]).filter((r) => !given[r]);
    let roles = given as Record<AppRole, string>;
    if (missing.length) {
      try {
        const provisioned = await provisionLogins(ownerUrl, Object.fromEntries(missing.map((r) => [r, secrets.roles[r]])));
        roles = { ...provisioned, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v)) } as Record<AppRole, string>;
      } catch (e) {
        throw new ConfigError(
          `DATABASE_URL: cannot create the role logins (${(e as Error).message}); set WORKER_DATABASE_URL, INGEST_DATABASE_URL, API_DATABASE_URL, REGISTRAR_DATABASE_URL and ANALYST_DATABASE_URL`,
        );
      }
    }

    let temporal: LocalTemporal | undefined;
    let temporalAddress = config.temporal.address;
    if (!temporalAddress) {
      say('starting the Temporal dev server…');
      const port = await freePort(options.ephemeral ? undefined : (state.temporalPort ?? 7233));
      temporal = await startLocalTemporal({
        cliPath: config.temporal.cliPath,
        dbFile: options.ephemeral ? undefined : join(home, 'temporal.db'),
        port,
        ui: !options.ephemeral,
        uiPort: options.ephemeral ? undefined : await freePort(port + 1000),
        namespace: config.temporal.namespace,
        say,
      });
      stops.push(() => temporal!.stop());
      temporalAddress = temporal.address;
    }

    if (!options.ephemeral) {
      writeFileSync(join(home, 'state.json'), JSON.stringify({ postgresPort: postgres?.port, temporalPort: Number(temporalAddress.split(':').pop()) }));
    }
    return {
      env: {
        DATABASE_URL: ownerUrl,
        WORKER_DATABASE_URL: roles.worker,
        INGEST_DATABASE_URL: roles.ingest,
        API_DATABASE_URL: roles.api,
        REGISTRAR_DATABASE_URL: roles.registrar,
        ANALYST_DATABASE_URL: roles.analyst,
        ...(config.storage.signingSecret ? {} : { STORAGE_SIGNING_SECRET: secrets.storage }),
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_NAMESPACE: config.temporal.namespace,
        REFINERY_HOME: home,
        ...((temporal?.uiUrl ?? config.temporal.uiUrl) ? { TEMPORAL_UI_URL: temporal?.uiUrl ?? config.temporal.uiUrl! } : {}),
      },
      urls: { postgres: redactUrl(ownerUrl), temporal: temporalAddress, temporalUi: temporal?.uiUrl ?? config.temporal.uiUrl },
      postgres,
      temporal,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
