// HTTP caching, one ETag/304 logic for the whole API. Results that cannot change (a finished run, a
// finished training run) get a strong ETag of their body and a long max-age; results a re-run may
// replace (a tournament, an optimisation run) get a weak ETag of their version and a short max-age;
// gold answers carry Last-Modified from their freshness, so If-Modified-Since works too.
import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/** A request header by (lower-case) name. */
type HeaderOf = (name: string) => string | undefined;
const headersOf =
  (c: Context): HeaderOf =>
  (name) =>
    c.req.header(name);

/** If-None-Match holds `etag` (weak comparison, RFC 9110 §13.1.2) or `*`. */
function clientHas(c: Context | HeaderOf, etag: string): boolean {
  const match = (typeof c === 'function' ? c : headersOf(c))('if-none-match');
  if (!match) return false;
  if (match === etag) return true;
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

/** If-Modified-Since is at or after `modified` (seconds since the epoch; HTTP dates have whole seconds). */
function unchangedSince(header: HeaderOf, modified: number): boolean {
  const since = Date.parse(header('if-modified-since') ?? '');
  return Number.isFinite(since) && modified <= Math.floor(since / 1000);
}

/** A version's validators and caching headers, built once for every answer of that version. */
export interface VersionValidators {
  etag?: string;
  /** Last-Modified in whole seconds since the epoch, when known. */
  modified?: number;
  /** ETag, Last-Modified, Cache-Control and Vary as sent. */
  headers: Record<string, string>;
}

/**
 * Caching for a versioned resource: a weak ETag of what it was built from (`tag`), Last-Modified
 * when known, `private, max-age=60` (a re-run may replace it), `Vary: Accept-Encoding`. With no tag, `no-cache`: the client
 * revalidates every time, with If-Modified-Since.
 */
export function versionValidators(tag: string | undefined, lastModified?: string | null): VersionValidators {
  // The body may go gzipped (api/compression.ts), so caches key it by Accept-Encoding; a 304 must
  // repeat the Vary its 200 would carry (RFC 9110 §15.4.5).
  const headers: Record<string, string> = { Vary: 'Accept-Encoding' };
  const modified = lastModified ? Math.floor(Date.parse(lastModified) / 1000) : undefined;
  if (lastModified) headers['Last-Modified'] = new Date(lastModified).toUTCString();
  if (tag === undefined) {
    headers['Cache-Control'] = 'private, no-cache';
    return { modified, headers };
  }
  const etag = `W/"${tag}"`;
  headers.ETag = etag;
  headers['Cache-Control'] = 'private, max-age=60';
  return { etag, modified, headers };
}

/**
 * The client holds this version already: If-None-Match first; If-Modified-Since only without it (RFC
 * 9110 §13.2.2). The request's headers come from Hono's context, or a getter of them.
 */
export function clientHolds(c: Context | HeaderOf, v: VersionValidators): boolean {
  const header = typeof c === 'function' ? c : headersOf(c);
  if (v.etag !== undefined && header('if-none-match') !== undefined) return clientHas(header, v.etag);
  return v.modified !== undefined && unchangedSince(header, v.modified);
}

/**
 * A 304 of this version built directly, with plain headers (no web Headers object, so
 * @hono/node-server writes it on its fast path). Only outside Hono or in middleware that runs
 * before any c.header(): a Response returned as is drops headers set that way (Hono merges them only
 * into c.body() and its kin). The app's middleware sets none (api/request-id.ts puts X-Request-Id on
 * Node's response; CORS sets its headers on c.res, which Hono merges into any answer).
 */
export function notModifiedResponse(v: VersionValidators, more?: Record<string, string>): Response {
  return new Response(null, { status: 304, headers: { ...v.headers, ...more } });
}

/**
 * Caching for a versioned resource (versionValidators), and a 304 when the client holds that
 * version already (clientHolds); undefined when the handler should build the body.
 */
export function notModifiedSince(c: Context, tag: string | undefined, lastModified?: string | null): Response | undefined {
  const v = versionValidators(tag, lastModified);
  for (const name in v.headers) c.header(name, v.headers[name]);
  return clientHolds(c, v) ? c.body(null, 304) : undefined;
}
