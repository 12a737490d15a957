// Benchmark: device ingest over HTTP. 32 simulated devices (autocannon, 32 connections) post
// 500-reading batches with fresh batch ids to the API running as its own process, as JSON and, the
// same readings, as the columnar body; readings/s is the readings of acknowledged batches over the
// time from the first request to the last acknowledgement, p99 is the acknowledgement latency. Each
// round checks that the acknowledged batches are in bronze exactly once. The ceiling is psql \copy
// of the same number of readings from a file, in an open session, in the same run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, waitForPort } from '../cli/stack/ports.ts';
import { createApiKey } from '../lib/db/api-keys.ts';
import { rowFormatter } from '../lib/db/copy-format.ts';
import { COLUMNAR_MEDIA_TYPE, encodeColumnarBatch } from '../lib/imu/columnar-batch.ts';
import { CHANNELS } from '../lib/imu/reading.ts';
import { migrate } from '../lib/db/migrate.ts';
import { createPool, type Pool } from '../lib/db/pool.ts';
import { provisionLogins } from '../lib/db/roles.ts';
import { SEGMENT_COLUMNS, segmentRows } from '../domains/sensor/ingest/segments.ts';
import { stackEnv } from './support/env.ts';
import { benchDatabase } from './support/database.ts';
import { openPsql } from './support/psql.ts';
import { repeated, verify, writeBenchResult } from './report.ts';
import { bronzeBatches, compareDeliveries } from '../test/support/deliveries.ts';
import { startRefinery } from '../test/support/processes.ts';
import { cpuSeconds, offeredLoad, type BodyForm, type Phases } from './support/offered-load.ts';

const DEVICES = 32;
const BATCH = 500;
const SECONDS = Number(process.argv[2] ?? 20);
const REPEATS = Number(process.argv[3] ?? 3);
/** The offered load: a fleet at 50 Hz posting 1-second batches, for this long. */
const FLEET = 1000;
const OFFERED_SECONDS = Number(process.argv[4] ?? 20);
const WARMUP_SECONDS = 3;

/** Empties bronze once the API's last transactions (batches queued when the client stopped) are over, so TRUNCATE never meets one. */
async function emptyBronze(owner: Pool): Promise<void> {
  for (;;) {
    const { rows } = await owner.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND backend_type = 'client backend'`,
    );
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await owner.query('TRUNCATE bronze.imu_segments, bronze.ingest_batches');
  await owner.query('CHECKPOINT');
}

/** A batch's readings as columns, timestamps as start + interval (they are 20 ms apart), ready for the columnar body. */
function batchColumns(device: number, seq: number) {
  const readings = (JSON.parse(batchBody(device, seq)) as { readings: Record<string, number>[] }).readings;
  return {
    timing: { start: readings[0]!.timestamp!, interval: 20, count: readings.length },
    channels: CHANNELS.map((c) => Float64Array.from(readings, (r) => r[c]!)),
  };
}

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
  const psql = await openPsql(db.url);
  try {
    await waitForPort(port);
    // Requests go to the 32 devices in turn, each with a new batch id (autocannon resets a
    // connection's context between requests, so the numbering is global).
    let sent = 0;
    // The client must not eat the cores the server is measured on: each device's readings are
    // serialised once, and a request only splices in its batch id.
    const readingsJson = Array.from({ length: DEVICES }, (_, d) => JSON.stringify(JSON.parse(batchBody(d, d)).readings));
    // The same readings as columns: a request encodes only its header and copies the columns' bytes.
    const readingsColumns = Array.from({ length: DEVICES }, (_, d) => batchColumns(d, d));
    const bodyOf = (form: BodyForm, device: number, n: number) =>
      form === 'json'
        ? `{"deviceId":"bench-${device}","batchId":"b-${n}","sessionId":"s-${device}","readings":${readingsJson[device]}}`
        : encodeColumnarBatch({ deviceId: `bench-${device}`, batchId: `c-${n}`, sessionId: `s-${device}`, ...readingsColumns[device]! });
    /** One round of load; the client's record is the batches answered 2xx, as the answers name them. */
    const load = async (seconds: number, form: BodyForm) => {
      const acknowledged = new Set<string>();
      let lastAck = 0n;
      const started = process.hrtime.bigint();
      const result = await autocannon({
        url: `http://127.0.0.1:${port}/v1/ingest/readings`,
        connections: DEVICES,
        duration: seconds,
        method: 'POST',
        requests: [
          {
            setupRequest: (req) => {
              const n = sent++;
              const device = n % DEVICES;
              const body = bodyOf(form, device, n);
              const type = form === 'json' ? 'application/json' : COLUMNAR_MEDIA_TYPE;
              return { ...req, headers: { 'content-type': type, authorization: `Bearer ${tokens[device]}` }, body };
            },
            onResponse: (status, body) => {
              if (status !== 201) return;
              const ack = JSON.parse(body) as { deviceId: string; batchId: string };
              acknowledged.add(`${ack.deviceId}/${ack.batchId}`);
              lastAck = process.hrtime.bigint();
            },
          },
        ],
      });
      if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx answers and ${result.errors} errors during the run`);
      return { result, acknowledged, seconds: Number(lastAck - started) / 1e9 };
    };

    /** REPEATS rounds of one body form, each checked in bronze. */
    const saturate = async (form: BodyForm) => {
      await emptyBronze(owner);
      await load(WARMUP_SECONDS, form);
      const rates: number[] = [];
      const cpuPerReading: number[] = [];
      const p99: number[] = [];
      const p50: number[] = [];
      let acknowledgedReadings = 0;
      for (let r = 0; r < REPEATS; r++) {
        await emptyBronze(owner);
        const cpu0 = cpuSeconds(api.child.pid!);
        const round = await load(SECONDS, form);
        cpuPerReading.push(((cpuSeconds(api.child.pid!) - cpu0) / (round.acknowledged.size * BATCH)) * 1e6);
        // Every acknowledged batch is in bronze exactly once; a few more may be, committed as the clock ran out.
        const check = compareDeliveries(round.acknowledged, await bronzeBatches(owner, form === 'json' ? 'b-%' : 'c-%'), BATCH);
        verify(check.lostBatches.length === 0, `${form}: ${check.lostBatches.length} acknowledged batches are not (whole) in bronze`);
        verify(check.rowsDuplicated === 0, `${form}: ${check.rowsDuplicated} readings are in bronze twice`);
        verify(check.unacknowledgedInBronze.length <= DEVICES, `${form}: ${check.unacknowledgedInBronze.length} unacknowledged batches in bronze`);
        acknowledgedReadings = round.acknowledged.size * BATCH;
        rates.push(acknowledgedReadings / round.seconds);
        p99.push(round.result.latency.p99);
        p50.push(round.result.latency.p50);
        console.log(
          `  ${form} round ${r + 1}: ${round.acknowledged.size} batches acknowledged in ${round.seconds.toFixed(1)} s, p99 ${round.result.latency.p99} ms`,
        );
      }
      return { rates: repeated(rates), cpuPerReading: repeated(cpuPerReading), p99: repeated(p99), p50: repeated(p50), acknowledgedReadings };
    };
    const json = await saturate('json');
    const columnar = await saturate('columnar');
    const acknowledgedReadings = json.acknowledgedReadings;

    // The offered load: a fleet of FLEET devices, a batch a second each, after a short warm-up (keys read once).
    const fleetIds = Array.from({ length: FLEET }, (_, d) => `fleet-${d}`);
    const fleetTokens: string[] = [];
    for (const deviceId of fleetIds) fleetTokens.push((await createApiKey(owner, { name: deviceId, role: 'device', deviceId })).token);
    const url = `http://127.0.0.1:${port}/v1/ingest/readings`;
    const start = Date.now() - 86_400_000;
    /** The fleet in one body form: a warm-up, then the measured run, every acknowledged batch checked in bronze once. */
    const offered = async (form: BodyForm, label: string, from: number, phases: Phases = 'independent') => {
      await emptyBronze(owner);
      await offeredLoad({
        form,
        label: `w${label}`,
        phases,
        url,
        tokens: fleetTokens,
        deviceIds: fleetIds,
        seconds: WARMUP_SECONDS,
        apiPid: api.child.pid!,
        start: from - 600_000,
      });
      const fleet = await offeredLoad({
        form,
        label,
        phases,
        url,
        tokens: fleetTokens,
        deviceIds: fleetIds,
        seconds: OFFERED_SECONDS,
        apiPid: api.child.pid!,
        start: from,
      });
      const fleetCheck = compareDeliveries(fleet.acknowledged, await bronzeBatches(owner, `${label}%`), 50);
      verify(
        fleetCheck.lostBatches.length === 0 && fleetCheck.rowsDuplicated === 0,
        `offered load (${form}): ${fleetCheck.lostBatches.length} acknowledged batches lost, ${fleetCheck.rowsDuplicated} readings twice`,
      );
      console.log(
        `  offered load (${form}, ${phases} phases): ${fleet.batches} batches acknowledged in ${fleet.seconds.toFixed(1)} s, p50 ${fleet.p50.toFixed(1)} ms, p99 ${fleet.p99.toFixed(1)} ms (client sent late by ${fleet.sendLagP99.toFixed(1)} ms at p99), ${fleet.refused} refused ${JSON.stringify(fleet.statuses)}`,
      );
      return fleet;
    };
    const fleet = await offered('json', 's', start);
    const fleetColumnar = await offered('columnar', 'k', start - 3_600_000);
    const fleetTogether = await offered('json', 'y', start - 7_200_000, 'synchronized');

    // The ceiling: psql \copy of as many readings as the last round acknowledged, from a file, as the
    // bronze segments the writer would make of them.
    const format = rowFormatter(SEGMENT_COLUMNS);
    const file = join(dir, 'readings.tsv');
    const lines: string[] = [];
    let readingsInFile = 0;
    const now = new Date();
    for (let b = 0; b < acknowledgedReadings / BATCH; b++) {
      const body = JSON.parse(batchBody(b % DEVICES, 100_000 + b));
      for (const row of segmentRows(body, now)) lines.push(format(row));
      readingsInFile += body.readings.length;
    }
    writeFileSync(file, lines.join(''));
    const ceiling: number[] = [];
    for (let r = 0; r <= REPEATS; r++) {
      await emptyBronze(owner);
      const seconds = await psql.copyFrom(
        'bronze.imu_segments',
        SEGMENT_COLUMNS.map((c) => c.name),
        file,
      );
      const { rows } = await owner.query('SELECT count(*)::int AS n FROM bronze.imu_readings');
      verify(rows[0].n === readingsInFile, `psql loaded ${rows[0].n} readings of ${readingsInFile}`);
      if (r > 0) ceiling.push(readingsInFile / seconds); // the first load is the warm-up
    }
    const psqlRate = repeated(ceiling);
    // A body form's figures at saturation (`form` names it first, empty for JSON).
    const saturationFigures = (form: string, r: typeof json) => [
      {
        name: `${form}readings acknowledged per second`,
        ...r.rates,
        unit: 'readings/s',
        ratio: r.rates.value / psqlRate.value,
        goal: '≥0.6× psql \\copy',
        met: r.rates.value / psqlRate.value >= 0.6,
      },
      { name: `${form}acknowledgement latency p99`, ...r.p99, unit: 'ms', goal: '<200 ms', met: r.p99.value < 200 },
      { name: `${form}acknowledgement latency p50`, ...r.p50, unit: 'ms' },
      { name: `${form}API CPU per reading at saturation`, ...r.cpuPerReading, unit: 'µs' },
    ];
    const fleetFigures = (form: string, f: typeof fleet) => [
      {
        name: `offered load ${FLEET} devices × 50 Hz${form}: acknowledgement p99`,
        value: f.p99,
        unit: 'ms',
        goal: '<100 ms, none refused',
        met: f.p99 < 100 && f.refused === 0,
      },
      { name: `offered load ${FLEET} devices × 50 Hz${form}: acknowledgement p50`, value: f.p50, unit: 'ms' },
      { name: `offered load ${FLEET} devices × 50 Hz${form}: readings acknowledged per second`, value: f.readings / f.seconds, unit: 'readings/s' },
      { name: `offered load ${FLEET} devices × 50 Hz${form}: API CPU per reading`, value: (f.apiCpuSeconds / Math.max(1, f.readings)) * 1e6, unit: 'µs' },
      { name: `offered load ${FLEET} devices × 50 Hz${form}: client's own lateness p99 (in the latencies)`, value: f.sendLagP99, unit: 'ms' },
    ];

    writeBenchResult({
      id: 'ingest',
      title: 'Device ingest over HTTP: readings acknowledged per second',
      reproduce: 'npx tsx bench/ingest.ts [seconds] [rounds] [offeredSeconds]',
      workload: `${DEVICES} devices (autocannon connections) posting ${BATCH}-reading batches (9 axes each), as JSON and then the same readings as the columnar body (${COLUMNAR_MEDIA_TYPE}), with fresh batch ids to \`refinery api\` in its own process, ${REPEATS} rounds of ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up, bronze emptied before each; readings/s = readings of acknowledged batches ÷ time from the first request to the last acknowledgement; ceiling: psql \\copy of as many readings from a file, in a session opened before timing, ${REPEATS} loads after a warm-up load`,
      figures: [
        ...saturationFigures('', json),
        ...saturationFigures('columnar body: ', columnar),
        ...fleetFigures('', fleet),
        ...fleetFigures(', columnar body', fleetColumnar),
        {
          name: `offered load ${FLEET} devices × 50 Hz, synchronized (every device at the same instant): acknowledgement p99`,
          value: fleetTogether.p99,
          unit: 'ms',
        },
        { name: `offered load ${FLEET} devices × 50 Hz, synchronized: acknowledgement p50`, value: fleetTogether.p50, unit: 'ms' },
        { name: 'psql \\copy of the same readings (ceiling)', ...psqlRate, unit: 'readings/s', ratio: 1 },
      ],
      notes: [
        'Checked in every round: each acknowledged batch is in bronze with all its readings, none twice; bronze holds at most one unacknowledged batch per connection (committed as the clock ran out).',
        `Offered load, as JSON and then as the columnar body: ${FLEET} devices (a device key and a connection each), each posting a 1-second batch of 50 readings once a second at its own phase in the second (seeded uniform phases, as independent devices post) for ${OFFERED_SECONDS} s after a ${WARMUP_SECONDS} s warm-up; every acknowledged batch checked in bronze once. Open loop (bench/support/offered-load.ts): each post is sent at its scheduled time whether or not earlier ones were answered, and its latency runs from that time, so the client's own lateness (reported) counts against it. API CPU is the API process's user + system time (/proc) over the run, divided by the readings acknowledged.`,
        "The synchronized run (JSON) puts every device at the same instant of each second: 1,000 posts at once, as a fleet reconnecting together would send them; it has no goal. Until this run the offered load was driven by autocannon, whose rate limit sends each connection's share of a second back to back at the start of the second: that was this synchronized case, not a fleet.",
        'The API reads a JSON body of flat or nested readings from its bytes straight into columns (lib/imu/json-batch.ts; any other shape goes through JSON.parse, a hand-checked fast path and the zod schema), validates every reading, coalesces concurrent batches into shared COPY transactions and answers only after commit; client, API and PostgreSQL share the 2 cores.',
        'The columnar body (README, "The columnar body") carries the same readings as little-endian float64 columns with start + interval timestamps: the API checks each value by the JSON rules without parsing text or making an object per reading, and writes the segment rows from the columns; the live path remains per reading in both forms. Both forms land the segments by binary COPY (IEEE floats, no decimal text), while the psql ceiling loads them as text.',
      ],
    });
  } finally {
    await psql.close();
    await api.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    await owner.end();
    await db.stop();
  }
}

await main();
