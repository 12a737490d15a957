// A 200 MB CSV uploaded to a real `refinery api` process: it streams through the checks into
// storage, so the process's peak memory grows by far less than the file (the limit asserted is
// 100 MB; the figure is printed). An upload declared over the limit is 413 before a byte is stored.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const SIZE = 200 * 1000 * 1000;
let stack: TestStack;
let api: RefineryProcess;
let url: string;
let key: string;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  key = (await createApiKey(stack.pools.owner, { name: 'uploader', role: 'data_scientist' })).token;
  const port = await freePort();
  api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), UPLOAD_MAX_MB: '256', API_REQUEST_TIMEOUT_MS: '600000', LOG_LEVEL: 'warn' }));
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await stack?.close();
});

/** Resident and peak resident memory of a process, in bytes (Linux /proc). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Exactly `size` bytes of CSV (a header, then rows; the last row padded), made as it is sent. */
function csv(size: number): Readable & { sha256(): string; rows(): number } {
  const hash = createHash('sha256');
  let sent = 0;
  let rows = 0;
  const header = 'id,sensor,reading,temperature,status\n';
  const stream = Readable.from(
    (function* () {
      hash.update(header);
      sent += header.length;
      yield Buffer.from(header);
      let id = 0;
      while (sent < size) {
        let chunk = '';
        while (chunk.length < 1 << 20 && sent + chunk.length < size) {
          const line = `${id},s${id % 97},${((id * 7919) % 100003) / 7.3},${(20 + (id % 150) / 10).toFixed(1)},${id % 13 === 0 ? 'warn' : 'ok'}\n`;
          const room = size - sent - chunk.length;
          // The last row takes exactly the bytes left (a longer status value), so the file is SIZE bytes.
          chunk += line.length <= room ? line : `${id},s0,0,0,${'x'.repeat(Math.max(1, room - `${id},s0,0,0,\n`.length))}\n`.slice(0, room);
          id++;
          rows++;
        }
        const b = Buffer.from(chunk);
        hash.update(b);
        sent += b.length;
        yield b;
      }
    })(),
  );
  return Object.assign(stream, { sha256: () => hash.digest('hex'), rows: () => rows });
}

function post(path: string, body: Readable | null, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

describe('uploading 200 MB to a real API process', () => {
  it('stores it whole, with the right hash, while the API grows by less than 100 MB', async () => {
    const pid = api.child.pid!;
    // Warm up (modules load on the first upload), then measure from a reset peak.
    expect((await post('/v1/datasets/warm-up/versions', Readable.from([Buffer.from('a,b\n1,2\n')]), { 'content-type': 'text/csv' })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const before = memory(pid);
    const started = performance.now();
    const file = csv(SIZE);
    const res = await post('/v1/datasets/big-readings/versions', file, { 'content-type': 'text/csv' });
    const seconds = (performance.now() - started) / 1000;
    expect(res.status, res.body).toBe(201);
    const after = memory(pid);
    const growth = after.peak - before.rss;
    console.log(
      `200 MB CSV upload: ${seconds.toFixed(1)} s (${(SIZE / 1e6 / seconds).toFixed(1)} MB/s); API RSS before ${(before.rss / 2 ** 20).toFixed(0)} MiB, ` +
        `peak during ${(after.peak / 2 ** 20).toFixed(0)} MiB: grew ${(growth / 2 ** 20).toFixed(1)} MiB`,
    );
    const version = JSON.parse(res.body) as { sizeBytes: number; sha256: string; rows: number };
    expect(version).toMatchObject({ sizeBytes: SIZE, sha256: file.sha256(), rows: file.rows() });
    expect(await stack.storage.head(`datasets/big-readings/${version.sha256}.csv`)).toMatchObject({ size: SIZE, sha256: version.sha256 });
    expect(growth).toBeLessThan(100 * 1024 * 1024);
  }, 300_000);

  it('answers 413 to an upload declared over the limit, and stores nothing', async () => {
    const res = await post('/v1/datasets/too-big/versions', null, { 'content-type': 'text/csv', 'content-length': String(300 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.message).toContain('upload limit');
    const stored: string[] = [];
    for await (const o of stack.storage.list('')) stored.push(o.key);
    expect(stored.filter((k) => k.includes('too-big') || k.startsWith('staging/'))).toEqual([]);
  });
});
