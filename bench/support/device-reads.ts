// The API's device and session reads for bench/growth.ts: a gold history for a fleet (one day at a
// time, made in SQL), a real `refinery api` process, and the p99 latency of the reads a frontend
// makes for one device (its activity, its sessions page, one session with its windows) over HTTP,
// and the database pages each read's own SQL touches (a count that load on the machine cannot blur).
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import type { Pool, Queryable } from '../../lib/db/pool.ts';
import { deviceActivity, deviceSessions, findSession, listDevices, sessionWindowPredictions } from '../../domains/sensor/routes/devices/devices.queries.ts';
import { startRefinery, type RefineryProcess } from '../../test/support/processes.ts';
import { stackEnv } from './env.ts';
import { verify } from '../report.ts';

/** Devices in gold, sessions a device a day, and window predictions a session. */
export const GOLD = { devices: 400, sessions: 3, windows: 12 };

/** One day of gold for GOLD.devices devices: daily activity, session summaries, window predictions. */
export async function loadGoldDay(owner: Pool, day: string): Promise<void> {
  const devices = `generate_series(0, ${GOLD.devices - 1}) AS d`;
  await owner.query(
    `INSERT INTO gold.device_daily_activity
     SELECT $1::date, 'fleet-' || d, 9000, 90, ${GOLD.sessions}, 30, '{"squat": 20, "lunge": 10}', 'squat' FROM ${devices}`,
    [day],
  );
  await owner.query(
    `INSERT INTO gold.session_summaries
     SELECT $1::date, 'fleet-' || d, $1 || '-s' || s, $1::date + make_interval(hours => 7 + 3 * s, mins => d % 60), $1::date + make_interval(hours => 8 + 3 * s, mins => d % 60),
            3600, ${GOLD.windows}, 'squat', 0.9, 'squat', true, 1
       FROM ${devices}, generate_series(0, ${GOLD.sessions - 1}) AS s`,
    [day],
  );
  await owner.query('SELECT gold.ensure_window_predictions_partition($1::date)', [day]);
  await owner.query(
    `INSERT INTO gold.window_predictions
     SELECT $1::date, 'fleet-' || d, s * ${GOLD.windows} + w, $1 || '-s' || s, $1::date + make_interval(hours => 7 + 3 * s, secs => 2 * w),
            $1::date + make_interval(hours => 7 + 3 * s, secs => 2 * w + 4), 1, 'squat', 0.9, '{"squat": 0.9, "lunge": 0.1}'
       FROM ${devices}, generate_series(0, ${GOLD.sessions - 1}) AS s, generate_series(0, ${GOLD.windows - 1}) AS w`,
    [day],
  );
}

export interface ReadsApi {
  url: string;
  token: string;
  process: RefineryProcess;
}

/** A real API process on the bench database, and a reader key. */
export async function startReadsApi(owner: Pool, databaseUrl: string, logins: Record<string, string | undefined>): Promise<ReadsApi> {
  const port = await freePort();
  const api = startRefinery(
    ['api'],
    stackEnv({
      DATABASE_URL: databaseUrl,
      INGEST_DATABASE_URL: logins.ingest!,
      API_DATABASE_URL: logins.api!,
      REGISTRAR_DATABASE_URL: logins.registrar!,
      API_PORT: String(port),
      LOG_LEVEL: 'warn',
    }),
  );
  await waitForPort(port);
  const { token } = await createApiKey(owner, { name: 'bench growth reader', role: 'reader' });
  return { url: `http://127.0.0.1:${port}`, token, process: api };
}

/** Devices on the listing's page the bench reads. */
const LIST_PAGE = 20;

export const READS = ['activity', 'sessions', 'session', 'list', 'clock'] as const;
export type Read = (typeof READS)[number];

/**
 * p99 (and median) latency in ms of each read, `requests` of each in turns over devices, from 4
 * concurrent clients: a device's last 7 days of activity, its newest sessions page, and its newest
 * session with the session's windows. Every answer is checked for a 200 and the rows it should hold.
 */
export async function measureReads(api: ReadsApi, newestDay: string, requests: number): Promise<Record<Read, { p99: number; p50: number }>> {
  const weekBefore = new Date(Date.parse(newestDay) - 6 * 86_400_000).toISOString().slice(0, 10);
  const paths: Record<Read, (device: string) => string> = {
    activity: (d) => `/v1/devices/${d}/activity?from=${weekBefore}&to=${newestDay}`,
    sessions: (d) => `/v1/devices/${d}/sessions?limit=20`,
    session: (d) => `/v1/devices/${d}/sessions/${newestDay}-s${GOLD.sessions - 1}`,
    list: () => `/v1/devices?limit=${LIST_PAGE}`,
    clock: () => `/v1/time`,
  };
  const result = {} as Record<Read, { p99: number; p50: number }>;
  for (const read of READS) {
    const ms: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < requests) {
          const device = `fleet-${(next++ * 7919) % GOLD.devices}`;
          const t = performance.now();
          const response = await fetch(api.url + paths[read](device), { headers: { authorization: `Bearer ${api.token}` } });
          const body = (await response.json()) as { days?: unknown[]; items?: unknown[]; windowPredictions?: unknown[] };
          ms.push(performance.now() - t);
          verify(response.status === 200, `${read} of ${device} answered ${response.status}`);
          const rows = read === 'clock' ? 1 : (body.days?.length ?? body.items?.length ?? body.windowPredictions?.length ?? 0);
          verify(rows > 0, `${read} of ${device} gave no rows: ${JSON.stringify(body).slice(0, 200)}`);
        }
      }),
    );
    ms.sort((a, b) => a - b);
    result[read] = { p99: ms[Math.ceil(ms.length * 0.99) - 1]!, p50: ms[ms.length >> 1]! };
  }
  return result;
}

export interface BlocksRead {
  total: number;
  /** By table (its heap, indexes and TOAST together), catalogs included. */
  byTable: Map<string, number>;
}

/**
 * Blocks PostgreSQL has read from outside its shared buffers in this database so far, in all and by
 * table: the reads' cache misses, counted across a pass. Backends publish their counts at most once
 * a second while busy and within 10 s once idle, so this waits that long first.
 */
export async function blocksRead(owner: Pool): Promise<BlocksRead> {
  await new Promise((resolve) => setTimeout(resolve, 10_500));
  const { rows } = await owner.query<{ n: string }>('SELECT blks_read AS n FROM pg_stat_database WHERE datname = current_database()');
  const tables = await owner.query<{ name: string; n: string }>(
    `SELECT schemaname || '.' || relname AS name,
            coalesce(heap_blks_read, 0) + coalesce(idx_blks_read, 0) + coalesce(toast_blks_read, 0) + coalesce(tidx_blks_read, 0) AS n
       FROM pg_statio_all_tables`,
  );
  return { total: Number(rows[0]!.n), byTable: new Map(tables.rows.map((t) => [t.name, Number(t.n)])) };
}

/** Blocks read between two counts, and the tables that read most of them ("table n", largest first). */
export function blocksReadBetween(before: BlocksRead, after: BlocksRead, top = 4): { blocks: number; tables: string[] } {
  const deltas = [...after.byTable].map(([name, n]) => [name, n - (before.byTable.get(name) ?? 0)] as const).filter(([, n]) => n > 0);
  deltas.sort((a, b) => b[1] - a[1]);
  return { blocks: after.total - before.total, tables: deltas.slice(0, top).map(([name, n]) => `${name} ${n}`) };
}

/**
 * Database pages (8 KiB, shared buffers hit or read) that each read's statements touch, for one
 * device: the routes' own query functions (devices.queries.ts), run under EXPLAIN (ANALYZE, BUFFERS).
 */
export async function readPages(api: Pool, newestDay: string): Promise<Record<Read, number>> {
  let pages = 0;
  const explained: Queryable = {
    query: (async (q: { text: string; values: unknown[] }) => {
      const { rows } = await api.query({ text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${q.text}`, values: q.values });
      const plan = (rows[0] as { 'QUERY PLAN': [{ Plan: Record<string, number> }] })['QUERY PLAN'][0].Plan;
      pages += (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
      return { rows: [] };
    }) as unknown as Queryable['query'],
  };
  const device = `fleet-${GOLD.devices >> 1}`;
  const weekBefore = new Date(Date.parse(newestDay) - 6 * 86_400_000).toISOString().slice(0, 10);
  const session = `${newestDay}-s${GOLD.sessions - 1}`;
  const counted = async (read: () => Promise<unknown>) => {
    pages = 0;
    await read();
    return pages;
  };
  return {
    clock: 0,
    activity: await counted(() => deviceActivity(explained, device, weekBefore, newestDay)),
    sessions: await counted(() => deviceSessions(explained, device, undefined, 21)),
    session: await counted(async () => {
      await findSession(explained, device, session);
      await sessionWindowPredictions(explained, device, session, newestDay);
    }),
    // The days of gold in the page's span are found once a moment per span, not per request
    // (devices.handlers.ts): a request's own SQL is the page of totals.
    list: await counted(() => listDevices(explained, null, LIST_PAGE + 1)),
  };
}
