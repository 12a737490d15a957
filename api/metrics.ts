// /metrics in Prometheus text format: request counts and latency per route, and pool usage.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pool } from '../lib/db/pool.ts';
import { registerPoolGauge } from '../lib/db/pool-metrics.ts';

export function createMetrics(pools: Record<string, Pool>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'refinery_api_' });
  const requests = new Counter({
    name: 'refinery_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'refinery_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  registerPoolGauge(registry, pools);

  /** Counts one answered request (the middleware's, and the revalidation lane's in api/revalidation.ts). */
  const record = (method: string, route: string, status: number, seconds: number) => {
    latency.observe({ method, route }, seconds);
    requests.inc({ method, route, status: String(status) });
  };
  const middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    // The matched route pattern, not the raw path, keeps the label set small.
    const matched = routePath(c, -1);
    const route = !matched || matched === '*' || matched === '/*' ? 'unmatched' : matched;
    record(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  };
  return { registry, middleware, record };
}
