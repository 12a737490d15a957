// Liveness, readiness and metrics: /healthz says the process answers, /readyz checks PostgreSQL and
// Temporal, /metrics is Prometheus text (no key: scrape it from inside your network only).
import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent } from '../../openapi.ts';

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');
export const Check = z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() });
export const Readiness = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ postgres: Check, temporal: Check }) }).openapi('Readiness');

const tags = ['health'];

export const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags,
  summary: 'The process is up',
  responses: { 200: jsonContent(Health, 'alive') },
});

export const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags,
  summary: 'PostgreSQL and Temporal answer',
  responses: { 200: jsonContent(Readiness, 'ready'), 503: jsonContent(Readiness, 'a dependency is down') },
});

export const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  tags,
  summary: 'Prometheus metrics: requests and latency per route, database pool usage, process',
  responses: { 200: { description: 'metrics', content: { 'text/plain': { schema: z.string() } } } },
});
