// Schemathesis over the datasets, models, training, tracking, key and audit routes of a real
// `refinery api` process, with the keys that may use them (a data scientist, then an admin): every
// generated request, valid or not, gets an answer that is not a server error.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitForPort } from '../../cli/stack/ports.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { stackEnv, startRefinery, type RefineryProcess } from '../support/processes.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

const run = promisify(execFile);
let stack: TestStack;
let api: RefineryProcess;
let url: string;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  const port = await freePort();
  api = startRefinery(['api'], stackEnv(stack, { API_PORT: String(port), UPLOAD_MAX_MB: '2', LOG_LEVEL: 'warn' }));
  await waitForPort(port, '127.0.0.1', 60_000, () => api.child.exitCode === null);
  url = `http://127.0.0.1:${port}`;
  // Something for the generated requests to find: a dataset and a model with a version.
  const scientist = (await createApiKey(stack.pools.owner, { name: 'seed', role: 'data_scientist' })).token;
  const post = (path: string, body: string, type: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${scientist}`, 'content-type': type }, body });
  expect((await post('/v1/datasets/iris/versions', 'x,y,label\n1,2,a\n3,4,b\n', 'text/csv')).status).toBe(201);
  expect((await post('/v1/models', JSON.stringify({ name: 'iris', task: 'classification' }), 'application/json')).status).toBe(201);
});
afterAll(async () => {
  await api?.kill('SIGTERM');
  await stack?.close();
});

async function schemathesis(token: string, paths: string): Promise<string> {
  try {
    await run('schemathesis', ['--version']);
  } catch {
    throw new Error('schemathesis is not installed: pip install -r test/requirements.txt');
  }
  const { stdout, stderr } = await run(
    'schemathesis',
    [
      'run',
      `${url}/openapi.json`,
      '--checks',
      'not_a_server_error',
      '--include-path-regex',
      paths,
      '--header',
      `Authorization: Bearer ${token}`,
      '--max-examples',
      '15',
      '--no-color',
      '--seed',
      '1',
    ],
    { maxBuffer: 20 * 1024 * 1024, timeout: 540_000 },
  ).catch((e: { stdout: string; stderr: string; code: number }) => {
    mkdirSync(new URL('../.out/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../.out/registry-schemathesis-api.log', import.meta.url), api.output());
    throw new Error(
      `schemathesis found problems (exit ${e.code}):\n${e.stdout.slice(-6000)}\n${e.stderr.slice(-2000)}\n--- API output:\n${api.output().slice(-4000)}`,
    );
  });
  return stdout + stderr;
}

describe('schemathesis on the registry routes', () => {
  it('finds no server error with a data scientist key', async () => {
    const token = (await createApiKey(stack.pools.owner, { name: 'fuzz scientist', role: 'data_scientist' })).token;
    const out = await schemathesis(token, '^/v1/(datasets|models|training-runs|tracking|downloads)');
    expect(out).not.toMatch(/Server error/i);
    expect(out).toMatch(/\d+ generated/);
  }, 600_000);

  it('finds no server error with an admin key on keys and the audit log', async () => {
    const token = (await createApiKey(stack.pools.owner, { name: 'fuzz admin', role: 'admin' })).token;
    const out = await schemathesis(token, '^/v1/(keys|audit)');
    expect(out).not.toMatch(/Server error/i);
  }, 600_000);
});
