// Liveness and readiness: /healthz says the process answers; /readyz checks Postgres and Temporal.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps, AppEnv } from '../types.ts';

const Health = z.object({ status: z.literal('ok') }).openapi('Health');
const Check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
const Readiness = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ postgres: Check, temporal: Check }) }).openapi('Readiness');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is up',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: Health } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'PostgreSQL and Temporal answer',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: Readiness } } },
    503: { description: 'a dependency is down', content: { 'application/json': { schema: Readiness } } },
  },
});

async function probe(fn: () => Promise<void>, timeoutMs = 2000): Promise<z.infer<typeof Check>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (e as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>()
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const [postgres, temporal] = await Promise.all([probe(deps.ready.postgres), probe(deps.ready.temporal)]);
      const ok = postgres.ok && temporal.ok;
      return c.json({ status: ok ? ('ready' as const) : ('unavailable' as const), checks: { postgres, temporal } }, ok ? 200 : 503);
    });
}
