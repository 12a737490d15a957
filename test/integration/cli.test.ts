// The operator CLI as a user runs it: one readable line and exit 1 for bad config, keys managed
// against a real database, Temporal setup against the real dev server.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../support/stack.ts';

const bin = fileURLToPath(new URL('../../bin/refinery', import.meta.url));
const run = promisify(execFile);
let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
});
afterAll(() => stack?.close());

async function refinery(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, REFINERY_HOME: '/nonexistent-refinery-home' };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('refinery CLI', () => {
  it('fails fast on a bad setting with one line and no stack trace', async () => {
    const result = await refinery(['api'], { API_PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('refinery: API_PORT: must be a number (got "eighty")');
  });

  it('says which variable to set when a database is unreachable', async () => {
    const result = await refinery(['migrate', 'up'], { DATABASE_URL: 'postgres://nobody:pw@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^refinery: DATABASE_URL: cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none \(.*ECONNREFUSED.*\)$/);
    expect(result.stderr).not.toContain('pw@');
  });

  it('creates, lists and revokes API keys, printing the secret only once', async () => {
    const env = { DATABASE_URL: stack.urls.owner };
    const created = await refinery(['keys', 'create', '--role', 'device', '--name', 'bench-esp32', '--device', 'esp-1', '--json'], env);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; token: string };
    expect(key.token).toMatch(/^rfy_[a-z0-9]{12}_/);
    const listed = await refinery(['keys', 'list', '--json'], env);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).not.toContain(key.token.split('_')[2]);
    expect((await refinery(['keys', 'revoke', key.id], env)).code).toBe(0);
    const again = await refinery(['keys', 'revoke', key.id], env);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`refinery: no live key with id ${key.id}`);
    const bad = await refinery(['keys', 'create', '--role', 'device', '--name', 'x'], env);
    expect(bad.stderr.trim()).toBe('refinery: device: a device key needs --device <device id>');
  });

  it('registers search attributes on Temporal idempotently', async () => {
    const result = await refinery(['temporal', 'setup'], { TEMPORAL_ADDRESS: stack.config.temporal.address! });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/search attributes already registered|registered: /);
  });

  it('reports migrations already applied as nothing to do', async () => {
    const result = await refinery(['migrate', 'up'], { DATABASE_URL: stack.urls.owner });
    expect(result.stdout.trim()).toBe('nothing to do: the database is up to date');
  });
});
