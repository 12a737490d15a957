// Temporal's production server (go.temporal.io/server 1.29.1, all four services in one process) on
// PostgreSQL persistence and visibility, for the cluster suite and bench/scale.ts. Its schema is
// applied with the server's own sql tool; with `tls`, the frontend requires client certificates.
// The binaries are found at TEMPORAL_SERVER_PATH (the `server` binary, `sql` beside it) or where
// .ci/run builds them; there is no download fallback.
import { execFile } from 'node:child_process';
import { accessSync, appendFileSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { spawnChild, stopChild } from '../../cli/stack/children.ts';
import { freePort } from '../../cli/stack/ports.ts';
import type { Certificates } from './certificates.ts';

const run = promisify(execFile);
export const TEMPORAL_SERVER_VERSION = '1.29.1';

export interface TemporalServerBinaries {
  server: string;
  sql: string;
}

/** The server and schema tool: TEMPORAL_SERVER_PATH, else the directory .ci/run builds into. */
export function findTemporalServer(env: NodeJS.ProcessEnv = process.env): TemporalServerBinaries {
  const server =
    env.TEMPORAL_SERVER_PATH ?? join(env.REFINERY_TOOLS ?? join(homedir(), '.cache', 'refinery-tools'), `temporal-server-${TEMPORAL_SERVER_VERSION}`, 'server');
  const sql = join(dirname(server), 'sql');
  for (const path of [server, sql]) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      throw new Error(
        `no Temporal server binary at ${path}; build it once with ` +
          `GOBIN=${dirname(server)} go install go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION} go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION} ` +
          '(what .ci/run does), or set TEMPORAL_SERVER_PATH',
      );
    }
  }
  return { server, sql };
}

export interface ClusterPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  pid: number;
  /** Connection options a client of this cluster needs (TLS material when the cluster requires it). */
  tls?: { serverRootCACertificate: Buffer; clientCertPair: { crt: Buffer; key: Buffer }; serverNameOverride: string };
  databases: { persistence: string; visibility: string };
  logFile: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  postgres: ClusterPostgres;
  /** Directory for the config and the server log. */
  workDir: string;
  /** Prefix of the two databases (<prefix> and <prefix>_visibility). */
  databasePrefix?: string;
  namespace?: string;
  /** Require mTLS on the frontend with these certificates. */
  certificates?: Certificates;
  historyShards?: number;
}

/** Creates both databases and applies the schema (idempotent: a second call changes nothing). */
export async function applyTemporalSchema(sql: string, pg: ClusterPostgres, databases: { persistence: string; visibility: string }): Promise<void> {
  const env = { ...process.env, SQL_PLUGIN: 'postgres12', SQL_HOST: pg.host, SQL_PORT: String(pg.port), SQL_USER: pg.user, SQL_PASSWORD: pg.password };
  for (const [db, schema] of [
    [databases.persistence, 'postgresql/v12/temporal'],
    [databases.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    for (const args of [['create-database'], ['setup-schema', '-v', '0.0'], ['update-schema', '-s', schema]]) {
      try {
        await run(sql, ['--db', db, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
      } catch (e) {
        const err = e as { stderr?: string; message: string };
        throw new Error(`temporal sql tool ${args[0]} on ${db} failed: ${(err.stderr ?? err.message).trim().split('\n').slice(-3).join(' | ')}`, { cause: e });
      }
    }
  }
}

function configYaml(o: {
  pg: ClusterPostgres;
  databases: { persistence: string; visibility: string };
  ports: number[];
  certs?: Certificates;
  shards: number;
  dynamic: string;
}) {
  const [frontend, frontendMembership, frontendHttp, history, historyMembership, matching, matchingMembership, worker, workerMembership] = o.ports;
  const sql = (db: string, conns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${JSON.stringify(db)}
        connectAddr: "${o.pg.host}:${o.pg.port}"
        connectProtocol: tcp
        user: ${JSON.stringify(o.pg.user)}
        password: ${JSON.stringify(o.pg.password)}
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const c = o.certs;
  // With requireClientAuth the server's own system worker must present a client certificate too,
  // or its system workflows never start (health still says SERVING).
  const tls = c
    ? `
  tls:
    frontend:
      server:
        certFile: ${c.server.cert}
        keyFile: ${c.server.key}
        requireClientAuth: true
        clientCaFiles: [${c.ca}]
      client:
        serverName: localhost
        rootCaFiles: [${c.ca}]
    systemWorker:
      certFile: ${c.client.cert}
      keyFile: ${c.client.key}
      client:
        serverName: localhost
        rootCaFiles: [${c.ca}]`
    : '';
  const rpc = (grpc: number, membership: number, extra = '') => `
    rpc:
      grpcPort: ${grpc}
      membershipPort: ${membership}
      bindOnLocalHost: true${extra}`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${o.shards}
  datastores:
    default:${sql(o.databases.persistence, 20)}
    visibility:${sql(o.databases.visibility, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1${tls}
services:
  frontend:${rpc(frontend!, frontendMembership!, `\n      httpPort: ${frontendHttp}`)}
  history:${rpc(history!, historyMembership!)}
  matching:${rpc(matching!, matchingMembership!)}
  worker:${rpc(worker!, workerMembership!)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:${frontend}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${o.dynamic}
  pollInterval: 10s
archival:
  history:
    state: disabled
  visibility:
    state: disabled
`;
}

const dynamicConfig = `# Search attributes added by \`refinery temporal setup\` are visible at once (no cache lag in tests).
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
# Eager activity execution, as on the dev server (cli/stack/temporal.ts) and in docker-compose.yml.
system.enableActivityEagerExecution:
  - value: true
limit.maxIDLength:
  - value: 255
`;

/** Starts the server, waits until the frontend answers, and registers the namespace. */
export async function startTemporalCluster(options: ClusterOptions): Promise<TemporalCluster> {
  const bin = findTemporalServer();
  const prefix = options.databasePrefix ?? 'temporal';
  const databases = { persistence: prefix, visibility: `${prefix}_visibility` };
  const namespace = options.namespace ?? 'default';
  mkdirSync(options.workDir, { recursive: true });
  await applyTemporalSchema(bin.sql, options.postgres, databases);

  // Membership ports are stored in a smallint column: keep every port below 32768 (the kernel's
  // ephemeral range starts above it, so ask for random free ones in 20000-32767).
  const ports: number[] = [];
  while (ports.length < 9) {
    const wanted = 20_000 + Math.floor(Math.random() * 12_700);
    if (!ports.includes(wanted) && (await freePort(wanted)) === wanted) ports.push(wanted);
  }
  const dynamic = join(options.workDir, 'dynamicconfig.yaml');
  writeFileSync(dynamic, dynamicConfig);
  writeFileSync(
    join(options.workDir, 'cluster.yaml'),
    configYaml({ pg: options.postgres, databases, ports, certs: options.certificates, shards: options.historyShards ?? 4, dynamic }),
  );
  const logFile = join(options.workDir, 'temporal-server.log');
  // `-r DIR -c .` (not an absolute -c) is how 1.29 finds <DIR>/cluster.yaml.
  const child = spawnChild('temporal-server', bin.server, ['-r', options.workDir, '-c', '.', '-e', 'cluster', '--allow-no-auth', 'start'], {
    onLine: (line) => appendFileSync(logFile, `${line}\n`),
  });
  const address = `127.0.0.1:${ports[0]}`;
  const c = options.certificates;
  // serverNameOverride: the certificate also carries DNS:localhost, and a name (not an IP) keeps Node from warning.
  const tls = c
    ? { serverRootCACertificate: c.read('ca'), clientCertPair: { crt: c.read('client.cert'), key: c.read('client.key') }, serverNameOverride: 'localhost' }
    : undefined;
  const stop = () => stopChild(child, 20_000);
  try {
    const connection = await waitForFrontend(address, tls, () => child.alive(), logFile);
    try {
      await registerNamespace(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { address, namespace, pid: child.process.pid!, tls, databases, logFile, stop };
}

async function waitForFrontend(address: string, tls: TemporalCluster['tls'], alive: () => boolean, logFile: string): Promise<Connection> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the Temporal server exited during start; its log is ${logFile}`);
    try {
      const connection = await Connection.connect({ address, tls, connectTimeout: '2s' });
      await connection.healthService.check({});
      return connection;
    } catch (e) {
      last = (e as Error).message;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`the Temporal server did not answer on ${address} within 120 s (${last}); its log is ${logFile}`);
}

async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  // Right after start the membership ring may still be forming: retry until the namespace exists.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    } catch (e) {
      if (!/already exists|AlreadyExists/i.test((e as Error).message) && Date.now() > deadline) throw e;
    }
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`namespace ${namespace} was not usable within 60 s: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
