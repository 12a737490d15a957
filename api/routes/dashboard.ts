// The dashboard: static files (no build step, no framework) at / and /dashboard/*. It reads only
// the public API, with a reader key the user pastes in; these routes serve no data themselves.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import type { AppEnv } from '../types.ts';

const root = fileURLToPath(new URL('../dashboard/static/', import.meta.url));
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

async function file(path: string): Promise<Response | undefined> {
  const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
  const type = types[extname(safe)];
  if (!type || safe.includes('..')) return undefined;
  try {
    const body = await readFile(join(root, safe));
    return new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' } });
  } catch {
    return undefined;
  }
}

export function dashboardRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => (await file('index.html')) ?? c.notFound())
    .get('/dashboard/*', async (c) => (await file(c.req.path.slice('/dashboard/'.length))) ?? c.notFound());
}
