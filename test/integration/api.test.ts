// The API skeleton through app.request() against real PostgreSQL and Temporal: health, readiness,
// keys and roles, the error envelope, request ids and the generated OpenAPI document.
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey, revokeApiKeys } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { freePort } from '../../cli/stack/ports.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
const keys: Record<string, string> = {};
const log = createLogger('silent', 'api-test');

function appWith(temporal: () => Promise<void>): App {
  return createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log,
    ready: {
      postgres: async () => {
        await stack.pools.api.query('select 1');
      },
      temporal,
    },
  });
}

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = appWith(async () => {
    await stack.client.workflowService.getSystemInfo({});
  });
  keys.reader = (await createApiKey(stack.pools.owner, { name: 'frontend', role: 'reader' })).token;
  keys.admin = (await createApiKey(stack.pools.owner, { name: 'ops', role: 'admin' })).token;
  keys.device = (await createApiKey(stack.pools.owner, { name: 'esp32', role: 'device', deviceId: 'dev-7' })).token;
  const revoked = await createApiKey(stack.pools.owner, { name: 'old', role: 'admin' });
  await revokeApiKeys(stack.pools.owner, { id: revoked.id });
  keys.revoked = revoked.token;
});
afterAll(() => stack?.close());

// Response bodies are checked field by field.
const json = (res: Response): Promise<any> => res.json();

const get = (path: string, key?: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

describe('health and readiness', () => {
  it('answers /healthz', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: 'ok' });
  });

  it('is ready when PostgreSQL and Temporal answer', async () => {
    const res = await get('/readyz');
    const body = await json(res);
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.postgres.ok).toBe(true);
    expect(body.checks.temporal.ok).toBe(true);
  });

  it('is not ready, with the reason, when Temporal does not answer', async () => {
    const dead = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: '500ms' });
    // A deadline inside the probe's 2 s; the call is awaited to its end before the connection
    // closes, so no retry of it is still pending then (on a loaded machine the probe can give up first).
    let call: Promise<unknown> | undefined;
    const res = await appWith(async () => {
      call = dead.withDeadline(Date.now() + 1500, () => dead.workflowService.getSystemInfo({}));
      await call;
    }).request('/readyz');
    const body = await json(res);
    expect(res.status).toBe(503);
    expect(body.checks.postgres.ok).toBe(true);
    expect(body.checks.temporal).toMatchObject({ ok: false });
    expect(body.checks.temporal.error).toBeTruthy();
    await call?.catch(() => {});
    await dead.close();
  });
});

describe('API keys and roles', () => {
  it('refuses requests without a key with 401 and the error envelope', async () => {
    const res = await get('/v1/whoami');
    expect(res.status).toBe(401);
    const body = await json(res);
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/API key is required/);
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('refuses malformed, unknown, tampered and revoked keys with 401', async () => {
    const tampered = keys.reader!.slice(0, -2) + (keys.reader!.endsWith('AA') ? 'BB' : 'AA');
    const unknown = keys.reader!.replace(/^rfy_[a-z0-9]{12}/, 'rfy_000000000000');
    for (const key of ['nonsense', tampered, unknown, keys.revoked!]) {
      const res = await get('/v1/whoami', key);
      expect(res.status, key).toBe(401);
      expect((await json(res)).error.code).toBe('unauthorized');
    }
    // The process remembers the secret that last matched a key: the genuine key between tampered
    // ones must not let a tampered one through, nor the other way round.
    for (const key of [keys.reader!, tampered, keys.reader!, tampered]) expect((await get('/v1/whoami', key)).status, key).toBe(key === tampered ? 401 : 200);
  });

  it('accepts the key in X-API-Key too', async () => {
    const res = await get('/v1/whoami', undefined, { 'x-api-key': keys.reader! });
    expect(res.status).toBe(200);
  });

  it('identifies reader and device keys, with the device bound to its id', async () => {
    expect(await json(await get('/v1/whoami', keys.reader))).toMatchObject({ role: 'reader' });
    expect(await json(await get('/v1/whoami', keys.device))).toMatchObject({ role: 'device', deviceId: 'dev-7' });
  });

  it('answers 403 when the key has the wrong role, and lets admin list keys without secrets', async () => {
    const forbidden = await get('/v1/keys', keys.reader);
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).error).toMatchObject({ code: 'forbidden' });
    expect((await get('/v1/keys', keys.device)).status).toBe(403);
    const res = await get('/v1/keys', keys.admin);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text).items.map((k: { name: string }) => k.name)).toEqual(['frontend', 'ops', 'esp32', 'old']);
    expect(text).not.toMatch(/secret|hash/i);
    for (const key of Object.values(keys)) expect(text).not.toContain(key.slice('rfy_000000000000_'.length));
  });
});

describe('envelope, request ids and documentation', () => {
  it('answers unknown routes with a 404 envelope', async () => {
    const res = await get('/v1/nope');
    expect(res.status).toBe(404);
    expect((await json(res)).error).toMatchObject({ code: 'not_found', message: 'no route for GET /v1/nope' });
  });

  it('keeps a request id the caller sends and makes one otherwise', async () => {
    expect((await get('/healthz', undefined, { 'x-request-id': 'trace-123' })).headers.get('x-request-id')).toBe('trace-123');
    expect((await get('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('describes every route of the app in an OpenAPI 3.1 document', async () => {
    const doc = await json(await get('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    // Documentation and the dashboard's static files are pages, not API routes.
    const undocumented = ['/openapi.json', '/docs', '/docs/init.js', '/docs/assets/:file', '/', '/dashboard/*'];
    const routes = app.routes.filter((r) => r.method !== 'ALL' && !undocumented.includes(r.path)).map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(3);
    for (const route of routes) expect(documented, route).toContain(route);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves the docs page and its assets without the internet', async () => {
    const page = await get('/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/docs/assets/swagger-ui-bundle.js');
    const asset = await get('/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await get('/docs/assets/..%2Fpackage.json')).status).toBe(404);
  });
});
