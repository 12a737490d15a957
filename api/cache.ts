// HTTP caching, one ETag/304 logic for the whole API. Results that cannot change (a finished run, a
// finished training run) get a strong ETag of their body and a long max-age; results a re-run may
// replace (a tournament, an optimisation run) get a weak ETag of their version and a short max-age;
// gold answers carry Last-Modified from their freshness, so If-Modified-Since works too.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/** If-None-Match holds `etag` (weak comparison, RFC 9110 §13.1.2) or `*`. */
function clientHas(c: Context, etag: string): boolean {
  const match = c.req.header('if-none-match');
  if (!match) return false;
  const opaque = etag.replace(/^W\//, '');
  return match.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === opaque);
}

/** `text` with a strong ETag of itself and `cacheControl`, or a 304 when the client holds it already. */
function taggedJson(c: Context, text: string, cacheControl: string): Response {
  const etag = `"${createHash('sha1').update(text).digest('base64url')}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', cacheControl);
  if (clientHas(c, etag)) return c.body(null, 304);
  return c.body(text, 200, { 'content-type': 'application/json' });
}

/** A JSON body that never changes once `finished`: strong ETag of the body, cached for a day. */
export function immutableJson(c: Context, body: unknown, finished: boolean): Response {
  const text = JSON.stringify(body);
  if (!finished) {
    c.header('Cache-Control', 'no-cache');
    return c.body(text, 200, { 'content-type': 'application/json' });
  }
  return taggedJson(c, text, 'private, max-age=86400, immutable');
}

/**
 * A JSON body with no version of its own that may change at any time (a list that new rows join,
 * such as a tournament's optimisation runs): a strong ETag of the body, revalidated on every use.
 */
export function revalidatedJson(c: Context, body: unknown): Response {
  return taggedJson(c, JSON.stringify(body), 'private, no-cache');
}

/** If-Modified-Since is at or after `lastModified` (HTTP dates have whole seconds). */
function unchangedSince(c: Context, lastModified: string): boolean {
  const since = Date.parse(c.req.header('if-modified-since') ?? '');
  return Number.isFinite(since) && Math.floor(Date.parse(lastModified) / 1000) <= Math.floor(since / 1000);
}

/**
 * Caching for a versioned resource: a weak ETag of what it was built from (`tag`), Last-Modified
 * when known, `private, max-age=60` (a re-run may replace it), and a 304 when the client holds that
 * version already (If-None-Match first; If-Modified-Since only without it, as RFC 9110 §13.2.2
 * orders them); undefined when the handler should build the body. With no tag, `no-cache`: the
 * client revalidates every time, with If-Modified-Since.
 */
export function notModifiedSince(c: Context, tag: string | undefined, lastModified?: string | null): Response | undefined {
  if (lastModified) c.header('Last-Modified', new Date(lastModified).toUTCString());
  if (tag === undefined) {
    c.header('Cache-Control', 'private, no-cache');
    return lastModified && unchangedSince(c, lastModified) ? c.body(null, 304) : undefined;
  }
  const etag = `W/"${tag}"`;
  c.header('ETag', etag);
  c.header('Cache-Control', 'private, max-age=60');
  if (c.req.header('if-none-match') !== undefined) return clientHas(c, etag) ? c.body(null, 304) : undefined;
  return lastModified && unchangedSince(c, lastModified) ? c.body(null, 304) : undefined;
}
