// Response compression with node:zlib, synchronously, for bodies of 1 KiB to 1 MiB, when the
// client accepts gzip. Hono's compress() runs every body, however small, through a web
// CompressionStream, and reading `res.body` turns @hono/node-server's light Response into a full
// web Response (its slow path); measured here, that cost more CPU per request than the query
// behind it. This middleware touches the body only when it will compress it: gzipSync of a 6 KB
// JSON page takes ~0.1 ms.
import { gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';

// Not text/event-stream: a stream is never whole, and each event must reach the client as it is written.
// Nor a body that declares more than MAX_BYTES: it streams as it is rather than being held in memory.
const MAX_BYTES = 1024 * 1024;
const COMPRESSIBLE = /^(application\/(json|javascript|xml)|text\/(?!event-stream)|image\/svg\+xml)/i;

export function compression(options: { threshold?: number } = {}): MiddlewareHandler {
  const threshold = options.threshold ?? 1024;
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method === 'HEAD' || res.status === 204 || res.status === 304) return;
    if (!COMPRESSIBLE.test(res.headers.get('content-type') ?? '')) return;
    if (!/\baccept-encoding\b/i.test(res.headers.get('vary') ?? '')) res.headers.append('vary', 'Accept-Encoding');
    if (!/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '') || res.headers.has('content-encoding')) return;
    const declared = res.headers.get('content-length');
    if (declared !== null && (Number(declared) < threshold || Number(declared) > MAX_BYTES)) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (body.byteLength < threshold) {
      replace(c, new Response(body, { status: res.status, headers }));
      return;
    }
    const zipped = gzipSync(body);
    headers.set('content-encoding', 'gzip');
    headers.set('content-length', String(zipped.byteLength));
    // The bytes differ from the identity body's, so a strong validator of it becomes weak.
    const etag = headers.get('etag');
    if (etag && !etag.startsWith('W/')) headers.set('etag', `W/${etag}`);
    replace(c, new Response(zipped, { status: res.status, headers }));
  };
}

/**
 * Hono's `c.res = …` copies the old response's headers over the new one's, so a static file's
 * Content-Length (its size on disk) would be sent with the gzipped bytes and the client would wait
 * for the rest until the connection's keep-alive ran out (it cost the dashboard ~6 s per file).
 * `response` already carries every header worth keeping, so the old one is dropped first.
 */
function replace(c: Context, response: Response) {
  c.res = undefined;
  c.res = response;
}
