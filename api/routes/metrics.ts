// GET /metrics: Prometheus text format (no key: scrape it from inside your network only).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import type { AppEnv } from '../types.ts';

const route = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['health'],
  summary: 'Prometheus metrics: requests and latency per route, database pool usage, process',
  responses: { 200: { description: 'metrics', content: { 'text/plain': { schema: z.string() } } } },
});

export function metricsRoutes(registry: Registry) {
  return new OpenAPIHono<AppEnv>().openapi(route, async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
}
