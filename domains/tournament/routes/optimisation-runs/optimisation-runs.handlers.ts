// Handlers for the optimisation-runs resource. Every answer carries the freshness of its
// tournament partition (in the body, the ETag and Last-Modified) and is checked against the
// client's ETag first; rankings, the hottest read, are also remembered for a moment (RankingsCache):
// each run's version, so revalidations cost no query, and each page as sent, freshness included.
import { gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import { clientHolds, notModifiedResponse, notModifiedSince, versionValidators, type VersionValidators } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { FreshnessReader, freshnessTag, type FreshnessValue } from '../../../../api/freshness.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppEnv } from '../../../../api/types.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
import { tournamentPipeline } from '../../pipeline.ts';
import {
  entryDistribution,
  findOptimisationRun,
  investmentReport,
  rankingsPage,
  recommendedBids,
  type OptimisationRunRow,
} from './optimisation-runs.queries.ts';
import * as routes from './optimisation-runs.routes.ts';

/** An optimisation run as the API shows it (the version goes into the ETag, not the body). */
export function optimisationRunJson({ version: _, ...r }: OptimisationRunRow) {
  return { ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) };
}

/** A portfolio's totals (PortfolioTotals). */
export function portfolioTotals(items: { bid: number; expectedPoints: number; expectedPayout: number }[]) {
  const sum = (f: (i: (typeof items)[number]) => number) => items.reduce((a, i) => a + f(i), 0);
  const bid = sum((i) => i.bid);
  const expectedPayout = sum((i) => i.expectedPayout);
  return { teams: items.length, bid, expectedPoints: sum((i) => i.expectedPoints), expectedPayout, roi: bid > 0 ? expectedPayout / bid - 1 : null };
}

const runTag = (id: number, version: string, fresh: FreshnessValue) => `optimisation-run-${id}-${version}-${freshnessTag(fresh)}`;
const noRun = (id: number) => new ApiError(404, `no optimisation run ${id}`);

/** What a client revalidates against: a run's ETag tag and Last-Modified. */
interface Version {
  tag: string;
  lastModified: string | null;
}

/**
 * Rankings as sent, remembered for a moment (`ms`): each run's version, so a revalidation
 * (If-None-Match) is answered 304 without a query, and each page's text, with its gzip made once
 * for the clients that accept it. A re-run's new rankings, or its partition going stale, show within
 * `ms` plus the freshness reader's moment (well inside the max-age clients may keep).
 */
class RankingsCache {
  private versions = new Map<number, Version & { until: number; validators: VersionValidators }>();
  private pages = new Map<string, Version & { until: number; text: string; gzip?: Uint8Array<ArrayBuffer> }>();
  constructor(private ms: number) {}
  version(id: number): (Version & { validators: VersionValidators }) | undefined {
    const hit = this.versions.get(id);
    return hit && hit.until > Date.now() ? hit : undefined;
  }
  page(key: string) {
    const hit = this.pages.get(key);
    return hit && hit.until > Date.now() ? hit : undefined;
  }
  setVersion(id: number, version: Version) {
    if (this.ms <= 0) return;
    if (this.versions.size >= 10_000) this.versions.clear();
    this.versions.set(id, { ...version, until: Date.now() + this.ms, validators: versionValidators(version.tag, version.lastModified) });
  }
  private reading = new Map<string, Promise<unknown>>();
  /**
   * One read of a page at a time: requests for a page that is being read wait for that read instead
   * of each sending the same statement (when a page or version lapses, every connection asking for
   * it would otherwise read it at once). Its answer is at most the read's duration older than a
   * request that joined it, well inside `ms`; with `ms` 0 every request reads.
   */
  shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (this.ms <= 0) return read();
    const pending = this.reading.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const started = read().finally(() => this.reading.delete(key));
    this.reading.set(key, started);
    return started;
  }
  setPage(id: number, key: string, version: Version, text: string) {
    if (this.ms <= 0) return;
    this.setVersion(id, version);
    if (this.pages.size >= 10_000) this.pages.clear();
    this.pages.set(key, { ...version, until: Date.now() + this.ms, text });
  }
}

const jsonText = (c: Context, text: string) => c.body(text, 200, { 'content-type': 'application/json' });

/** A cached page, gzipped once (api/compression.ts leaves a body that has an encoding alone). */
function cachedPage(c: Context, page: { text: string; gzip?: Uint8Array<ArrayBuffer> }): Response {
  if (page.text.length < 1024 || !/\bgzip\b/i.test(c.req.header('accept-encoding') ?? '')) return jsonText(c, page.text);
  page.gzip ??= new Uint8Array(gzipSync(page.text));
  return c.body(page.gzip, 200, {
    'content-type': 'application/json',
    'content-encoding': 'gzip',
    'content-length': String(page.gzip.byteLength),
  });
}

export interface OptimisationRunOptions {
  /** How long a rankings page, and a run's version for revalidations, is answered from memory (0: every request reads gold). */
  rankingsCacheMs?: number;
  /** How long a tournament's freshness is reused (0: read every time). */
  freshnessTtlMs?: number;
}

export function optimisationRunHandlers(db: Queryable, options: OptimisationRunOptions = {}) {
  const rankingsCache = new RankingsCache(options.rankingsCacheMs ?? 1000);
  const freshness = new FreshnessReader(db, tournamentPipeline, options.freshnessTtlMs);

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const run = await findOptimisationRun(db, id);
    if (!run) throw noRun(id);
    const fresh = await freshness.read([run.tournamentKey]);
    const cached = notModifiedSince(c, runTag(id, run.version, fresh), fresh.lastModified);
    if (cached) return cached as never;
    const { params, baselines, pipelineRunId } = run;
    return c.json({ ...optimisationRunJson(run), params, baselines, pipelineRunId, freshness: fresh }, 200);
  };

  /**
   * After the key check and before parameter validation: the revalidation of a run's first page (no
   * query) whose version is remembered is answered at once, with the validators built when the
   * version was read (notModifiedResponse: the same headers notModifiedSince sets); a path id that is
   * not plainly a run id, a query, or an unknown version go on to validation and the handler.
   */
  const revalidation: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.header('if-none-match') === undefined || c.req.url.includes('?')) return next();
    const raw = c.req.param('id') ?? '';
    const known = /^[1-9][0-9]{0,14}$/.test(raw) ? rankingsCache.version(Number(raw)) : undefined;
    return known && clientHolds(c, known.validators) ? notModifiedResponse(known.validators) : next();
  };

  const rankings: AppRouteHandler<typeof routes.rankings> = async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    // A revalidation of a version seen a moment ago: no query.
    const known = c.req.header('if-none-match') !== undefined ? rankingsCache.version(id) : undefined;
    const revalidated = known && notModifiedSince(c, known.tag, known.lastModified);
    if (revalidated) return revalidated as never;
    // Cached by the cursor as sent: each such string always names the same page.
    const cacheKey = `${id}|${q.limit}|${c.req.query('cursor') ?? ''}`;
    const hit = rankingsCache.page(cacheKey);
    if (hit) return (notModifiedSince(c, hit.tag, hit.lastModified) ?? cachedPage(c, hit)) as never;
    const read = await rankingsCache.shared(cacheKey, async () => {
      const after = q.cursor && { meanNormalisedPayout: q.cursor[0], entry: q.cursor[1] };
      const page = await rankingsPage(db, id, after, q.limit + 1);
      if (!page) return undefined;
      const fresh = await freshness.read([page.tournamentKey]);
      const version = { tag: runTag(id, page.version, fresh), lastModified: fresh.lastModified };
      const { items, nextCursor } = pageOf(page.entries, q.limit, routes.rankingsCursor, (e) => [e.meanNormalisedPayout, e.entry] as const);
      const text = JSON.stringify({ optimisationRunId: id, items, nextCursor, freshness: fresh });
      rankingsCache.setPage(id, cacheKey, version, text);
      return { version, text };
    });
    if (!read) throw noRun(id);
    const cached = notModifiedSince(c, read.version.tag, read.version.lastModified);
    if (cached) return cached as never;
    return jsonText(c, read.text) as never;
  };

  const entry: AppRouteHandler<typeof routes.entry> = async (c) => {
    const { id, entry: name } = c.req.valid('param');
    const found = await entryDistribution(db, id, name);
    if (!found) throw noRun(id);
    if (!found.performance) throw new ApiError(404, `no entry ${name} in optimisation run ${id}`);
    const fresh = await freshness.read([found.tournamentKey]);
    const cached = notModifiedSince(c, `${runTag(id, found.version, fresh)}-${Buffer.from(name).toString('base64url')}`, fresh.lastModified);
    if (cached) return cached as never;
    return c.json({ optimisationRunId: id, ...found.performance, distribution: found.distribution, freshness: fresh }, 200);
  };

  const bids: AppRouteHandler<typeof routes.bids> = async (c) => {
    const { id } = c.req.valid('param');
    const found = await recommendedBids(db, id);
    if (!found) throw noRun(id);
    const fresh = await freshness.read([found.tournamentKey]);
    const cached = notModifiedSince(c, runTag(id, found.version, fresh), fresh.lastModified);
    if (cached) return cached as never;
    const total = found.bids.reduce((a, b) => a + b.amount, 0);
    return c.json({ optimisationRunId: id, entry: found.entry, budget: found.budget, total, items: found.bids, freshness: fresh }, 200);
  };

  const report: AppRouteHandler<typeof routes.report> = async (c) => {
    const { id } = c.req.valid('param');
    const found = await investmentReport(db, id);
    if (!found) throw noRun(id);
    const fresh = await freshness.read([found.tournamentKey]);
    const cached = notModifiedSince(c, runTag(id, found.version, fresh), fresh.lastModified);
    if (cached) return cached as never;
    return c.json({ optimisationRunId: id, entry: found.entry, items: found.rows, totals: portfolioTotals(found.rows), freshness: fresh }, 200);
  };

  /** The remembered version of a run's rankings, for the app's revalidation lane (api/revalidation.ts). */
  const rankingsVersion = (id: number) => rankingsCache.version(id)?.validators;

  return { one, rankings, revalidation, rankingsVersion, entry, bids, report };
}
