// What bench/scale.ts runs on: an embedded PostgreSQL (default durability) holding both Temporal's
// databases and Refinery's, Temporal's production server on it (no TLS), `refinery worker`
// processes, and CPU accounting per component read from /proc (clock ticks of each process tree).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDatabase, startLocalPostgres, type LocalPostgres } from '../../cli/stack/postgres.ts';
import { migrate } from '../../lib/db/migrate.ts';
import { provisionLogins, type RoleUrls } from '../../lib/db/roles.ts';
import { startRefinery, type RefineryProcess } from '../../test/support/processes.ts';
import { startTemporalCluster, type TemporalCluster } from '../../test/support/temporal-cluster.ts';
import { stackEnv } from './env.ts';

export interface BenchCluster {
  postgres: LocalPostgres;
  postgresPid: number;
  cluster: TemporalCluster;
  ownerUrl: string;
  roles: RoleUrls;
  home: string;
  stop(): Promise<void>;
}

export async function benchCluster(historyShards: number): Promise<BenchCluster> {
  const home = mkdtempSync(join(tmpdir(), 'refinery-bench-scale-'));
  const password = randomBytes(12).toString('hex');
  const dataDir = join(home, 'postgres');
  const postgres = await startLocalPostgres({ dataDir, password, logFile: join(home, 'postgres.log') });
  const postgresPid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const cluster = await startTemporalCluster({
    postgres: { host: '127.0.0.1', port: postgres.port, user: 'postgres', password },
    workDir: join(home, 'temporal'),
    historyShards,
  });
  await ensureDatabase(postgres.url('postgres'), 'refinery');
  const ownerUrl = postgres.url('refinery');
  await migrate(ownerUrl, { direction: 'up' });
  const token = () => randomBytes(9).toString('hex');
  const roles = (await provisionLogins(ownerUrl, { worker: token(), ingest: token(), api: token(), registrar: token() })) as RoleUrls;
  // Refinery's search attributes, as an operator registers them on a new cluster.
  const setup = startRefinery(['temporal', 'setup'], stackEnv({ TEMPORAL_ADDRESS: cluster.address }));
  if ((await setup.exited) !== 0) throw new Error(`refinery temporal setup failed:\n${setup.output()}`);
  return {
    postgres,
    postgresPid,
    cluster,
    ownerUrl,
    roles,
    home,
    async stop() {
      await cluster.stop();
      await postgres.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** `refinery worker --queue all` on the cluster, serving its metrics on a port of its own. */
export async function startClusterWorker(c: BenchCluster, queues: { io: string; compute: string }): Promise<{ process: RefineryProcess; metrics: string }> {
  const process = startRefinery(
    ['worker', '--queue', 'all'],
    stackEnv({
      DATABASE_URL: c.ownerUrl,
      WORKER_DATABASE_URL: c.roles.worker,
      TEMPORAL_ADDRESS: c.cluster.address,
      REFINERY_TASK_QUEUE_IO: queues.io,
      REFINERY_TASK_QUEUE_COMPUTE: queues.compute,
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'info',
    }),
  );
  await process.waitFor(/"msg":"worker running"/, 300_000);
  return { process, metrics: /"metrics":"([^"]+)"/.exec(process.output())![1]! };
}

/** CPU seconds (user + system, reaped children included) of a process and its live descendants. */
export function cpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0) });
    } catch {
      /* the process ended while we looked */
    }
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/** Sum and count of a Prometheus histogram (all label sets) from a metrics page. */
export function histogram(text: string, name: string): { sum: number; count: number } {
  const total = (suffix: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}${suffix}`))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { sum: total('_sum'), count: total('_count') };
}
