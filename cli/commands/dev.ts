// `refinery dev` (npm start): the whole stack on one machine. Embedded PostgreSQL and a local
// Temporal dev server unless DATABASE_URL / TEMPORAL_ADDRESS say otherwise, migrations, the io and
// compute workers and the API as child processes, a first pipeline run, and the URLs. Ctrl-C stops
// everything it started, in order: API and workers first, then Temporal, then PostgreSQL.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig, readRunningStack, redactUrl, stackFile, type Config } from '../../lib/config.ts';
import { createApiKey, revokeApiKeys } from '../../lib/db/api-keys.ts';
import { createPool } from '../../lib/db/pool.ts';
import { startInfrastructure } from '../stack/infra.ts';
import { spawnChild, stopChild, type Child } from '../stack/children.ts';
import { freePort, waitForPort } from '../stack/ports.ts';
import { runStartupPipelines, startDevReconcilers } from '../startup.ts';
import { UserError } from '../user-error.ts';
import { examples } from '../context.ts';

const binPath = fileURLToPath(new URL('../../bin/refinery', import.meta.url));
const DEV_KEY_NAME = 'dev-session';

function say(line: string): void {
  console.log(`refinery | ${line}`);
}

/** Renders a child's pino JSON line as "name | LEVEL message key=value". */
function render(name: string, line: string): string {
  try {
    const { level, msg, time: _t, pid: _p, name: _n, hostname: _h, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${name.padEnd(8)} | ${levels[level as number] ?? level} ${msg ?? ''} ${fields}`.trimEnd();
  } catch {
    return `${name.padEnd(8)} | ${line}`;
  }
}

async function createSessionKey(ownerUrl: string): Promise<string> {
  // A fresh admin key per session, so nothing secret is kept on disk; the last session's is revoked.
  const pool = createPool(ownerUrl, { applicationName: 'refinery-dev', max: 1 });
  try {
    await revokeApiKeys(pool, { name: DEV_KEY_NAME });
    return (await createApiKey(pool, { name: DEV_KEY_NAME, role: 'admin' })).token;
  } finally {
    await pool.end();
  }
}

export async function runDev(config: Config, options: { pipelines: boolean }): Promise<void> {
  const running = readRunningStack(config.home);
  if (running) throw new UserError(`refinery dev is already running (pid ${running.pid}) with home ${config.home}`);

  const infra = await startInfrastructure({ config, home: config.home, say });
  const children: Child[] = [];
  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say(`${reason}: stopping…`);
    rmSync(stackFile(config.home), { force: true });
    await Promise.all(children.map((c) => stopChild(c, 15_000)));
    await infra.stop();
    say('stopped; nothing left running');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));

  try {
    const apiPort = await freePort(config.api.port);
    const env = { ...process.env, ...infra.env, API_PORT: String(apiPort), API_HOST: config.api.host, LOG_LEVEL: config.logLevel };
    const apiUrl = `http://${config.api.host}:${apiPort}`;
    writeFileSync(
      stackFile(config.home),
      JSON.stringify({ pid: process.pid, env: { ...infra.env, API_PORT: String(apiPort) }, urls: { api: apiUrl, ...infra.urls } }, null, 2),
      { mode: 0o600 },
    );
    // Each worker serves its metrics and health check on a port of its own.
    const metricsPorts = { io: await freePort(config.workerMetrics.port ?? 9464), compute: 0 };
    metricsPorts.compute = await freePort(metricsPorts.io + 1);
    const metricsUrl = (kind: 'io' | 'compute') => `http://${config.workerMetrics.host}:${metricsPorts[kind]}/metrics`;
    for (const [name, args, extra] of [
      ['io', ['worker', '--queue', 'io'], { WORKER_METRICS_PORT: String(metricsPorts.io) }],
      ['compute', ['worker', '--queue', 'compute'], { WORKER_METRICS_PORT: String(metricsPorts.compute) }],
      ['api', ['api'], {}],
    ] as const) {
      const child = spawnChild(name, process.execPath, [binPath, ...args], { env: { ...env, ...extra }, onLine: (l) => console.log(render(name, l)) });
      children.push(child);
      void child.exited.then((code) => {
        if (!stopping) void shutdown(`${name} exited unexpectedly (${code})`, 1);
      });
    }
    await waitForPort(apiPort, config.api.host, 120_000, () => children.every((c) => c.alive()));
    const key = await createSessionKey(infra.env.DATABASE_URL!);

    console.log(
      [
        '',
        'Refinery is running',
        `  API            ${apiUrl}`,
        `  API docs       ${apiUrl}/docs`,
        `  Temporal UI    ${infra.urls.temporalUi ?? '(external Temporal: ' + infra.urls.temporal + ')'}`,
        `  Temporal       ${infra.urls.temporal}`,
        `  PostgreSQL     ${infra.urls.postgres}`,
        `  Analyst SQL    ${redactUrl(infra.env.ANALYST_DATABASE_URL!)}   (read-only; password in ${join(infra.env.REFINERY_HOME!, 'secrets.json')})`,
        `  Worker metrics ${metricsUrl('io')} (io), ${metricsUrl('compute')} (compute)`,
        `  Admin API key  ${key}   (this session only)`,
        `  Try            curl -H "Authorization: Bearer ${key}" ${apiUrl}/v1/whoami`,
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    const stackConfig = { ...config, temporal: { ...config.temporal, address: infra.env.TEMPORAL_ADDRESS } };
    await startDevReconcilers(stackConfig, say);
    if (options.pipelines) {
      await runStartupPipelines(stackConfig, { apiUrl: apiUrl.replace('//0.0.0.0:', '//127.0.0.1:'), ownerUrl: infra.env.DATABASE_URL! }, say);
      say(`ready: open ${apiUrl}/ (dashboard) with the admin key above`);
    }
  } catch (e) {
    say(`failed: ${(e as Error).message}`);
    await shutdown('startup failed', 1);
  }
  // Stay alive until a signal or a child's exit calls shutdown().
  await new Promise(() => {});
}

export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run the whole stack locally: PostgreSQL, Temporal, workers, API (npm start)')
    .addHelpText(
      'after',
      examples(
        'refinery dev                 # what npm start runs',
        'refinery dev --no-pipelines   # skip the sample runs',
        'cd domains && refinery runs list   # other commands find the running stack from any folder of the project',
      ),
    )
    .option('--no-pipelines', 'do not run the sample pipelines at start')
    .action(async (opts: { pipelines: boolean }) => {
      await runDev(loadConfig(process.env, { useRunningStack: false }), opts);
    });
}
