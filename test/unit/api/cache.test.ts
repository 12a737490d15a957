// The API's ETag/304 logic on its own (no server): a 304 built directly from a version's validators
// (the rankings fast path) carries exactly the headers notModifiedSince sets through Hono, for
// If-None-Match and If-Modified-Since alike, and neither answers 304 to a version the client lacks.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientHolds, notModifiedResponse, notModifiedSince, versionValidators } from '../../../api/cache.ts';

const lastModified = '2026-03-15T18:04:05.678Z';

function app(tag: string | undefined) {
  const v = versionValidators(tag, lastModified);
  return new Hono()
    .get('/handler', (c) => notModifiedSince(c, tag, lastModified) ?? c.json({ built: true }))
    .get('/direct', (c) => (clientHolds(c, v) ? notModifiedResponse(v) : c.json({ built: true })));
}

const headersOf = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => k !== 'content-type'));

describe('versioned caching', () => {
  const cases: [string, string | undefined, Record<string, string>, number][] = [
    ['matching If-None-Match', 'run-1-v2', { 'if-none-match': 'W/"run-1-v2"' }, 304],
    ['If-None-Match in a list, strong form', 'run-1-v2', { 'if-none-match': '"other", "run-1-v2"' }, 304],
    [
      'If-None-Match of another version (If-Modified-Since ignored)',
      'run-1-v2',
      { 'if-none-match': 'W/"run-1-v1"', 'if-modified-since': 'Sun, 15 Mar 2026 18:04:05 GMT' },
      200,
    ],
    ['If-Modified-Since at Last-Modified', 'run-1-v2', { 'if-modified-since': 'Sun, 15 Mar 2026 18:04:05 GMT' }, 304],
    ['If-Modified-Since a second before', 'run-1-v2', { 'if-modified-since': 'Sun, 15 Mar 2026 18:04:04 GMT' }, 200],
    ['no tag, If-Modified-Since at Last-Modified', undefined, { 'if-modified-since': 'Sun, 15 Mar 2026 18:04:05 GMT' }, 304],
    ['nothing to compare', 'run-1-v2', {}, 200],
  ];
  for (const [what, tag, headers, status] of cases) {
    it(`answers ${status} the same both ways: ${what}`, async () => {
      const handler = await app(tag).request('/handler', { headers });
      const direct = await app(tag).request('/direct', { headers });
      expect(handler.status).toBe(status);
      expect(direct.status).toBe(status);
      // The fast path only ever answers 304 (a miss goes on to the handler).
      if (status === 304) expect(headersOf(direct)).toEqual(headersOf(handler));
      expect(handler.headers.get('last-modified')).toBe('Sun, 15 Mar 2026 18:04:05 GMT');
      expect(handler.headers.get('cache-control')).toBe(tag ? 'private, max-age=60' : 'private, no-cache');
      expect(handler.headers.get('etag')).toBe(tag ? `W/"${tag}"` : null);
    });
  }
});
