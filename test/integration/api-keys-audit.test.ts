// Roles over the API: admins manage keys (create, list, revoke; a revoked key stops at once), a
// data scientist cannot manage keys or read the audit log, a reader cannot write anything, and
// every write made through the API (ingest aside) appears in the audit log exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { testApp } from '../support/app.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = testApp(stack);
  for (const role of ['admin', 'data_scientist', 'reader'] as const) {
    const k = await createApiKey(stack.pools.owner, { name: role, role });
    tokens[role] = k.token;
    ids[role] = k.id;
  }
  const device = await createApiKey(stack.pools.owner, { name: 'dev', role: 'device', deviceId: 'wrist-1' });
  tokens.device = device.token;
  ids.device = device.id;
});
afterAll(() => stack?.close());

const call = (method: string, path: string, token: string, body?: unknown) =>
  app.request(path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const audit = async (keyId: string) =>
  (await stack.pools.owner.query(`SELECT action, target, status, request_id, role FROM audit.api_writes WHERE key_id = $1 ORDER BY id`, [keyId])).rows;

describe('key administration over the API', () => {
  it('lets an admin create a key, shows it once, lists it without its secret, and revokes it at once', async () => {
    const created = await call('POST', '/v1/keys', tokens.admin!, { name: 'notebook', role: 'data_scientist' });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; token: string; role: string };
    expect(key.role).toBe('data_scientist');
    expect(key.token).toMatch(/^rfy_/);
    expect((await call('GET', '/v1/whoami', key.token)).status).toBe(200);

    const list = (await (await call('GET', '/v1/keys', tokens.admin!)).json()) as { items: Record<string, unknown>[] };
    const listed = list.items.find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ name: 'notebook', role: 'data_scientist', revokedAt: null });
    // The secret is all after `rfy_<id>_` (it may hold underscores itself).
    const secret = key.token.slice(`rfy_${key.id}_`.length);
    expect(secret).toHaveLength(43);
    expect(JSON.stringify(list)).not.toContain(secret);
    const [stored] = (await stack.pools.owner.query(`SELECT created_by FROM ops.api_keys WHERE id = $1`, [key.id])).rows;
    expect(stored.created_by).toBe(ids.admin);

    expect((await call('DELETE', `/v1/keys/${key.id}`, tokens.admin!)).status).toBe(200);
    expect((await call('GET', '/v1/whoami', key.token)).status).toBe(401);
    expect((await call('DELETE', `/v1/keys/${key.id}`, tokens.admin!)).status).toBe(404);
  });

  it('refuses bad key requests naming the field', async () => {
    const device = await call('POST', '/v1/keys', tokens.admin!, { name: 'd', role: 'device' });
    expect(device.status).toBe(422);
    expect(((await device.json()) as any).error.details).toEqual([{ field: 'deviceId', reason: 'a device key needs --device <device id>' }]);
    const role = await call('POST', '/v1/keys', tokens.admin!, { name: 'x', role: 'root' });
    expect(role.status).toBe(400);
    expect(((await role.json()) as any).error.details[0].field).toBe('role');
  });

  it('does not let a data scientist manage keys or read the audit log', async () => {
    expect((await call('POST', '/v1/keys', tokens.data_scientist!, { name: 'mine', role: 'admin' })).status).toBe(403);
    expect((await call('GET', '/v1/keys', tokens.data_scientist!)).status).toBe(403);
    expect((await call('DELETE', `/v1/keys/${ids.reader}`, tokens.data_scientist!)).status).toBe(403);
    expect((await call('GET', '/v1/audit', tokens.data_scientist!)).status).toBe(403);
    // ...but reads what a reader reads.
    expect((await call('GET', '/v1/models', tokens.data_scientist!)).status).toBe(200);
  });

  it('does not let a reader write anything', async () => {
    const writes: [string, string, unknown?][] = [
      ['POST', '/v1/models', { name: 'r', task: 'other' }],
      ['POST', '/v1/models/r/deploy', { version: 1, reason: 'because' }],
      ['POST', '/v1/models/r/rollback', { reason: 'because' }],
      ['PUT', '/v1/models/r/aliases/champion', { version: 1, reason: 'because' }],
      ['POST', '/v1/models/r/train', { dataset: 'd', target: 't' }],
      ['POST', '/v1/tracking/runs', { model: 'r' }],
      ['POST', '/v1/tracking/runs/1/finish', { status: 'failed' }],
      ['DELETE', '/v1/datasets/d'],
      ['POST', '/v1/keys', { name: 'x', role: 'reader' }],
    ];
    for (const [method, path, body] of writes) expect((await call(method, path, tokens.reader!, body)).status, `${method} ${path}`).toBe(403);
    const upload = await app.request('/v1/datasets/d/versions', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.reader}`, 'content-type': 'text/csv' },
      body: 'a\n1\n',
    });
    expect(upload.status).toBe(403);
    const { rows } = await stack.pools.owner.query(`SELECT (SELECT count(*) FROM registry.models) + (SELECT count(*) FROM registry.datasets) AS n`);
    expect(rows[0].n).toBe(0);
  });
});

describe('the audit log', () => {
  it('records each API write once with key, role, action, target, status and request id; ingest is not in it', async () => {
    const before = (await audit(ids.data_scientist!)).length;
    const made = await call('POST', '/v1/tracking/runs', tokens.data_scientist!, { model: 'audited', params: { lr: 0.1 } });
    const run = (await made.json()) as { id: number };
    await call('POST', `/v1/tracking/runs/${run.id}/metrics`, tokens.data_scientist!, { metrics: [{ name: 'loss', value: 1, step: 0 }] });
    await call('POST', `/v1/tracking/runs/${run.id}/finish`, tokens.data_scientist!, { status: 'succeeded' });
    const rows = (await audit(ids.data_scientist!)).slice(before);
    expect(rows.map((r) => [r.action, r.target, r.status, r.role])).toEqual([
      ['POST /v1/tracking/runs', `training-runs/${run.id}`, 201, 'data_scientist'],
      ['POST /v1/tracking/runs/{id}/metrics', `training-runs/${run.id}`, 200, 'data_scientist'],
      ['POST /v1/tracking/runs/{id}/finish', `training-runs/${run.id}`, 200, 'data_scientist'],
    ]);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(3);

    // The reader's refused writes are there too, as 403s: who tried what.
    const refused = await audit(ids.reader!);
    expect(refused.length).toBe(10);
    expect(refused.every((r) => r.status === 403)).toBe(true);

    // Reads are not writes, nor is a prediction (a POST that writes nothing); ingest is devices'
    // data, not an action.
    await call('GET', '/v1/models', tokens.data_scientist!);
    const predicted = await call('POST', '/v1/predict', tokens.data_scientist!, { windows: [] });
    expect(predicted.status).toBeLessThan(500);
    const ingest = await call('POST', '/v1/ingest/readings', tokens.device!, { deviceId: 'wrist-1', batchId: crypto.randomUUID(), readings: [] });
    expect(ingest.status).toBeLessThan(500);
    expect(await audit(ids.device!)).toEqual([]);
    expect((await audit(ids.data_scientist!)).length).toBe(before + 3);
  });

  it('lets an admin page through it, newest first, filtered by key', async () => {
    const page = (await (await call('GET', `/v1/audit?key=${ids.data_scientist}&limit=2`, tokens.admin!)).json()) as any;
    expect(page.items.map((e: any) => e.action)).toEqual(['POST /v1/tracking/runs/{id}/finish', 'POST /v1/tracking/runs/{id}/metrics']);
    const next = (await (await call('GET', `/v1/audit?key=${ids.data_scientist}&limit=2&before=${page.nextBefore}`, tokens.admin!)).json()) as any;
    expect(next.items[0].action).toBe('POST /v1/tracking/runs');
    expect((await call('GET', '/v1/audit?limit=0', tokens.admin!)).status).toBe(400);
  });
});
