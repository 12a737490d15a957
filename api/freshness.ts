// Freshness on gold answers: the OpenAPI schema every gold response embeds as `freshness`, and a
// reader that remembers each answer's freshness for a moment, so a hot endpoint costs PostgreSQL
// nothing more; staleness shows within that moment.
import { z } from '@hono/zod-openapi';
import type { Queryable } from '../lib/db/pool.ts';
import { TtlMemo } from '../lib/ttl-memo.ts';
import type { PipelineDefinition } from '../engine/pipeline/types.ts';
import { readFreshness, type Freshness as FreshnessValue } from '../engine/staleness/freshness.ts';
import { Timestamp } from './openapi.ts';

const PartitionFreshness = z
  .object({
    pipeline: z.string(),
    partition: z.string(),
    runId: z.number().int().nullable().openapi({ description: 'the run that wrote the partition (its last success)' }),
    trigger: z.string().nullable(),
    writtenAt: Timestamp.nullable(),
    checksPassed: z.boolean().nullable(),
    stale: z.boolean(),
    staleReason: z.string().nullable().openapi({ example: '312 readings from 2 devices arrived after run 41' }),
    staleSince: Timestamp.nullable(),
  })
  .openapi('PartitionFreshness');

export const Freshness = z
  .object({
    asOf: Timestamp.nullable().openapi({ description: 'when the newest of these partitions was written' }),
    lastModified: Timestamp.nullable().openapi({ description: 'asOf, or when a partition went stale if later (the Last-Modified header)' }),
    stale: z.boolean(),
    checksPassed: z.boolean(),
    partitions: z.array(PartitionFreshness).openapi({ description: 'the partitions the answer comes from: stale ones first, then the newest' }),
    omitted: z.number().int().openapi({ description: 'partitions left out of the list' }),
  })
  .openapi('Freshness', { description: 'where the answer comes from and how fresh it is' });

export type { FreshnessValue };

/** A fingerprint of freshness for ETags: changes when a partition is re-written or goes stale. */
export function freshnessTag(f: FreshnessValue): string {
  return `${f.lastModified ? Date.parse(f.lastModified).toString(36) : '0'}${f.stale ? 's' : ''}`;
}

export class FreshnessReader {
  private readonly memo: TtlMemo<FreshnessValue>;

  constructor(
    private readonly db: Queryable,
    private readonly pipeline: PipelineDefinition,
    /** How long an answer's freshness is reused (0: read every time). */
    readonly ttlMs = 1000,
  ) {
    this.memo = new TtlMemo(ttlMs);
  }

  /** Freshness of an answer from these partitions, naming at most `limit` of them (stale ones first). */
  read(partitions: readonly string[], limit?: number): Promise<FreshnessValue> {
    const key = this.ttlMs > 0 ? `${limit ?? ''}\u0001${[...new Set(partitions)].sort().join('\u0000')}` : '';
    return this.memo.get(key, () => readFreshness(this.db, this.pipeline, partitions, limit));
  }
}
