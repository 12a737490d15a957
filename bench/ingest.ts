// Benchmark: device ingest over HTTP. 32 simulated devices (autocannon, 32 connections) post
// 500-reading batches with fresh batch ids to the API running as its own process; readings/s is
// what PostgreSQL committed, p99 is the acknowledgement latency. The ceiling is psql \copy of the
// same number of readings from a file, in the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, waitForPort } from '../cli/stack/ports.ts';
import { createApiKey } from '../lib/db/api-keys.ts';
import { rowFormatter } from '../lib/db/copy-format.ts';
import { migrate } from '../lib/db/migrate.ts';
import { createPool } from '../lib/db/pool.ts';
import { provisionLogins } from '../lib/db/roles.ts';
import { stackEnv } from './support/env.ts';
import { benchDatabase } from './support/database.ts';
import { writeBenchResult } from './report.ts';
import { startRefinery } from '../test/support/processes.ts';

const DEVICES = 32;
const BATCH = 500;
const SECONDS = Number(process.argv[2] ?? 20);

function batchBody(device: number, seq: number): string {
  const start = Date.now() - 30 * 86_400_000 + seq * BATCH * 20;
  const readings = new Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    const t = (seq * BATCH + i) / 50;
    readings[i] = {
      timestamp: start + i * 20,
      ax: Math.round(Math.sin(t) * 4e4) / 1e4,
      ay: Math.round(Math.cos(t) * 2e4) / 1e4,
      az: 9.8066,
      gx: Math.round(Math.sin(t * 1.3) * 1e4) / 1e4,
      gy: 0.0123,
      gz: -0.0456,
      mx: 21.5,
      my: -4.25,
      mz: 39.75,
    };
  }
  return JSON.stringify({ deviceId: `bench-${device}`, batchId: `b-${seq}`, sessionId: `s-${device}`, readings });
}

async function main() {
  const db = await benchDatabase('ingest');
  await migrate(db.url, { direction: 'up' });
  const logins = await provisionLogins(db.url, { worker: 'bench-w', ingest: 'bench-i', api: 'bench-a', registrar: 'bench-r' });
  const owner = createPool(db.url, { applicationName: 'bench-ingest', max: 2 });
  await owner.query('TRUNCATE bronze.imu_readings, bronze.ingest_batches');
  const tokens: string[] = [];
  for (let d = 0; d < DEVICES; d++) tokens.push((await createApiKey(owner, { name: `bench ${d}`, role: 'device', deviceId: `bench-${d}` })).token);

  const port = await freePort();
  const api = startRefinery(
    ['api'],
    stackEnv({
      DATABASE_URL: db.url,
      INGEST_DATABASE_URL: logins.ingest!,
      API_DATABASE_URL: logins.api!,
      REGISTRAR_DATABASE_URL: logins.registrar!,
      API_PORT: String(port),
      LOG_LEVEL: 'warn',
    }),
    process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingest-'));
  try {
    await waitForPort(port);
    // Requests go to the 32 devices in turn, each with a new batch id (autocannon resets a
    // connection's context between requests, so the numbering is global).
    let sent = 0;
    // The client must not eat the cores the server is measured on: each device's readings are
    // serialised once, and a request only splices in its batch id.
    const readingsJson = Array.from({ length: DEVICES }, (_, d) => JSON.stringify(JSON.parse(batchBody(d, d)).readings));
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/v1/ingest/readings`,
      connections: DEVICES,
      duration: SECONDS,
      method: 'POST',
      requests: [
        {
          setupRequest: (req) => {
            const n = sent++;
            const device = n % DEVICES;
            const body = `{"deviceId":"bench-${device}","batchId":"b-${n}","sessionId":"s-${device}","readings":${readingsJson[device]}}`;
            return { ...req, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[device]}` }, body };
          },
        },
      ],
    });
    const { rows } = await owner.query('SELECT count(*)::int AS n, count(DISTINCT (device_id, batch_id))::int AS batches FROM bronze.imu_readings');
    const acked = result['2xx'];
    if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors during the run`);
    // Every acknowledged batch is in bronze; a few more may be, committed as the clock ran out.
    if (rows[0].batches < acked || rows[0].batches > acked + DEVICES) throw new Error(`acknowledged ${acked} batches but bronze holds ${rows[0].batches}`);
    const committedPerSecond = rows[0].n / SECONDS;

    // The ceiling: psql \copy of as many readings, from a file.
    const format = rowFormatter(['device_id', 'batch_id', 'session_id', 'ts', 'ax', 'ay', 'az', 'gx', 'gy', 'gz', 'mx', 'my', 'mz', 'received_at']);
    const file = join(dir, 'readings.tsv');
    const lines: string[] = [];
    const now = new Date();
    for (let b = 0; b < Math.ceil(rows[0].n / BATCH); b++) {
      const body = JSON.parse(batchBody(b % DEVICES, 100_000 + b));
      for (const r of body.readings)
        lines.push(format([body.deviceId, body.batchId, body.sessionId, new Date(r.timestamp), r.ax, r.ay, r.az, r.gx, r.gy, r.gz, r.mx, r.my, r.mz, now]));
    }
    writeFileSync(file, lines.join(''));
    const started = process.hrtime.bigint();
    execFileSync('psql', [db.url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy bronze.imu_readings from '${file}'`]);
    const psqlSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const psqlPerSecond = lines.length / psqlSeconds;

    writeBenchResult({
      id: 'ingest',
      title: 'Device ingest over HTTP: readings committed per second',
      reproduce: 'npx tsx bench/ingest.ts [seconds]',
      workload: `${DEVICES} devices (autocannon connections) posting ${BATCH}-reading JSON batches (9 axes each) with fresh batch ids for ${SECONDS} s to \`refinery api\` in its own process; readings/s counted in bronze afterwards; ceiling: psql \\copy of the same number of readings from a file`,
      figures: [
        {
          name: 'readings committed per second',
          value: committedPerSecond,
          unit: 'readings/s',
          ratio: committedPerSecond / psqlPerSecond,
          goal: '≥150,000 readings/s',
          met: committedPerSecond >= 150_000,
        },
        { name: 'acknowledgement latency p99', value: result.latency.p99, unit: 'ms', goal: '<200 ms', met: result.latency.p99 < 200 },
        { name: 'acknowledgement latency p50', value: result.latency.p50, unit: 'ms' },
        { name: 'batches acknowledged (all found in bronze)', value: acked, unit: 'batches' },
        { name: 'psql \\copy of the same readings (ceiling)', value: psqlPerSecond, unit: 'readings/s', ratio: 1 },
      ],
      notes: [
        'The API validates every reading (zod), coalesces concurrent batches into shared COPY transactions and answers only after commit; client, API and PostgreSQL share the 2 cores.',
      ],
    });
  } finally {
    await api.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    await owner.end();
    await db.stop();
  }
}

await main();
