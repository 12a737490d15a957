// A stack of a test's own, for tests that crash and restart servers: a PostgreSQL in a temp dir
// (default durability) that can be crashed and restarted on the same port, migrated, with role
// logins and device keys; and `refinery api` processes against it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, startLocalPostgres, type LocalPostgres } from '../../cli/stack/postgres.ts';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { createPool, type Pool } from '../../lib/db/pool.ts';
import { provisionLogins, type RoleUrls } from '../../lib/db/roles.ts';
import { startRefinery, type RefineryProcess } from './processes.ts';

export interface OwnStack {
  ownerUrl: string;
  roles: RoleUrls;
  owner: Pool;
  postgres: LocalPostgres;
  /** Crashes PostgreSQL (immediate shutdown) and starts it again on the same port and data. */
  restartPostgres(downMs?: number): Promise<void>;
  deviceKeys(count: number): Promise<string[]>;
  startApi(): Promise<{ process: RefineryProcess; url: string }>;
  close(): Promise<void>;
}

export async function ownStack(name: string): Promise<OwnStack> {
  const home = mkdtempSync(join(tmpdir(), `refinery-${name}-`));
  const password = randomBytes(12).toString('hex');
  const start = (port?: number) => startLocalPostgres({ dataDir: join(home, 'postgres'), password, preferredPort: port, logFile: join(home, 'postgres.log') });
  let postgres = await start();
  await ensureDatabase(postgres.url('postgres'), 'refinery');
  const ownerUrl = postgres.url('refinery');
  await migrate(ownerUrl, { direction: 'up' });
  const roles = (await provisionLogins(ownerUrl, {
    worker: randomBytes(9).toString('hex'),
    ingest: randomBytes(9).toString('hex'),
    api: randomBytes(9).toString('hex'),
    registrar: randomBytes(9).toString('hex'),
    analyst: randomBytes(9).toString('hex'),
  })) as RoleUrls;
  const owner = createPool(ownerUrl, { applicationName: 'chaos-owner', max: 4 });
  const apis: RefineryProcess[] = [];
  const stack: OwnStack = {
    ownerUrl,
    roles,
    owner,
    postgres,
    async restartPostgres(downMs = 1000) {
      const port = postgres.port;
      await postgres.crash();
      await new Promise((r) => setTimeout(r, downMs));
      postgres = await start(port);
      if (postgres.port !== port) throw new Error(`PostgreSQL came back on ${postgres.port}, not ${port}`);
      stack.postgres = postgres;
    },
    async deviceKeys(count) {
      const tokens: string[] = [];
      for (let d = 0; d < count; d++) tokens.push((await createApiKey(owner, { name: `device ${d}`, role: 'device', deviceId: `dev-${d}` })).token);
      return tokens;
    },
    async startApi() {
      const port = await freePort();
      const process = startRefinery(['api'], {
        PATH: globalThis.process.env.PATH,
        HOME: globalThis.process.env.HOME,
        REFINERY_HOME: '/nonexistent-refinery-home',
        DATABASE_URL: ownerUrl,
        API_DATABASE_URL: roles.api,
        INGEST_DATABASE_URL: roles.ingest,
        REGISTRAR_DATABASE_URL: roles.registrar,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        API_PORT: String(port),
        LOG_LEVEL: 'warn',
      });
      apis.push(process);
      await waitForPort(port, '127.0.0.1', 60_000, () => process.child.exitCode === null);
      return { process, url: `http://127.0.0.1:${port}` };
    },
    async close() {
      for (const api of apis) await api.kill('SIGKILL');
      await owner.end();
      await postgres.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return stack;
}
