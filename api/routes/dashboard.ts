// The dashboard: static files (no build step, no framework) at / and /dashboard/*, served by
// @hono/node-server's serveStatic behind Hono's secureHeaders. The page keeps an API key in the
// browser and builds its views from API data, so it runs under a strict Content-Security-Policy:
// scripts, styles and data only from this origin, no inline script or style, no framing, no
// referrer. It reads only the public API; these routes serve no data themselves.
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../types.ts';

const root = fileURLToPath(new URL('../dashboard/static/', import.meta.url));

export const dashboardSecurity = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
});

// Revalidated on every load: a new release's files show without a hard refresh.
const revalidate: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.ok) c.header('Cache-Control', 'no-cache');
};

export function dashboardRoutes() {
  return new Hono<AppEnv>()
    .use('/', dashboardSecurity, revalidate)
    .use('/dashboard/*', dashboardSecurity, revalidate)
    .get('/', serveStatic({ root, path: 'index.html' }))
    .get('/dashboard/*', serveStatic({ root, rewriteRequestPath: (path) => path.slice('/dashboard'.length) }));
}
