// The rankings cache on real PostgreSQL: a revalidation of a version seen a moment ago is answered
// 304 without a query (counted on the API's pool), a re-run shows within the stated bound (the
// cache's moment plus the freshness reader's), freshness stays in every 200, and a cached page goes
// to gzip-accepting clients compressed, the same bytes each time, decompressing to the page. The
// revalidation fast path answers with the handler's headers, still checks the key on every request,
// and is counted in /metrics; over a real socket, X-Request-Id is on every answer once.
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { KeyStore } from '../../api/auth.ts';
import { parseKey } from '../../lib/keys.ts';
import { createApiKey, revokeApiKeys } from '../../lib/db/api-keys.ts';
import type { Pool } from '../../lib/db/pool.ts';
import { createLogger } from '../../lib/log.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { seedTournamentGold, type TournamentSeed } from '../support/tournament-gold.ts';

let stack: TestStack;
let app: App;
let reader: string;
let seed: TournamentSeed;
let queries = 0;

/** The API's read pool, counting the statements sent through it. */
function counting(pool: Pool): Pool {
  return new Proxy(pool, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'query' && typeof value === 'function') {
        return (...args: unknown[]) => {
          queries++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { authorization: `Bearer ${reader}`, ...headers } });

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = createApp({
    readPool: counting(stack.pools.api),
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
  });
  reader = (await createApiKey(stack.pools.owner, { name: 'ui', role: 'reader' })).token;
  seed = await seedTournamentGold(stack.pools.owner, { entries: 60 });
});
afterAll(() => stack?.close());

describe('rankings cache', () => {
  it('answers revalidations from memory, and shows a re-run within the bound', async () => {
    const path = `/v1/optimisation-runs/${seed.runIds[0]}/rankings?limit=50`;
    const first = await get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(((await first.json()) as { freshness: unknown }).freshness).toMatchObject({ stale: false });
    // Revalidations of any page of the run, right after: 304 with the validators, and no statement.
    const before = queries;
    for (let i = 0; i < 20; i++) {
      const again = await get(`/v1/optimisation-runs/${seed.runIds[0]}/rankings${i % 2 ? '' : '?limit=7'}`, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('last-modified')).toBe(first.headers.get('last-modified'));
    }
    expect(queries).toBe(before);
    // Still behind the key check, and a bad id is still refused by validation.
    const revalidate = { 'if-none-match': etag };
    expect((await app.request(`/v1/optimisation-runs/${seed.runIds[0]}/rankings`, { headers: revalidate })).status).toBe(401);
    expect((await get(`/v1/optimisation-runs/0/rankings`, revalidate)).status).toBe(400);
    // A re-run replaces the rankings: within 2 s (1 s cache + 1 s freshness), a 200 with a new version.
    await stack.pools.owner.query("UPDATE gold.optimisation_runs SET updated_at = updated_at + interval '1 microsecond' WHERE id = $1", [seed.runIds[0]]);
    await new Promise((r) => setTimeout(r, 2100));
    const after = await get(path, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(queries).toBeGreaterThan(before);
    // The new version is the one now remembered.
    const fresh = after.headers.get('etag')!;
    expect((await get(path, { 'if-none-match': fresh })).status).toBe(304);
  });

  it('reads a lapsed page once for all the requests asking for it at the same time', async () => {
    const page = (limit: number) => `/v1/optimisation-runs/${seed.runIds[0]}/rankings?limit=${limit}`;
    await new Promise((r) => setTimeout(r, 1100)); // freshness and pages read earlier have lapsed
    let before = queries;
    expect((await get(page(11))).status).toBe(200);
    const one = queries - before;
    expect(one).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1100));
    before = queries;
    const answers = await Promise.all(Array.from({ length: 10 }, async () => get(page(13))));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    const texts = await Promise.all(answers.map((a) => a.text()));
    expect(new Set(texts).size).toBe(1);
    expect(queries - before).toBe(one);
  });

  it('keeps cached pages gzipped for the clients that accept it', async () => {
    const path = `/v1/optimisation-runs/${seed.runIds[0]}/rankings?limit=40`;
    const plain = await get(path);
    const text = await plain.text();
    expect(text.length).toBeGreaterThan(1024);
    const zipped = [await get(path, { 'accept-encoding': 'gzip' }), await get(path, { 'accept-encoding': 'gzip, br' })];
    const bodies: Buffer[] = [];
    for (const res of zipped) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe('gzip');
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      const body = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(body.byteLength);
      bodies.push(body);
    }
    expect(bodies[0]!.equals(bodies[1]!)).toBe(true);
    expect(gunzipSync(bodies[0]!).toString('utf8')).toBe(text);
    // A client without gzip still gets the identity body.
    expect(await (await get(path)).text()).toBe(text);
  });
});

describe('revalidation fast path', () => {
  const rankings = () => `/v1/optimisation-runs/${seed.runIds[0]}/rankings`;

  it('answers with the same validators as the handler, and the request id', async () => {
    const first = await get(rankings());
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    const before = queries;
    const fast = await get(rankings(), { 'if-none-match': etag, 'x-request-id': 'trace-304' });
    // A query string goes through validation and the handler's own check of the remembered version.
    const handled = await get(`${rankings()}?limit=25`, { 'if-none-match': etag });
    expect(queries).toBe(before);
    for (const res of [fast, handled]) {
      expect(res.status).toBe(304);
      for (const h of ['etag', 'last-modified', 'cache-control', 'vary']) expect(res.headers.get(h)).toBe(first.headers.get(h));
    }
    // The page may go gzipped, so every answer of it, 304s too, says it varies by Accept-Encoding (once).
    expect(first.headers.get('vary')).toBe('Accept-Encoding');
    expect(fast.headers.get('x-request-id')).toBe('trace-304');
    // Answered in front of Hono (api/revalidation.ts): synchronously, not a promise of the chain's answer.
    const direct = app.fetch(new Request(`http://localhost${rankings()}`, { headers: { authorization: `Bearer ${reader}`, 'if-none-match': etag } }));
    expect(direct).toBeInstanceOf(Response);
    expect((direct as Response).status).toBe(304);
    expect(handled.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A version the client does not hold still gets the page.
    expect((await get(rankings(), { 'if-none-match': 'W/"something-else"' })).status).toBe(200);
  });

  it('checks the key on every request: a revoked or wrong key gets 401, a known one its 304', async () => {
    const etag = (await get(rankings())).headers.get('etag')!;
    const { id, token } = await createApiKey(stack.pools.owner, { name: 'revoked soon', role: 'reader' });
    const as = (t: string) => app.request(rankings(), { headers: { authorization: `Bearer ${t}`, 'if-none-match': etag } });
    expect((await as(token)).status).toBe(304);
    // Same id, another secret (the verified-secret cache must not accept it).
    expect((await as(`${token.slice(0, -4)}AAAA`)).status).toBe(401);
    expect((await as(token)).status).toBe(304);
    await revokeApiKeys(stack.pools.owner, { id });
    app.keys.forget(id); // what DELETE /v1/keys/{id} does in the process that revoked it
    const refused = await as(token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
  });

  it('forgets a key revoked elsewhere within the key store’s bound, so the lane stops answering', async () => {
    const { id, token } = await createApiKey(stack.pools.owner, { name: 'revoked elsewhere', role: 'reader' });
    const { secret } = parseKey(token)!;
    const keys = new KeyStore(stack.pools.api, 300);
    expect(keys.verifyRemembered(id, secret)).toBeUndefined();
    expect(await keys.verify(id, secret)).toMatchObject({ role: 'reader' });
    expect(keys.verifyRemembered(id, secret)).toMatchObject({ role: 'reader' });
    await revokeApiKeys(stack.pools.owner, { id }); // by another API process or the CLI
    expect(keys.verifyRemembered(id, secret)).toMatchObject({ role: 'reader' }); // within the bound
    await new Promise((r) => setTimeout(r, 350));
    expect(keys.verifyRemembered(id, secret)).toBeUndefined();
    expect(await keys.verify(id, secret)).toBeNull();
    expect(keys.verifyRemembered(id, secret)).toBeNull();
  });

  it('checks the role on every request: a device key gets 403', async () => {
    const etag = (await get(rankings())).headers.get('etag')!;
    const device = (await createApiKey(stack.pools.owner, { name: 'imu', role: 'device', deviceId: 'imu-lane' })).token;
    for (let i = 0; i < 2; i++) {
      const res = await app.request(rankings(), { headers: { authorization: `Bearer ${device}`, 'if-none-match': etag } });
      expect(res.status).toBe(403);
    }
  });

  it('writes the request log line, and with CORS configured still sends its headers', async () => {
    const lines: { msg: string; status?: number; path?: string; requestId?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
    const deps = { readPool: stack.pools.api, ingestPool: stack.pools.ingest, log, ready: { postgres: async () => {}, temporal: async () => {} } };
    for (const corsOrigins of [undefined, ['https://ui.example']]) {
      const other = createApp({ ...deps, corsOrigins });
      const headers = { authorization: `Bearer ${reader}`, origin: 'https://ui.example' };
      const etag = (await other.request(rankings(), { headers })).headers.get('etag')!;
      lines.length = 0;
      const res = await other.request(rankings(), { headers: { ...headers, 'if-none-match': etag, 'x-request-id': 'logged-304' } });
      expect(res.status).toBe(304);
      expect(res.headers.get('access-control-allow-origin')).toBe(corsOrigins ? 'https://ui.example' : null);
      expect(lines.filter((l) => l.msg === 'request')).toEqual([expect.objectContaining({ requestId: 'logged-304', path: rankings(), status: 304 })]);
    }
  });

  it('counts fast-path answers in /metrics', async () => {
    const etag = (await get(rankings())).headers.get('etag')!;
    const count = async () => {
      const text = await (await app.request('/metrics')).text();
      const m = /refinery_http_requests_total\{method="GET",route="\/v1\/optimisation-runs\/:id\/rankings",status="304"\} (\d+)/.exec(text);
      return Number(m?.[1] ?? 0);
    };
    const before = await count();
    for (let i = 0; i < 5; i++) expect((await get(rankings(), { 'if-none-match': etag })).status).toBe(304);
    expect(await count()).toBe(before + 5);
  });

  it('over a real socket, sends X-Request-Id once on a 200, a fast-path 304 and an error', async () => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const auth = { authorization: `Bearer ${reader}` };
      const page = await fetch(`${base}${rankings()}`, { headers: auth });
      expect(page.status).toBe(200);
      expect(page.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const etag = page.headers.get('etag')!;
      await page.arrayBuffer();
      const fast = await fetch(`${base}${rankings()}`, { headers: { ...auth, 'if-none-match': etag, 'x-request-id': 'trace-socket' } });
      expect(fast.status).toBe(304);
      expect(fast.headers.get('x-request-id')).toBe('trace-socket');
      for (const h of ['etag', 'last-modified', 'cache-control']) expect(fast.headers.get(h)).toBe(page.headers.get(h));
      const refused = await fetch(`${base}${rankings()}`, { headers: { 'if-none-match': etag, 'x-request-id': 'no-key' } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-request-id')).toBe('no-key');
      expect(((await refused.json()) as { error: { requestId: string } }).error.requestId).toBe('no-key');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
