// Bad input at volume: property-based fuzzing of ingest bodies and query parameters, schemathesis
// against /openapi.json, and the awkward clients (huge, deep, invalid UTF-8, never-finishing
// bodies). No 5xx, no hang, and no row written by any rejected request.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { chaosScale, recordFigure } from './figures.ts';

const run = promisify(execFile);
const long = chaosScale().long;
let stack: TestStack;
let app: App;
let device: string;
let reader: string;
let api: RefineryProcess;
let apiUrl: string;
const tally = { requests: 0, fiveXX: 0, accepted: 0, rejected: 0 };

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
  tally.requests++;
  const res = await app.request('/v1/ingest/readings', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
    body,
  });
  if (res.status >= 500) tally.fiveXX++;
  return res;
}

describe('fuzzing', () => {
  it('answers every mutated ingest body with 2xx or 4xx, and rejected ones leave no rows', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedBatch, async ({ batchId, body }) => {
        const res = await ingest(body);
        expect(res.status).toBeLessThan(500);
        const { rows } = await stack.pools.owner.query(`SELECT count(*)::int AS n FROM bronze.imu_readings WHERE batch_id = $1`, [batchId]);
        if (res.status >= 400) {
          tally.rejected++;
          expect(rows[0].n).toBe(0);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBeTruthy();
        } else {
          tally.accepted++;
          expect(rows[0].n).toBeGreaterThan(0);
        }
      }),
      { numRuns: long ? 3000 : 300 },
    );
  });

  it('answers arbitrary JSON and arbitrary bytes with 4xx', async () => {
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
  });

  it('answers arbitrary query parameters on the read endpoints with 200 or 400', async () => {
    const paths = ['/v1/runs', '/v1/pipelines', '/v1/keys'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 }), { maxKeys: 4 }),
        async (path, params) => {
          tally.requests++;
          const res = await app.request(`${path}?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${reader}` } });
          if (res.status >= 500) tally.fiveXX++;
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
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect((await ingest(deep)).status).toBe(400);
    const invalidUtf8 = Buffer.concat([Buffer.from('{"deviceId":"fz","batchId":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","readings":[]}')]);
    const res = await fetch(`${apiUrl}/v1/ingest/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
      body: invalidUtf8,
    });
    expect(res.status).toBe(400);
    const huge = await fetch(`${apiUrl}/v1/ingest/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` },
      body: 'x'.repeat(5 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
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
});

describe('schemathesis', () => {
  it('finds no server error anywhere in /openapi.json', async () => {
    let version: string;
    try {
      version = (await run('schemathesis', ['--version'])).stdout.trim();
    } catch {
      throw new Error('schemathesis is not installed: pip install -r test/requirements.txt');
    }
    const schemathesis = (options: string[], maxExamples: number) =>
      run(
        'schemathesis',
        [
          'run',
          `${apiUrl}/openapi.json`,
          '--checks',
          'not_a_server_error',
          '--header',
          `Authorization: Bearer ${reader}`,
          '--max-examples',
          String(maxExamples),
          '--no-color',
          '--seed',
          '1',
          ...options,
        ],
        { maxBuffer: 10 * 1024 * 1024, timeout: 540_000 },
      ).catch((e: { stdout: string; stderr: string; code: number }) => {
        throw new Error(`schemathesis found problems (exit ${e.code}):\n${e.stdout.slice(-4000)}\n${e.stderr.slice(-2000)}`);
      });
    // A live stream (GET /v1/devices/{id}/live) answers 200 and stays open until maxSeconds, so it is
    // fuzzed on its own, each request given 2 s: its refusals come at once, its streams are cut.
    const { stdout, stderr } = await schemathesis(['--exclude-path-regex', '/live$'], long ? 200 : 25);
    const streams = await schemathesis(['--include-path-regex', '/live$', '--request-timeout', '2'], long ? 25 : 5);
    expect(streams.stdout).toMatch(/Selected: 1\//);
    expect(streams.stdout + streams.stderr).not.toMatch(/Server error/i);
    const tested = [stdout, streams.stdout].reduce((n, out) => n + Number(/(\d+) generated/.exec(out)?.[1] ?? 0), 0);
    recordFigure('bad-input', {
      scenario: 'Bad input at volume: fuzzed ingest bodies and query parameters, awkward clients, schemathesis',
      requestsTried: tally.requests,
      accepted: tally.accepted,
      rejectedWith4xx: tally.rejected,
      serverErrors: tally.fiveXX,
      rowsWrittenByRejectedRequests: 0,
      schemathesisCasesGenerated: tested,
      schemathesis: version,
      command: 'npm run test:chaos -- bad-input',
    });
    expect(stdout + stderr).not.toMatch(/Server error/i);
  }, 600_000);
});
