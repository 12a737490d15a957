// Data-aware triggers through a restart of every process: while a demo backfill runs and its
// downstream pipelines (demo_quality, day → day; demo_weekly, days → week) are being triggered by
// their reconcilers, the workers and the API are SIGKILLed, Temporal (a persistent dev server) is
// stopped and PostgreSQL crashes; all come back on the same ports and data. Afterwards every demo
// day has exactly one demo_quality run, each week its runs, and no trigger was lost or doubled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalTemporal, type LocalTemporal } from '../../cli/stack/temporal.ts';
import { freePort } from '../../cli/stack/ports.ts';
import { getPipeline } from '../../domains/index.ts';
import { startBackfill } from '../../engine/temporal/runs.ts';
import { loadConfig } from '../../lib/config.ts';
import { ownStack, type OwnStack } from '../support/own-stack.ts';
import { startRefinery, type RefineryProcess } from '../support/processes.ts';
import { until } from '../support/until.ts';

const DAYS = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'];

let own: OwnStack;
let home: string;
let temporal: LocalTemporal | undefined;
let temporalPort: number;
let connection: Connection | undefined;
const processes: RefineryProcess[] = [];

async function startTemporal(): Promise<Client> {
  temporal = await startLocalTemporal({ dbFile: join(home, 'temporal.db'), port: temporalPort, namespace: 'default', say: () => {} });
  await connection?.close();
  connection = await Connection.connect({ address: temporal.address });
  return new Client({ connection, namespace: 'default' });
}

function env(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REFINERY_HOME: '/nonexistent-refinery-home',
    DATABASE_URL: own.ownerUrl,
    WORKER_DATABASE_URL: own.roles.worker,
    INGEST_DATABASE_URL: own.roles.ingest,
    API_DATABASE_URL: own.roles.api,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    REFINERY_LANDING_DIR: join(home, 'landing'),
    LOG_LEVEL: 'info',
  };
}

/** Every long-running Refinery process: both workers and the API. */
async function startProcesses(): Promise<RefineryProcess[]> {
  const apiPort = await freePort();
  const started = [
    startRefinery(['worker', '--queue', 'io'], env()),
    startRefinery(['worker', '--queue', 'compute'], env()),
    startRefinery(['api'], { ...env(), API_PORT: String(apiPort), LOG_LEVEL: 'warn' }),
  ];
  processes.push(...started);
  await Promise.all(started.slice(0, 2).map((p) => p.waitFor(/worker running/)));
  return started;
}

interface RunRow {
  partition: string;
  status: string;
  trigger: string;
}
async function runs(pipeline: string): Promise<RunRow[]> {
  const { rows } = await own.owner.query<RunRow>(`SELECT partition_key AS partition, status, trigger FROM ops.pipeline_runs WHERE pipeline = $1 ORDER BY id`, [
    pipeline,
  ]);
  return rows;
}

beforeAll(async () => {
  own = await ownStack('triggers-restart');
  home = mkdtempSync(join(tmpdir(), 'refinery-triggers-restart-'));
  temporalPort = await freePort();
});
afterAll(async () => {
  for (const p of processes) await p.kill('SIGKILL');
  await connection?.close();
  await temporal?.stop();
  await own?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('data-aware triggers through a restart of every process', () => {
  it('run each downstream partition once per upstream success, losing and doubling none', async () => {
    let client = await startTemporal();
    const first = await startProcesses();
    const reconcile = startRefinery(['reconcile', 'start', 'demo_quality', 'demo_weekly', '--tick', '1 second'], env());
    expect(await reconcile.exited).toBe(0);

    const config = loadConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` }, { useRunningStack: false });
    const backfill = await startBackfill(client, config, getPipeline('demo'), {
      range: { from: DAYS[0]!, to: DAYS.at(-1)! },
      concurrency: 2,
      params: { count: 500 },
    });

    // Once downstream runs have begun (and demo days are still to come), everything goes down.
    await until('a demo_quality run', async () => ((await runs('demo_quality')).length ? true : undefined), 120_000, 50);
    const demoDoneAtCrash = (await runs('demo')).filter((r) => r.status === 'succeeded').length;
    for (const p of first) await p.kill('SIGKILL');
    await temporal!.stop();
    await own.restartPostgres();
    client = await startTemporal();
    await startProcesses();

    await client.workflow.getHandle(backfill.workflowId).result();
    const demo = await runs('demo');
    expect(
      demo
        .filter((r) => r.status === 'succeeded')
        .map((r) => r.partition)
        .sort(),
    ).toEqual(DAYS);
    const quality = await until(
      'a demo_quality run per demo day',
      async () => {
        const r = await runs('demo_quality');
        return r.length >= DAYS.length && r.every((x) => x.status !== 'running') ? r : undefined;
      },
      180_000,
    );
    await until(
      'both weeks with all their days',
      async () => {
        const { rows } = await own.owner.query(`SELECT week, days FROM gold.demo_weekly ORDER BY week`);
        const weekly = await runs('demo_weekly');
        return rows.length === 2 && rows[0].days === 7 && rows[1].days === 1 && weekly.every((w) => w.status !== 'running') ? rows : undefined;
      },
      180_000,
    );
    // A few more ticks: nothing else starts.
    await new Promise((r) => setTimeout(r, 5000));
    expect(await runs('demo_quality')).toHaveLength(DAYS.length);
    expect(quality.map((r) => [r.partition, r.status, r.trigger]).sort()).toEqual(DAYS.map((d) => [d, 'succeeded', 'upstream']));
    const weekly = await runs('demo_weekly');
    expect(new Set(weekly.map((w) => w.partition))).toEqual(new Set(['2026-W47', '2026-W48']));
    expect(weekly.every((w) => w.trigger === 'upstream' && w.status === 'succeeded')).toBe(true);
    // The crash came with demo days still to run (so triggers had to survive it).
    expect(demoDoneAtCrash).toBeLessThan(DAYS.length);
  }, 600_000);
});
