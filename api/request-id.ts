// Every request's id: the client's X-Request-Id when it is a plain token (at most 255 letters,
// digits, _, - or =), a new UUID otherwise; kept as c.get('requestId') for logs, errors and the
// audit log, and sent back on every response as X-Request-Id. Also hands the app's key store to
// requireRole() (c.get('keys')), so the two per-request settings cost one middleware, not two; and
// the request's log line (logRequest), one shape for the app and api/revalidation.ts.
import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../lib/log.ts';
import type { KeyStore } from './auth.ts';
import type { AppEnv } from './types.ts';

export const REQUEST_ID_HEADER = 'X-Request-Id';
const PLAIN = /^[\w\-=]{1,255}$/;

/** The id of a request that sent `sent` as its X-Request-Id. */
export const requestIdFrom = (sent: string | null | undefined): string => (sent && PLAIN.test(sent) ? sent : randomUUID());

/**
 * Served by @hono/node-server (c.env.outgoing), the header goes straight onto Node's response, which
 * merges it with the Response's own headers when it writes them: no web Headers object is built for
 * it, and a handler may answer with a Response of plain headers (the 304 fast path in
 * domains/tournament/routes/optimisation-runs) without losing it. Elsewhere (app.request() in tests),
 * it is set on the response after the handler, whatever answered.
 */
export function requestContext(keys: KeyStore): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    c.set('requestId', id);
    c.set('keys', keys);
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
    if (outgoing) {
      outgoing.setHeader(REQUEST_ID_HEADER, id);
      await next();
      return;
    }
    await next();
    c.header(REQUEST_ID_HEADER, id);
  };
}

/** The request log line (at info), written once the answer is known. */
export function logRequest(log: Logger, r: { requestId: string; method: string; path: string; status: number; started: number }): void {
  log.info({ requestId: r.requestId, method: r.method, path: r.path, status: r.status, ms: Math.round(performance.now() - r.started) }, 'request');
}
