// The README's Python tracking example, run as written with python3 and requests against a real
// API server: the run it records is in the registry with its parameters, per-epoch metrics, tags
// and artifact (in object storage, with its hash); running and failed runs are listed too.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
let stack: TestStack;
let api: TestApi;
let key: string;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  api = await startTestApi(stack);
  key = (await createApiKey(stack.pools.owner, { name: 'notebook', role: 'data_scientist' })).token;
});
afterAll(async () => {
  api?.close();
  await stack?.close();
});

/** The code block between the README's tracking-example markers. */
function readmeExample(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- tracking-example -->\s*```python\n([\s\S]*?)```\s*<!-- \/tracking-example -->/.exec(readme);
  if (!block) throw new Error('README.md has no tracking example between <!-- tracking-example --> markers');
  return block[1]!;
}

const get = async (path: string) => {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as any;
};

describe('the README tracking example in Python', () => {
  it('records a run with parameters, per-epoch metrics, tags and an artifact', async () => {
    const child = execFile('python3', ['-'], { env: { PATH: process.env.PATH, HOME: process.env.HOME, REFINERY_URL: api.url, REFINERY_KEY: key } });
    child.stdin!.end(readmeExample());
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    const id = Number(stdout.trim());

    const r = await get(`/v1/training-runs/${id}`);
    expect(r).toMatchObject({ id, model: 'churn-notebook', status: 'succeeded', source: 'tracking', hyperparameters: { learning_rate: 0.05, epochs: 3 } });
    expect(r.tags).toEqual({ notebook: 'baseline.ipynb' });
    const loss = r.metrics.filter((m: any) => m.name === 'loss').map((m: any) => [m.epoch, m.value]);
    expect(loss).toEqual([
      [0, 1],
      [1, 0.5],
      [2, 1 / 3],
    ]);
    expect(r.artifacts).toEqual([
      {
        path: 'model/weights.bin',
        uri: expect.stringMatching(/\/runs\/churn-notebook\/\d+\/model\/weights\.bin(=|%3D)$/),
        sizeBytes: 1024,
        sha256: createHash('sha256').update(Buffer.alloc(1024)).digest('hex'),
        contentType: 'application/octet-stream',
      },
    ]);
    const link = await get(`/v1/tracking/runs/${id}/artifacts?path=model/weights.bin`);
    const bytes = Buffer.from(await (await fetch(link.url)).arrayBuffer());
    expect(bytes.equals(Buffer.alloc(1024))).toBe(true);
    const experiments = await get('/v1/experiments');
    expect(experiments.items.find((e: any) => e.name === 'churn/baseline').runs.map((x: any) => x.trainingRunId)).toEqual([id]);
  });

  it('lists running and failed runs, not only successes', async () => {
    const { stdout } = await run('python3', ['-c', 'import requests; print(requests.__version__)']).catch(() => {
      throw new Error('python3 with requests is needed: pip install -r test/requirements.txt');
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+/);
    const post = (path: string, body: unknown) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const running = (await (await post('/v1/tracking/runs', { model: 'churn-notebook' })).json()) as { id: number };
    const failed = (await (await post('/v1/tracking/runs', { model: 'churn-notebook' })).json()) as { id: number };
    await post(`/v1/tracking/runs/${failed.id}/finish`, { status: 'failed', error: 'CUDA out of memory' });
    expect((await get('/v1/training-runs?status=running')).items.map((x: any) => x.id)).toEqual([running.id]);
    const f = (await get('/v1/training-runs?status=failed')).items;
    expect(f.map((x: any) => [x.id, x.error])).toEqual([[failed.id, 'CUDA out of memory']]);
    // A finished run takes no more metrics.
    expect((await post(`/v1/tracking/runs/${failed.id}/metrics`, { metrics: [{ name: 'loss', value: 1 }] })).status).toBe(409);
  });

  it('keeps an artifact "x" and an artifact "x/y" of one run apart, each downloadable (schemathesis found the 500)', async () => {
    const res = await fetch(`${api.url}/v1/tracking/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nesting' }),
    });
    const { id } = (await res.json()) as { id: number };
    for (const path of ['x/y', 'x', 'z', 'z/w']) {
      const put = await fetch(`${api.url}/v1/tracking/runs/${id}/artifacts?path=${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
        body: path,
      });
      expect(put.status, path).toBe(201);
    }
    for (const path of ['x/y', 'x', 'z', 'z/w']) {
      const link = await get(`/v1/tracking/runs/${id}/artifacts?path=${path}`);
      expect(await (await fetch(link.url)).text()).toBe(path);
    }
  });
});
