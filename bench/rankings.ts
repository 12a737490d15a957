// Benchmark: GET /v1/optimisation-runs/{id}/rankings, a keyed read of gold, served by the real app
// (createApp + @hono/node-server, the read-only role, a pool of 20) on a real PostgreSQL, hit by
// autocannon with 64 connections. The ceiling is Hono's hello world served the same way in the
// same run. Each server runs in a child process of its own so the client does not share its event
// loop; client, server and PostgreSQL share the machine's cores.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { createApp } from '../api/app.ts';
import { freePort, waitForPort } from '../cli/stack/ports.ts';
import { createApiKey } from '../lib/db/api-keys.ts';
import { migrate } from '../lib/db/migrate.ts';
import { createPool } from '../lib/db/pool.ts';
import { provisionLogins } from '../lib/db/roles.ts';
import { createLogger } from '../lib/log.ts';
import { seedTournamentGold } from '../test/support/tournament-gold.ts';
import { benchDatabase } from './support/database.ts';
import { writeBenchResult } from './report.ts';

const CONNECTIONS = 64;
const SECONDS = Number(process.argv[2] ?? 10);
const WARMUP_SECONDS = 2;
const ENTRIES = 25;

/** Child mode: serve the app (or hello world) on a port until killed. */
async function serveChild(kind: string, port: number): Promise<void> {
  let fetch: (req: Request) => Response | Promise<Response>;
  if (kind === 'hello') {
    const hello = new Hono().get('/', (c) => c.text('Hello Hono!'));
    fetch = hello.fetch;
  } else {
    const readPool = createPool(process.env.API_DATABASE_URL!, { applicationName: 'bench-rankings-api', max: 20, statementTimeoutMs: 5000 });
    const ingestPool = createPool(process.env.API_DATABASE_URL!, { applicationName: 'bench-rankings-ingest', max: 1 });
    const app = createApp({ readPool, ingestPool, log: createLogger('warn', 'bench'), ready: { postgres: async () => {}, temporal: async () => {} } });
    fetch = app.fetch;
  }
  process.on('SIGTERM', () => process.exit(0));
  serve({ fetch, hostname: '127.0.0.1', port });
}

function startServer(kind: 'api' | 'hello', port: number, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'serve', kind, String(port)], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (result.non2xx || result.errors || result.timeouts)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  return result;
}

async function main() {
  const db = await benchDatabase('rankings');
  await migrate(db.url, { direction: 'up' });
  const logins = await provisionLogins(db.url, { api: 'bench-a' });
  const owner = createPool(db.url, { applicationName: 'bench-rankings', max: 2 });
  await owner.query(
    'TRUNCATE gold.tournaments, gold.tournament_teams, gold.optimisation_runs, gold.recommended_bids, gold.entry_outcomes, gold.entry_performance, gold.investment_report RESTART IDENTITY',
  );
  const seed = await seedTournamentGold(owner, { entries: ENTRIES });
  const token = (await createApiKey(owner, { name: 'bench reader', role: 'reader' })).token;
  const runId = seed.runIds[0]!;
  const env = { ...process.env, API_DATABASE_URL: logins.api };
  const servers: ChildProcess[] = [];
  try {
    // The ceiling first: the same server, the same client, no database and no key.
    const helloPort = await freePort();
    const hello = startServer('hello', helloPort, env);
    servers.push(hello);
    await waitForPort(helloPort, '127.0.0.1', 60_000, () => hello.exitCode === null);
    const helloUrl = `http://127.0.0.1:${helloPort}/`;
    await load(helloUrl, {}, WARMUP_SECONDS);
    const ceiling = await load(helloUrl, {}, SECONDS);
    await stopServer(hello);

    const apiPort = await freePort();
    const api = startServer('api', apiPort, env);
    servers.push(api);
    await waitForPort(apiPort, '127.0.0.1', 60_000, () => api.exitCode === null);
    const url = `http://127.0.0.1:${apiPort}/v1/optimisation-runs/${runId}/rankings`;
    const headers = { authorization: `Bearer ${token}` };
    // The answer is the real one: every entry, best first.
    const check = await fetch(url, { headers });
    const body = (await check.json()) as { items: { entry: string }[] };
    if (check.status !== 200 || body.items.map((e) => e.entry).join() !== seed.entries.map((e) => e.entry).join())
      throw new Error(`unexpected rankings answer ${check.status}`);
    const etag = check.headers.get('etag')!;
    await load(url, headers, WARMUP_SECONDS);
    const rankings = await load(url, headers, SECONDS);
    // The same first page through cursors that are each new (a position above every entry), so no
    // request is answered from the API's 1 s rankings cache: every one reads PostgreSQL.
    let n = 0;
    const uncached = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers,
      requests: [
        { setupRequest: (req) => ({ ...req, path: `${new URL(url).pathname}?cursor=${Buffer.from(JSON.stringify([1e6 + n++, ''])).toString('base64url')}` }) },
      ],
    });
    if (uncached.non2xx || uncached.errors || uncached.timeouts) throw new Error(`uncached run: ${uncached.non2xx} non-2xx, ${uncached.errors} errors`);
    const revalidated = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: Math.max(2, Math.round(SECONDS / 2)),
      headers: { ...headers, 'if-none-match': etag },
    });
    if (revalidated.errors || revalidated['2xx'] || revalidated.non2xx !== revalidated.requests.total)
      throw new Error('revalidation run: expected only 304 answers');
    await stopServer(api);

    const rps = rankings.requests.average;
    writeBenchResult({
      id: 'rankings',
      title: 'Tournament rankings over HTTP: GET /v1/optimisation-runs/{id}/rankings',
      reproduce: 'npx tsx bench/rankings.ts [seconds]',
      workload: `autocannon, ${CONNECTIONS} connections, ${SECONDS} s (after ${WARMUP_SECONDS} s of warm-up) against createApp + @hono/node-server in a child process: a reader key, one optimisation run of ${ENTRIES} entries, the first page (all ${ENTRIES}) of its rankings, ~${Math.round(rankings.throughput.average / Math.max(1, rps))} bytes per answer, read by the API's read-only role through a pool of 20 from PostgreSQL ${db.version}; ceiling: Hono's hello world served the same way in the same run`,
      figures: [
        { name: 'rankings requests per second', value: rps, unit: 'req/s', ratio: rps / ceiling.requests.average, goal: '≥5,000 req/s', met: rps >= 5000 },
        { name: 'rankings latency p99', value: rankings.latency.p99, unit: 'ms', goal: '<50 ms', met: rankings.latency.p99 < 50 },
        { name: 'rankings latency p50', value: rankings.latency.p50, unit: 'ms' },
        {
          name: 'rankings, every request from PostgreSQL (no cache hit)',
          value: uncached.requests.average,
          unit: 'req/s',
          ratio: uncached.requests.average / ceiling.requests.average,
        },
        { name: 'rankings from PostgreSQL latency p99', value: uncached.latency.p99, unit: 'ms' },
        {
          name: 'revalidation (If-None-Match → 304) per second',
          value: revalidated.requests.average,
          unit: 'req/s',
          ratio: revalidated.requests.average / ceiling.requests.average,
        },
        { name: 'Hono hello world (ceiling)', value: ceiling.requests.average, unit: 'req/s', ratio: 1 },
        { name: 'Hono hello world latency p99', value: ceiling.latency.p99, unit: 'ms' },
      ],
      notes: [
        'Each request checks the key (cached in the process) and validates the parameters; a page is built by one statement (the run’s version for the ETag and the page, from one snapshot, on the entry_performance ranking index) and then answered from memory for 1 s, so the headline figure is mostly cache hits. A run’s rankings change only when a re-run replaces them; clients may keep them 60 s (private, max-age=60, ETag of id and updated_at).',
        'The “every request from PostgreSQL” figure uses a new cursor per request so none is a cache hit: one round trip to PostgreSQL per request, on a machine where the Node process is the bottleneck (a write system call per query and per answer).',
        'Client, API and PostgreSQL share the machine’s cores, so the ceiling is what this client gets from a Node HTTP server doing nothing.',
      ],
    });
  } finally {
    for (const s of servers) await stopServer(s);
    await owner.end();
    await db.stop();
  }
}

if (process.argv[2] === 'serve') await serveChild(process.argv[3]!, Number(process.argv[4]));
else await main();
