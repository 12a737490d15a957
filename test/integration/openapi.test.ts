// The served /openapi.json is a valid OpenAPI 3.1 document (checked by @readme/openapi-parser
// against the specification's schema and its extra rules), and every route the Hono app answers,
// except the dashboard, the docs and the document itself, is described in it; a documented path
// asked with a method it does not document answers 405 with an Allow header naming exactly those.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { createLogger } from '../../lib/log.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';
import { MAX_TIMESTAMP } from '../../lib/sensor-limits.ts';

let stack: TestStack;
let app: App;
let doc: any;

// Served by the app but deliberately not part of the API's description.
const UNDOCUMENTED = [/^\/$/, /^\/dashboard(\/|$)/, /^\/docs(\/|$)/, /^\/openapi\.json$/];

/** Hono's `:param` (optionally with a {regex}) as OpenAPI's `{param}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  app = createApp({
    readPool: stack.pools.api,
    ingestPool: stack.pools.ingest,
    log: createLogger('silent', 'test'),
    ready: { postgres: async () => {}, temporal: async () => {} },
  });
  const res = await app.request('/openapi.json');
  expect(res.status).toBe(200);
  doc = await res.json();
});
afterAll(() => stack?.close());

describe('/openapi.json', () => {
  it('validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every route the app serves', () => {
    const served = new Set<string>();
    for (const r of app.routes) {
      if (r.method === 'ALL' || UNDOCUMENTED.some((re) => re.test(r.path))) continue;
      served.add(`${r.method.toLowerCase()} ${openApiPath(r.path)}`);
    }
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item))
        if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) documented.add(`${method} ${path}`);
    }
    expect(served.size).toBeGreaterThan(20);
    expect([...served].filter((r) => !documented.has(r)).sort()).toEqual([]);
    // And nothing is documented that the app does not serve.
    expect([...documented].filter((r) => !served.has(r)).sort()).toEqual([]);
  });

  it('declares the bounds the server enforces on whole-number parameters', () => {
    // zod's int() holds numbers up to 2^53 − 1; a larger id is refused, so the document must say so.
    const unbounded: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: any[] }>>))
      for (const [method, op] of Object.entries(item))
        for (const p of op.parameters ?? [])
          if (p.schema?.type === 'integer' && p.schema.maximum === undefined) unbounded.push(`${method.toUpperCase()} ${path} ${p.in}.${p.name}`);
    expect(unbounded).toEqual([]);
  });

  it('declares every pattern as the regex the server matches: no flags tacked on, Unicode classes intact', async () => {
    const patterns = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) {
          if (k === 'pattern' && typeof v === 'string') patterns.add(v);
          else collect(v);
        }
    };
    collect(doc);
    // A pattern ending in `$/u` demands "/u" after the end of the string: nothing matches it.
    expect([...patterns].filter((p) => /\$\/[dgimsuvy]+$/.test(p))).toEqual([]);
    for (const p of patterns) expect(() => new RegExp(p, 'u'), p).not.toThrow();
    // What the server accepts for a region, the document accepts too ("null" is a region name like any other).
    const region = doc.paths['/v1/tournaments/{key}/teams'].get.parameters.find((p: any) => p.name === 'region').schema.pattern;
    const entry = doc.paths['/v1/optimisation-runs/{id}/entries/{entry}/portfolio'].get.parameters.find((p: any) => p.name === 'entry').schema.pattern;
    const reader = (await createApiKey(stack.pools.owner, { name: 'patterns', role: 'reader' })).token;
    for (const [pattern, path] of [
      [region, '/v1/tournaments/none/teams?region=null'],
      [region, '/v1/tournaments/none/teams?region=S%C3%BCd%20Ost'],
      [entry, `/v1/optimisation-runs/1/entries/${encodeURIComponent('O’Brien & Zoë')}/portfolio`],
    ] as const) {
      const value = decodeURIComponent(/(?:region=|entries\/)([^/&]+)/.exec(path)![1]!);
      expect(new RegExp(pattern, 'u').test(value), `${value} against ${pattern}`).toBe(true);
      // The server accepts it too: past validation to the 404 of a tournament or run that does not exist.
      expect((await app.request(path, { headers: { authorization: `Bearer ${reader}` } })).status, path).toBe(404);
    }
    for (const bad of ['', ' East', '-x']) expect(new RegExp(region, 'u').test(bad), bad).toBe(false);
  });

  it('declares the cursor format of every paged list, so any schema-valid cursor is one the server reads', () => {
    const cursors: Record<string, string> = {};
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { parameters?: any[] }>>))
      for (const p of item.get?.parameters ?? []) if (p.name === 'cursor') cursors[path] = p.schema.pattern;
    expect(Object.keys(cursors).sort()).toEqual([
      '/api/v1/analytics/tournaments/{year}/runs',
      '/api/v1/analytics/tournaments/{year}/runs/{runId}/rankings',
      '/v1/devices',
      '/v1/devices/{deviceId}/sessions',
      '/v1/optimisation-runs/{id}/entries/{entry}/outcomes',
      '/v1/optimisation-runs/{id}/rankings',
      '/v1/runs',
      '/v1/tournaments',
      '/v1/tournaments/{key}/optimisation-runs',
      '/v1/tournaments/{key}/teams/{team}/matchups',
    ]);
    // Anchored, ASCII classes only ([0-9], not \d, which other regex engines read as any Unicode digit).
    for (const [path, pattern] of Object.entries(cursors)) expect(pattern, path).toMatch(/^\^[[\]A-Za-z0-9_{},.\\-]+\$$/);
  });

  it('declares the bounds of an ingested timestamp and the 422 for the rules a schema cannot state', () => {
    const stamp = doc.components.schemas.Reading.properties.timestamp;
    // From 0: a device whose clock counts from boot declares clockOffsetMs; the 2000 and clock-limit rules hold on the server clock.
    expect(stamp.anyOf).toContainEqual({ type: 'integer', minimum: 0, maximum: MAX_TIMESTAMP });
    expect(stamp.description).toContain('on the server clock (after clockOffsetMs) from 2000-01-01T00:00:00Z and at most 5 minutes ahead (422 otherwise)');
    for (const path of ['/v1/ingest/readings', '/v1/ingest/sessions', '/v1/predict'])
      expect(Object.keys(doc.paths[path].post.responses), path).toContain('422');
  });

  it('documents the tournament endpoints with their parameters and errors', () => {
    const rankings = doc.paths['/v1/optimisation-runs/{id}/rankings'].get;
    expect(rankings.parameters.map((p: any) => `${p.in}.${p.name}`).sort()).toEqual(['path.id', 'query.cursor', 'query.limit']);
    expect(Object.keys(rankings.responses).sort()).toEqual(['200', '304', '400', '401', '403', '404']);
    const sort = doc.paths['/v1/tournaments/{key}/teams'].get.parameters.find((p: any) => p.name === 'sort');
    expect(sort.schema.enum).toContain('predicted_share');
  });

  it('answers 405 with Allow to every method a documented path does not take, TRACE included', async () => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    // Over a socket: fetch() refuses to send TRACE.
    const send = (method: string, path: string) =>
      new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, allow: res.headers.allow });
        });
        req.on('error', reject).end();
      });
    try {
      const wrong: string[] = [];
      for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        const documented = Object.keys(item).map((m) => m.toUpperCase());
        const expectedAllow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
        const concrete = path.replace(/\{\w+\}/g, '1');
        for (const method of ['TRACE', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST', 'GET'].filter((m) => !documented.includes(m))) {
          const res = await send(method, concrete);
          const allow = res.allow?.split(', ').sort().join(', ');
          if (res.status !== 405 || allow !== expectedAllow)
            wrong.push(`${method} ${path}: ${res.status}, Allow ${res.allow} (expected 405, ${expectedAllow})`);
        }
      }
      expect(wrong).toEqual([]);
      // A path nobody documented is still 404.
      expect((await send('TRACE', '/v1/no-such-thing')).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it("documents the analytics routes a frontend reads, and seed 003's aliases", () => {
    const params = (path: string) => doc.paths[path].get.parameters.map((p: any) => `${p.in}.${p.name}`).sort();
    expect(params('/v1/tournaments/{key}/teams/{team}/matchups')).toEqual(['path.key', 'path.team', 'query.cursor', 'query.limit', 'query.round']);
    expect(params('/v1/optimisation-runs/{id}/entries/{entry}/payouts')).toEqual(['path.entry', 'path.id', 'query.buckets']);
    expect(params('/api/v1/analytics/tournaments/{year}/runs/{runId}/rankings')).toEqual(['path.runId', 'path.year', 'query.cursor', 'query.limit']);
    for (const path of [
      '/v1/tournaments/{key}/teams/{team}',
      '/v1/optimisation-runs/{id}/entries/{entry}/portfolio',
      '/v1/tournaments/{key}/optimisation-runs/latest',
    ]) {
      expect(Object.keys(doc.paths[path].get.responses).sort(), path).toEqual(['200', '304', '400', '401', '403', '404']);
    }
    expect(doc.components.schemas.EntryPerformance.properties.rank.description).toContain('entries tied on it share the better rank');
  });
});
