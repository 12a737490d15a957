// Handlers for the health routes: probes with a time limit each, and the Prometheus registry's text.
import type { z } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import type { AppRouteHandler } from '../../openapi.ts';
import type { AppDeps } from '../../types.ts';
import type * as routes from './health.routes.ts';

async function probe(fn: () => Promise<void>, timeoutMs = 2000): Promise<z.infer<typeof routes.Check>> {
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

export function healthHandlers(ready: AppDeps['ready'], registry: Registry) {
  const healthz: AppRouteHandler<typeof routes.healthz> = (c) => c.json({ status: 'ok' as const }, 200);
  const readyz: AppRouteHandler<typeof routes.readyz> = async (c) => {
    const [postgres, temporal] = await Promise.all([probe(ready.postgres), probe(ready.temporal)]);
    const ok = postgres.ok && temporal.ok;
    return c.json({ status: ok ? ('ready' as const) : ('unavailable' as const), checks: { postgres, temporal } }, ok ? 200 : 503);
  };
  const metrics: AppRouteHandler<typeof routes.metrics> = async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType });
  return { healthz, readyz, metrics };
}
