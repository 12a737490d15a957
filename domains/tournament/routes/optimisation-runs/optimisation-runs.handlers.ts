// Handlers for the optimisation-runs resource. Every answer is checked against the client's ETag
// first; rankings pages, the hottest read, are also remembered as sent for a moment (PageCache).
import type { Context } from 'hono';
import { notModifiedSince } from '../../../../api/cache.ts';
import { ApiError } from '../../../../api/errors.ts';
import { iso, type AppRouteHandler } from '../../../../api/openapi.ts';
import { pageOf } from '../../../../api/pagination.ts';
import type { Queryable } from '../../../../lib/db/pool.ts';
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

const runTag = (id: number, version: string) => `optimisation-run-${id}-${version}`;
const noRun = (id: number) => new ApiError(404, `no optimisation run ${id}`);

/**
 * Rankings pages as sent, remembered for a moment: every request in that window is answered from
 * memory, so a re-run's new rankings show within `ms` (well inside the max-age clients may keep).
 */
class PageCache {
  private pages = new Map<string, { until: number; version: string; text: string }>();
  constructor(private ms: number) {}
  get(key: string) {
    const hit = this.pages.get(key);
    return hit && hit.until > Date.now() ? hit : undefined;
  }
  set(key: string, version: string, text: string) {
    if (this.ms <= 0) return;
    if (this.pages.size >= 10_000) this.pages.clear();
    this.pages.set(key, { until: Date.now() + this.ms, version, text });
  }
}

const jsonText = (c: Context, text: string) => c.body(text, 200, { 'content-type': 'application/json' });

export interface OptimisationRunOptions {
  /** How long a rankings page is answered from memory (0: every request reads gold). */
  rankingsCacheMs?: number;
}

export function optimisationRunHandlers(db: Queryable, options: OptimisationRunOptions = {}) {
  const rankingsCache = new PageCache(options.rankingsCacheMs ?? 1000);

  const one: AppRouteHandler<typeof routes.one> = async (c) => {
    const { id } = c.req.valid('param');
    const run = await findOptimisationRun(db, id);
    if (!run) throw noRun(id);
    const cached = notModifiedSince(c, runTag(id, run.version));
    if (cached) return cached as never;
    const { params, baselines, pipelineRunId } = run;
    return c.json({ ...optimisationRunJson(run), params, baselines, pipelineRunId }, 200);
  };

  const rankings: AppRouteHandler<typeof routes.rankings> = async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    // Cached by the cursor as sent: each such string always names the same page.
    const cacheKey = `${id}|${q.limit}|${c.req.query('cursor') ?? ''}`;
    const hit = rankingsCache.get(cacheKey);
    if (hit) return (notModifiedSince(c, runTag(id, hit.version)) ?? jsonText(c, hit.text)) as never;
    const after = q.cursor && { meanNormalisedPayout: q.cursor[0], entry: q.cursor[1] };
    const page = await rankingsPage(db, id, after, q.limit + 1);
    if (!page) throw noRun(id);
    const cached = notModifiedSince(c, runTag(id, page.version));
    if (cached) return cached as never;
    const { items, nextCursor } = pageOf(page.entries, q.limit, routes.rankingsCursor, (e) => [e.meanNormalisedPayout, e.entry] as const);
    const text = JSON.stringify({ optimisationRunId: id, items, nextCursor });
    rankingsCache.set(cacheKey, page.version, text);
    return jsonText(c, text) as never;
  };

  const entry: AppRouteHandler<typeof routes.entry> = async (c) => {
    const { id, entry: name } = c.req.valid('param');
    const found = await entryDistribution(db, id, name);
    if (!found) throw noRun(id);
    if (!found.performance) throw new ApiError(404, `no entry ${name} in optimisation run ${id}`);
    const cached = notModifiedSince(c, `${runTag(id, found.version)}-${Buffer.from(name).toString('base64url')}`);
    if (cached) return cached as never;
    return c.json({ optimisationRunId: id, ...found.performance, distribution: found.distribution }, 200);
  };

  const bids: AppRouteHandler<typeof routes.bids> = async (c) => {
    const { id } = c.req.valid('param');
    const found = await recommendedBids(db, id);
    if (!found) throw noRun(id);
    const cached = notModifiedSince(c, runTag(id, found.version));
    if (cached) return cached as never;
    const total = found.bids.reduce((a, b) => a + b.amount, 0);
    return c.json({ optimisationRunId: id, entry: found.entry, budget: found.budget, total, items: found.bids }, 200);
  };

  const report: AppRouteHandler<typeof routes.report> = async (c) => {
    const { id } = c.req.valid('param');
    const found = await investmentReport(db, id);
    if (!found) throw noRun(id);
    const cached = notModifiedSince(c, runTag(id, found.version));
    if (cached) return cached as never;
    const items = found.rows;
    const sum = (f: (i: (typeof items)[number]) => number) => items.reduce((a, i) => a + f(i), 0);
    const bid = sum((i) => i.bid);
    const expectedPayout = sum((i) => i.expectedPayout);
    const totals = { teams: items.length, bid, expectedPoints: sum((i) => i.expectedPoints), expectedPayout, roi: bid > 0 ? expectedPayout / bid - 1 : null };
    return c.json({ optimisationRunId: id, entry: found.entry, items, totals }, 200);
  };

  return { one, rankings, entry, bids, report };
}
