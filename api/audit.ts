// The audit log: every write made through the API is recorded once, after it ran: the key and its
// role, the route, what it acted on, the status it got (a 403 is a write that key tried and may not
// make), the time and the request id. Not audited: ingest (devices' data, not people's actions),
// signed downloads and /v1/predict (a POST that writes nothing). Written through the registrar
// role, which may only append to it; admins read it at GET /v1/audit.
import type { Context, MiddlewareHandler, Next } from 'hono';
import { routePath } from 'hono/route';
import type { Pool } from '../lib/db/pool.ts';
import type { Logger } from '../lib/log.ts';
import type { AppEnv } from './types.ts';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NOT_AUDITED = /^\/v1\/(ingest\/|downloads\/|predict$)/;

/** Hono's `:param` (optionally with a {regex}) as OpenAPI's `{param}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');

export function auditWrites(pool: Pool | undefined, log: Logger): MiddlewareHandler<AppEnv> {
  // Reads pass straight through (no frame of this middleware around them).
  return (c, next) => (WRITES.has(c.req.method) ? audited(c, next) : next());

  async function audited(c: Context<AppEnv>, next: Next): Promise<void> {
    await next();
    if (NOT_AUDITED.test(c.req.path)) return;
    // A request without a valid key is nobody's action (the request log has it).
    const principal = c.get('principal');
    if (!principal) return;
    const entry = {
      keyId: principal.keyId,
      role: principal.role,
      action: `${c.req.method} ${openApiPath(routePath(c, -1))}`,
      target: c.get('auditTarget') ?? c.req.path.replace(/^\/v1\//, ''),
      status: c.res.status,
      requestId: c.get('requestId'),
    };
    if (!pool) {
      log.error({ ...entry }, 'audit: no registrar connection; this write is not in the audit log');
      return;
    }
    try {
      await pool.query('INSERT INTO audit.api_writes (key_id, role, action, target, status, request_id) VALUES ($1, $2, $3, $4, $5, $6)', [
        entry.keyId,
        entry.role,
        entry.action,
        entry.target,
        entry.status,
        entry.requestId,
      ]);
    } catch (e) {
      log.error({ ...entry, err: (e as Error).message }, 'audit: could not record a write');
    }
  }
}
