// Bad input at volume: property-based fuzzing of ingest bodies and query parameters, schemathesis
// against /openapi.json with each role's key, and the awkward clients (huge, deep, invalid UTF-8,
// never-finishing bodies). No 5xx, no hang, and no row written by any rejected request.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { seedTournamentGold } from '../support/tournament-gold.ts';
import { chaosScale, recordFigure } from './figures.ts';

const run = promisify(execFile);
const long = chaosScale().long;
let stack: TestStack;
let app: App;
let device: string;
let reader: string;
let admin: string;
let api: RefineryProcess;
let apiUrl: string;
/** Every request this file sends itself, by how it was answered; the figures are sums of these. */
const tally = { requests: 0, accepted: 0, rejected: 0, fiveXX: 0, rowsWrittenByRejected: 0 };
const scenario = {
  scenario: 'Bad input at volume: fuzzed ingest bodies and query parameters, awkward clients, schemathesis with each role',
  command: 'npm run test:chaos -- bad-input',
};

function count(status: number): void {
  tally.requests++;
  if (status >= 500) tally.fiveXX++;
  else if (status >= 400) tally.rejected++;
  else tally.accepted++;
}

async function bronzeRows(): Promise<number> {
  const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM bronze.imu_readings`);
  return rows[0].n;
}

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'fuzz'),
    ready: { postgres: async () => {}, temporal: async () => {} },
  });
  device = (await createApiKey(stack.pools.owner, { name: 'fuzz device', role: 'device', deviceId: 'fz' })).token;
  reader = (await createApiKey(stack.pools.owner, { name: 'fuzz reader', role: 'reader' })).token;
  admin = (await createApiKey(stack.pools.owner, { name: 'fuzz admin', role: 'admin' })).token;
  // Tournament gold (two tournaments, runs, entries, matchups) so schemathesis also reaches answers that hold rows.
  await seedTournamentGold(stack.pools.owner);
  const port = await freePort();
  api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), API_REQUEST_TIMEOUT_MS: '2000', LOG_LEVEL: 'warn' }));
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  apiUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await stack?.close();
});

const validReading = { timestamp: Date.UTC(2026, 10, 1), ax: 0.1, ay: 0.2, az: 9.8, gx: 0, gy: 0, gz: 0 };

/** A valid batch with one field of one reading, or of the batch, replaced by an arbitrary value. */
const mutatedBatch = fc
  .record({
    batchId: fc.uuid(),
    size: fc.integer({ min: 1, max: 20 }),
    target: fc.oneof(fc.constant('batch'), fc.constant('reading')),
    field: fc.constantFrom('deviceId', 'batchId', 'sessionId', 'readings', 'timestamp', 'ax', 'gz', 'mx', 'extra'),
    value: fc.oneof(fc.jsonValue(), fc.double(), fc.string(), fc.constant(undefined), fc.constant(null)),
    index: fc.nat(),
  })
  .map(({ batchId, size, target, field, value, index }) => {
    const batch: Record<string, unknown> = {
      deviceId: 'fz',
      batchId,
      readings: Array.from({ length: size }, (_, i) => ({ ...validReading, timestamp: validReading.timestamp + i })),
    };
    const where = target === 'batch' ? batch : (batch.readings as Record<string, unknown>[])[index % size]!;
    if (value === undefined) delete where[field];
    else where[field] = value;
    // The batch id the API will see: the mutation may have replaced it.
    const sent = typeof batch.batchId === 'string' ? batch.batchId : batchId;
    return { batchId: sent, body: JSON.stringify(batch) };
  });

async function ingest(body: string) {
  const res = await app.request('/v1/ingest/readings', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
    body,
  });
  count(res.status);
  return res;
}

/** Readings in a body the API accepted (it names them itself in `items`, checked against the body). */
function readingsIn(body: string): number {
  return (JSON.parse(body) as { readings: unknown[] }).readings.length;
}

describe('fuzzing', () => {
  it('answers every mutated ingest body with 2xx or 4xx, and rejected ones leave no rows', async () => {
    const before = await bronzeRows();
    let acceptedRows = 0;
    let rejectedRows = 0;
    await fc.assert(
      fc.asyncProperty(mutatedBatch, async ({ batchId, body }) => {
        const res = await ingest(body);
        expect(res.status).toBeLessThan(500);
        const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM bronze.imu_readings WHERE batch_id = $1`, [batchId]);
        if (res.status >= 400) {
          rejectedRows += rows[0].n;
          expect(rows[0].n).toBe(0);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
        } else {
          // Stored whole: as many rows as the body had readings.
          acceptedRows += rows[0].n;
          expect(rows[0].n).toBe(readingsIn(body));
        }
      }),
      { numRuns: long ? 3000 : 300 },
    );
    // Rows anywhere in bronze beyond the accepted batches' came from rejected requests too.
    const strays = (await bronzeRows()) - before - acceptedRows;
    tally.rowsWrittenByRejected += rejectedRows + strays;
    expect(strays).toBe(0);
  });

  it('answers arbitrary JSON and arbitrary bytes with 4xx', async () => {
    const before = await bronzeRows();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
        ),
        async (body) => {
          const res = await ingest(body);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: long ? 2000 : 200 },
    );
    const written = (await bronzeRows()) - before;
    tally.rowsWrittenByRejected += written;
    expect(written).toBe(0);
  });

  it('answers arbitrary query parameters on the read endpoints with 200 or 400', async () => {
    const paths = ['/v1/runs', '/v1/pipelines', '/v1/keys'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        async (path, params) => {
          const res = await app.request(`${path}?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${reader}` } });
          count(res.status);
          expect([200, 400, 403]).toContain(res.status);
        },
      ),
      { numRuns: long ? 2000 : 200 },
    );
    const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM ops.pipeline_runs`);
    expect(rows[0].n).toBe(0);
  });
});

describe('awkward clients', () => {
  it('handles deep JSON, invalid UTF-8 and oversized bodies without a 5xx or a row', async () => {
    const before = await bronzeRows();
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect((await ingest(deep)).status).toBe(400);
    const invalidUtf8 = Buffer.concat([Buffer.from('{"deviceId":"fz","batchId":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","readings":[]}')]);
    const res = await fetch(`${apiUrl}/v1/ingest/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
      body: invalidUtf8,
    });
    count(res.status);
    expect(res.status).toBe(400);
    const huge = await fetch(`${apiUrl}/v1/ingest/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
      body: 'x'.repeat(5 * 1024 * 1024),
    });
    count(huge.status);
    expect(huge.status).toBe(413);
    const written = (await bronzeRows()) - before;
    tally.rowsWrittenByRejected += written;
    expect(written).toBe(0);
  });

  it('cuts off a client whose body never finishes, and keeps serving others', async () => {
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(new URL(apiUrl).port), '127.0.0.1', () => {
        socket.write(
          `POST /v1/ingest/readings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${device}\r\nContent-Length: 100000\r\n\r\n{"deviceId":`,
        );
      });
      let answer = '';
      socket.on('data', (d) => (answer += d));
      socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.on('error', () => resolve(answer.split('\r\n')[0] ?? ''));
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(closed === '' || /^HTTP\/1\.1 (408|400)/.test(closed)).toBe(true);
    expect((await fetch(`${apiUrl}/healthz`)).status).toBe(200);
  });

  it('records what this file sent: every request counted once, as accepted, rejected or a server error', () => {
    expect(tally.accepted + tally.rejected + tally.fiveXX).toBe(tally.requests);
    expect(tally.fiveXX).toBe(0);
    expect(tally.rowsWrittenByRejected).toBe(0);
    recordFigure('bad-input', {
      ...scenario,
      requestsTried: tally.requests,
      accepted: tally.accepted,
      rejectedWith4xx: tally.rejected,
      serverErrors: tally.fiveXX,
      rowsWrittenByRejectedRequests: tally.rowsWrittenByRejected,
    });
  });
});

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number };
}

/** The operations of /openapi.json, each with a pattern matching its concrete paths. */
async function documentedOperations(): Promise<{ id: string; method: string; pattern: RegExp }[]> {
  const doc = (await (await fetch(`${apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((method) => ({
      id: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      // Documented paths are letters, digits, '-', '/' and {parameters}.
      pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    })),
  );
}

/** Declares 422 an accepted answer to schema-valid data (rules JSON Schema cannot express; see the file). */
const SCHEMATHESIS_CONFIG = fileURLToPath(new URL('../schemathesis.toml', import.meta.url));

/**
 * Fuzzes every operation with one key. A live stream (GET /v1/devices/{id}/live) answers 200 and
 * stays open until maxSeconds, so it is fuzzed in a run of its own, each request given 2 s: its
 * refusals come at once, its streams are cut.
 */
async function schemathesis(role: string, key: string, reportDir: string) {
  const all = await schemathesisRun(role, key, join(reportDir, `${role}.har`), ['--exclude-path-regex', '/live$'], long ? 100 : 25);
  const streams = await schemathesisRun(
    role,
    key,
    join(reportDir, `${role}-live.har`),
    ['--include-path-regex', '/live$', '--request-timeout', '2'],
    long ? 25 : 5,
  );
  expect(streams.stdout).toMatch(/Selected: 1\//);
  return { generated: all.generated + streams.generated, entries: [...all.entries, ...streams.entries] };
}

/**
 * What to show of a failed run: from its FAILURES section (one heading per failing operation, each
 * failure with its curl line) to the end (the summary), so the message names every failing operation.
 */
function failuresOf(stdout: string): string {
  const from = stdout.search(/^=+ FAILURES =+$/m);
  const kept = from >= 0 ? stdout.slice(from) : stdout.slice(-4000);
  return kept.length > 60_000 ? `${kept.slice(0, 50_000)}\n…\n${kept.slice(-10_000)}` : kept;
}

async function schemathesisRun(role: string, key: string, har: string, options: string[], maxExamples: number) {
  const { stdout, stderr } = await run(
    'schemathesis',
    [
      '--config-file',
      SCHEMATHESIS_CONFIG,
      'run',
      `${apiUrl}/openapi.json`,
      // Every check (enabled in the config file, so its per-operation exemption holds): no 5xx,
      // answers and headers as documented, schema-valid requests accepted and invalid ones refused,
      // undocumented methods answered 405, auth not ignored.
      // Entry names are letters of any script (\p{L}), which its generator rarely hits: what matters
      // here is the checks, not how many generated names the pattern filters out.
      '--suppress-health-check',
      'filter_too_much',
      '--header',
      `Authorization: Bearer ${key}`,
      '--max-examples',
      String(maxExamples),
      '--no-color',
      '--seed',
      '1',
      '--report',
      'har',
      '--report-har-path',
      har,
      ...options,
    ],
    { maxBuffer: 10 * 1024 * 1024, timeout: 900_000 },
  ).catch((e: { stdout: string; stderr: string; code: number }) => {
    throw new Error(`schemathesis with the ${role} key found problems (exit ${e.code}):\n${failuresOf(e.stdout)}\n${e.stderr.slice(-2000)}`);
  });
  expect(stdout + stderr).not.toMatch(/Server error/i);
  const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
  return { stdout, generated: Number(/(\d+) generated/.exec(stdout)?.[1] ?? NaN), entries };
}

describe('schemathesis', () => {
  it('passes every check against /openapi.json with a device, a reader and an admin key, and gets past auth on every operation', async () => {
    let version: string;
    try {
      version = (await run('schemathesis', ['--version'])).stdout.trim();
    } catch {
      throw new Error('schemathesis is not installed: pip install -r test/requirements.txt');
    }
    const operations = await documentedOperations();
    const reportDir = mkdtempSync(join(tmpdir(), 'refinery-schemathesis-'));
    // Requests that got past the key check (not 401/403), per operation: its parameters and body were fuzzed.
    const pastAuth = new Map(operations.map((o) => [o.id, 0]));
    const generated: Record<string, number> = {};
    const problems: string[] = [];
    try {
      for (const [role, key] of [
        ['device', device],
        ['reader', reader],
        ['admin', admin],
      ] as const) {
        // Every role is fuzzed even after one finds problems, so one run names them all.
        const result = await schemathesis(role, key, reportDir).catch((e: Error) => {
          problems.push(e.message);
          return null;
        });
        if (!result) continue;
        generated[role] = result.generated;
        for (const { request, response } of result.entries) {
          if (response.status === 401 || response.status === 403) continue;
          const path = new URL(request.url).pathname;
          const op = operations.find((o) => o.method === request.method && o.pattern.test(path));
          if (op) pastAuth.set(op.id, pastAuth.get(op.id)! + 1);
        }
      }
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
    expect(problems.join('\n\n')).toBe('');
    const neverPastAuth = [...pastAuth].filter(([, n]) => n === 0).map(([id]) => id);
    expect(neverPastAuth).toEqual([]);
    recordFigure('bad-input', {
      ...scenario,
      schemathesisCasesDevice: generated.device!,
      schemathesisCasesReader: generated.reader!,
      schemathesisCasesAdmin: generated.admin!,
      operationsFuzzedPastAuth: `${operations.length - neverPastAuth.length} of ${operations.length}`,
      schemathesis: version,
    });
  }, 2_400_000);
});
