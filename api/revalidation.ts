// A lane in front of Hono for revalidations answered from memory: a 304 for a remembered version,
// given synchronously with the checks and bookkeeping the middleware chain would do, or undefined
// to send the request through the app.
import type { VersionValidators } from './cache.ts';
import { clientHolds, notModifiedResponse } from './cache.ts';
import { presentedToken, roleAllows, type KeyStore } from './auth.ts';
import { parseKey, type KeyRole } from '../lib/keys.ts';
import type { Logger } from '../lib/log.ts';
import { logRequest, REQUEST_ID_HEADER, requestIdFrom } from './request-id.ts';

/** A route whose revalidations the lane may answer. */
export interface RevalidationRoute {
  /** The route as Hono names it (its metrics label), e.g. /v1/optimisation-runs/:id/rankings. */
  route: string;
  /** Roles that may read it (admin always may), as its requireRole() says. */
  roles: readonly KeyRole[];
  /** The remembered version of what `path` (no query) names; undefined when there is none. */
  version(path: string): VersionValidators | undefined;
}

export interface RevalidationLaneOptions {
  keys: KeyStore;
  /** Counts an answered request, as the metrics middleware does. */
  record: (method: string, route: string, status: number, seconds: number) => void;
  log: Logger;
  routes: RevalidationRoute[];
}

/**
 * The 304 for `req` when the lane can answer it; undefined sends it through the app. It answers a GET
 * with If-None-Match, no query, of a path whose version is remembered, presented with a remembered
 * key whose role may read it, and does what the chain does for such a request (on the rankings 304
 * the chain cost more CPU than the rest of the request): the request id (requestIdFrom), the key and
 * role check (KeyStore.verifyRemembered, roleAllows), the request's metrics (record) and log line
 * (logRequest); compression and the audit log have nothing to do for a bodiless GET. Anything else
 * (another method or path, a query, an unknown version, a key not remembered, not valid or lacking
 * the role, a version the client does not hold) goes through the app, which answers it, errors
 * included. The app does not use the lane when CORS is configured: those headers are Hono's.
 */
export function revalidationLane({ keys, record, log, routes }: RevalidationLaneOptions): (req: Request) => Response | undefined {
  const logged = log.isLevelEnabled('info');
  return (req) => {
    const started = performance.now();
    if (req.method !== 'GET') return undefined;
    const headers = req.headers;
    if (headers.get('if-none-match') === null) return undefined;
    const url = req.url;
    const at = url.indexOf('/', url.indexOf('//') + 2);
    if (at < 0 || url.includes('?', at)) return undefined;
    const path = url.slice(at);
    for (const r of routes) {
      const version = r.version(path);
      if (!version) continue;
      const token = presentedToken(headers.get('authorization'), headers.get('x-api-key'));
      const parsed = token ? parseKey(token) : null;
      const key = parsed ? keys.verifyRemembered(parsed.id, parsed.secret) : undefined;
      if (!key || !roleAllows(key.role, r.roles)) return undefined;
      if (!clientHolds((name) => headers.get(name) ?? undefined, version)) return undefined;
      const requestId = requestIdFrom(headers.get(REQUEST_ID_HEADER));
      const res = notModifiedResponse(version, { [REQUEST_ID_HEADER]: requestId });
      record('GET', r.route, 304, (performance.now() - started) / 1000);
      if (logged) logRequest(log, { requestId, method: 'GET', path, status: 304, started });
      return res;
    }
    return undefined;
  };
}
