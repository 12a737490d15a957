// Lands device batches in bronze. Concurrent requests are coalesced: while one transaction is
// copying, new batches queue up and go together in the next, so 32 devices posting at once cost a
// few COPY transactions, not 32. A request is answered only after the transaction holding its rows
// committed; if it fails, every request in it fails and none of their rows exist. With the live path
// on, the same transaction continues the devices' windows and classifies them (live/classifier.ts);
// should that fail, the readings still land (the live part rolls back to a savepoint).
import { copyBinaryBatches } from '../../../lib/db/copy.ts';
import { withTransaction, type Pool, type PoolClient } from '../../../lib/db/pool.ts';
import type { Logger } from '../../../lib/log.ts';
import { foldArrivals } from '../../../engine/staleness/arrivals.ts';
import type { LoadedModel } from '../../registry/sql/models.ts';
import type { LiveApplied, LiveClassifier } from '../live/classifier.ts';
import type { LivePrediction } from '../live/prediction.ts';
import { readingArrivals, READINGS_SOURCE } from './arrivals.ts';
import type { ColumnarBatch } from '../../../lib/imu/columnar-batch.ts';
import { readingColumnsOf } from './columnar.ts';
import type { ReadingsBatch } from './schema.ts';
import { readingCount, SEGMENT_COLUMNS, segmentDays, segmentRows } from './segments.ts';

/** A batch as either body brings it: readings from JSON, or columns from the columnar body. */
export type LandingBatch = ReadingsBatch | ColumnarBatch;

export type Landing = 'stored' | 'duplicate';

/** Records the batches (a duplicate batch id is skipped) and returns those that are new. */
const LAND = `
  INSERT INTO bronze.ingest_batches (device_id, batch_id, kind, items, key_id, request_id, clock_offset_ms, received_at)
  SELECT d, b, 'readings', n, k, r, o, $7 FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[]) AS t(d, b, n, k, r, o)
      ON CONFLICT (device_id, batch_id) DO NOTHING
  RETURNING device_id, batch_id`;

/**
 * LAND, and in the same statement (one round trip) the new batches' readings per (day, device) told
 * to the engine through bronze.record_arrivals; the arrivals come per batch ($9–$12), and only the
 * batches LAND stored count.
 */
const LAND_AND_COUNT = `
  WITH stored AS (${LAND}),
  counted AS (
    SELECT bronze.record_arrivals($8, array_agg(a.p), array_agg(a.o), array_agg(a.n)) FROM (
      SELECT u.p, u.o, sum(u.n)::bigint AS n FROM unnest($9::text[], $10::text[], $11::text[], $12::bigint[]) AS u(o, b, p, n)
        JOIN stored s ON s.device_id = u.o AND s.batch_id = u.b GROUP BY u.p, u.o) a)
  SELECT device_id, batch_id FROM stored, counted`;

function landingParameters(batches: Pending[], receivedAt: Date, countArrivals: boolean): unknown[] {
  const parameters: unknown[] = [
    batches.map((p) => p.batch.deviceId),
    batches.map((p) => p.batch.batchId),
    batches.map((p) => readingCount(p.batch)),
    batches.map((p) => p.keyId),
    batches.map((p) => p.requestId ?? null),
    batches.map((p) => p.batch.clockOffsetMs ?? null),
    receivedAt,
  ];
  if (!countArrivals) return parameters;
  const arrivals = batches.flatMap((p) => readingArrivals([p.batch]).map((a) => ({ ...a, batchId: p.batch.batchId })));
  return [
    ...parameters,
    READINGS_SOURCE,
    arrivals.map((a) => a.origin),
    arrivals.map((a) => a.batchId),
    arrivals.map((a) => a.partition),
    arrivals.map((a) => a.items),
  ];
}

export interface Landed {
  landing: Landing;
  /** The device's newest live prediction after this transaction, when it has one. */
  prediction?: LivePrediction;
}

/** The live path, when on: the classifier, and the production model to use (null when there is none). */
export interface LivePath {
  classifier: LiveClassifier;
  model: () => Promise<LoadedModel | null>;
  log: Logger;
}

interface Pending {
  /** Timestamps on the server clock (any declared offset applied). */
  batch: LandingBatch;
  /** Its readings. */
  count: number;
  keyId: string;
  requestId?: string;
  resolve: (landed: Landed) => void;
  reject: (error: Error) => void;
}

export class IngestOverloaded extends Error {
  override name = 'IngestOverloaded';
}

export interface IngestWriterOptions {
  /** Readings per transaction, at most (a single larger batch still goes alone). */
  maxReadingsPerFlush?: number;
  /** Transactions in flight at once. */
  maxConcurrentFlushes?: number;
  /** Readings waiting beyond this are refused with 503 until the queue drains. */
  maxQueuedReadings?: number;
  /** Count each day's arrivals per device (staleness tracking); on unless a benchmark turns it off. */
  trackArrivals?: boolean;
}

/** A flush without the live path (off, or failed and rolled back): no predictions, nothing to remember. */
const NOT_LIVE: LiveApplied = { newest: new Map(), committed: () => {} };

/** How often the arrival log is folded into totals, at most (off the request path). */
const FOLD_EVERY_MS = 5000;

/** Days of bronze partitions made ahead when the writer starts: yesterday to a week ahead. */
const AHEAD_DAYS = { before: 1, after: 7 };
/**
 * Days further back than this get no partition from ingest: their readings land in the default
 * partition until the nightly run (or a backfill) of that day makes it. So a device sending old
 * timestamps cannot make a table per day on its own.
 */
const ON_DEMAND_DAYS_BACK = 62;

export class IngestWriter {
  private queue: Pending[] = [];
  private queuedReadings = 0;
  private flushing = 0;
  private readonly maxPerFlush: number;
  private readonly maxFlushes: number;
  private readonly maxQueued: number;
  private readonly trackArrivals: boolean;
  private folding: Promise<unknown> | undefined;
  private lastFold = 0;
  private idle: (() => void)[] = [];
  /** UTC days known to have a bronze partition (ensured by this writer). */
  private readonly partitioned = new Set<string>();
  private ahead: Promise<void> | undefined;
  /** Transactions committed so far, and the batches they carried (for metrics and tests). */
  readonly stats = { flushes: 0, batches: 0, readings: 0, duplicates: 0, failedFlushes: 0, liveFailures: 0 };

  constructor(
    private readonly pool: Pool,
    options: IngestWriterOptions = {},
    private readonly live?: LivePath,
  ) {
    this.maxPerFlush = options.maxReadingsPerFlush ?? 50_000;
    this.maxFlushes = options.maxConcurrentFlushes ?? 2;
    this.maxQueued = options.maxQueuedReadings ?? 500_000;
    this.trackArrivals = options.trackArrivals ?? true;
  }

  /** Resolves once the batch is committed (or known to be a duplicate). */
  submit(batch: LandingBatch, keyId: string, requestId?: string): Promise<Landed> {
    const count = readingCount(batch);
    if (this.queuedReadings + count > this.maxQueued) {
      return Promise.reject(new IngestOverloaded(`ingest queue is full (${this.queuedReadings} readings waiting)`));
    }
    return new Promise<Landed>((resolve, reject) => {
      this.queue.push({ batch, count, keyId, requestId, resolve, reject });
      this.queuedReadings += count;
      this.pump();
    });
  }

  /** Resolves when nothing is queued or in flight (graceful shutdown). */
  async drain(): Promise<void> {
    if (this.queue.length || this.flushing) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.folding;
  }

  /** Folds the arrival log now and then, one fold at a time; a failed fold is simply tried again later. */
  private foldNowAndThen(): void {
    if (!this.trackArrivals || this.folding || Date.now() - this.lastFold < FOLD_EVERY_MS) return;
    this.lastFold = Date.now();
    this.folding = foldArrivals(this.pool)
      .catch(() => {})
      .finally(() => (this.folding = undefined));
  }

  private pump(): void {
    while (this.queue.length && this.flushing < this.maxFlushes) {
      const group: Pending[] = [];
      let readings = 0;
      while (this.queue.length && (group.length === 0 || readings + this.queue[0]!.count <= this.maxPerFlush)) {
        const next = this.queue.shift()!;
        readings += next.count;
        group.push(next);
      }
      this.queuedReadings -= readings;
      this.flushing++;
      void this.flush(group).finally(() => {
        this.flushing--;
        this.pump();
        if (!this.queue.length && !this.flushing) for (const done of this.idle.splice(0)) done();
      });
    }
  }

  private async flush(group: Pending[]): Promise<void> {
    // The same batch twice in one transaction (a client retrying fast): the first one counts.
    const first = new Map<string, Pending>();
    for (const p of group) {
      const key = `${p.batch.deviceId}\u0000${p.batch.batchId}`;
      if (!first.has(key)) first.set(key, p);
    }
    const unique = [...first.values()];
    const receivedAt = new Date();
    // Asked for now and awaited only where the live part needs it, so the lookup (a query every few
    // seconds, or every time while no model is in production) overlaps the landing.
    const model = this.live ? this.live.model().catch(() => null) : Promise.resolve(null);
    await this.ensurePartitions(unique.map((p) => p.batch));
    let fresh: Set<string>;
    let live: LiveApplied;
    try {
      [fresh, live] = await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query(this.trackArrivals ? LAND_AND_COUNT : LAND, landingParameters(unique, receivedAt, this.trackArrivals));
        const stored = new Set(rows.map((r) => `${r.device_id}\u0000${r.batch_id}`));
        const batches = unique.filter((p) => stored.has(`${p.batch.deviceId}\u0000${p.batch.batchId}`));
        await copyBinaryBatches(
          client,
          { table: 'bronze.imu_segments', columns: SEGMENT_COLUMNS },
          batches.map((p) => segmentRows(p.batch, receivedAt)),
        );
        const applied = this.live ? await this.classify(client, batches, group, await model) : NOT_LIVE;
        return [stored, applied] as const;
      });
    } catch (e) {
      this.stats.failedFlushes++;
      const error = e instanceof Error ? e : new Error(String(e));
      for (const p of group) p.reject(error);
      return;
    }
    this.stats.flushes++;
    live.committed();
    this.foldNowAndThen();
    for (const p of group) {
      const key = `${p.batch.deviceId}\u0000${p.batch.batchId}`;
      const stored = first.get(key) === p && fresh.has(key);
      if (stored) {
        this.stats.batches++;
        this.stats.readings += p.count;
      } else this.stats.duplicates++;
      p.resolve({ landing: stored ? 'stored' : 'duplicate', prediction: live.newest.get(p.batch.deviceId) });
    }
  }

  /**
   * Makes the bronze partitions of the batches' days (back to ON_DEMAND_DAYS_BACK) before the
   * transaction that lands them (a new partition never waits on an open ingest transaction). Should
   * one not be made (a lock held for more than 2 s), its rows land in the default partition and the
   * next call for that day moves them.
   */
  private async ensurePartitions(batches: LandingBatch[]): Promise<void> {
    this.ahead ??= this.pool
      .query(`SELECT bronze.ensure_imu_partitions(d - $1::int, d + $2::int) FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS d) AS today`, [
        AHEAD_DAYS.before,
        AHEAD_DAYS.after,
      ])
      .then(
        () => {},
        () => (this.ahead = undefined),
      );
    await this.ahead;
    const oldest = new Date(Date.now() - ON_DEMAND_DAYS_BACK * 86_400_000).toISOString().slice(0, 10);
    for (const day of segmentDays(batches)) {
      if (this.partitioned.has(day) || day < oldest) continue;
      try {
        await this.pool.query('SELECT bronze.ensure_imu_partition($1::date)', [day]);
        this.partitioned.add(day);
      } catch (e) {
        this.live?.log.warn({ day, err: (e as Error).message }, 'no bronze partition for the day yet; its readings land in the default partition');
      }
    }
  }

  /** The live part of a flush, behind a savepoint: if it fails, the readings still land and the failure is logged. */
  private async classify(client: PoolClient, stored: Pending[], group: Pending[], model: LoadedModel | null): Promise<LiveApplied> {
    const live = this.live!;
    const batches = stored.map((p) => ({
      deviceId: p.batch.deviceId,
      sessionId: p.batch.sessionId ?? null,
      readings: 'readings' in p.batch ? p.batch.readings : readingColumnsOf(p.batch),
    }));
    try {
      // The savepoint goes with the classifier's first statement, in one round trip, so whatever
      // fails in the classifier fails after it. No RELEASE: nothing follows in the transaction, and
      // COMMIT keeps the savepoint's work.
      return await live.classifier.apply(
        client,
        batches,
        group.map((p) => p.batch.deviceId),
        model,
        'SAVEPOINT live',
      );
    } catch (e) {
      this.stats.liveFailures++;
      live.log.warn({ err: (e as Error).message }, 'live classification failed; the readings land without it');
      // Should this fail too (no savepoint, or the transaction broken), the flush fails: a COMMIT
      // would quietly roll back what its batches were told was stored.
      await client.query('ROLLBACK TO SAVEPOINT live');
      return NOT_LIVE;
    }
  }
}
