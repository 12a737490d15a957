// Live classification inside the ingest transaction: the stored batches of a flush continue their
// devices' windows (the tails in PostgreSQL, locked), each complete window gets the features and the
// production model's class the batch pipeline would give it, the predictions are COPY-logged in the
// registry with their model version (and counted in registry.predictions beside the batch's), and
// every API process is told (NOTIFY, delivered at commit): three round trips at most (lock, the windows’ COPY,
// one statement writing the tails back, logging and notifying), and one more for tails this process
// does not remember at the generation the row holds (another process wrote them, or this one started).
// Because it commits with the readings, a crash never leaves the tails and bronze disagreeing.
import sql, { empty } from 'sql-template-tag';
import type { PoolClient } from '../../../lib/db/pool.ts';
import { createFeatureExtractor, FEATURE_COUNT, type Reading, type ReadingColumns } from '../../../lib/imu/index.ts';
import { advanceTail, type LiveWindow } from '../../../lib/imu/live-windows.ts';
import type { WindowOptions } from '../../../lib/imu/windows.ts';
import { windowClass } from '../../../lib/ml/exercise-model.ts';
import type { LoadedModel } from '../../registry/sql/models.ts';
import { sensorPipeline } from '../pipeline.ts';
import { announcements, announceStatement, copyLivePredictions, liveTrafficStatement } from './predictions.ts';
import type { LivePrediction } from './prediction.ts';
import { lockDeviceTails, saveDeviceTailsStatement, TailCache, type TailCounts } from './tails.ts';

export interface LiveBatch {
  deviceId: string;
  sessionId: string | null;
  /** On the server clock: rows (a JSON body) or the device's columns (a columnar body). */
  readings: readonly Reading[] | ReadingColumns;
}

/** The windows the batch pipeline's `windows` step cuts, from its definition (one source of truth). */
export function pipelineWindowOptions(): WindowOptions {
  const params = sensorPipeline.steps.find((s) => s.id === 'windows')?.params ?? {};
  return { size: Number(params.windowSize ?? 200), overlap: Number(params.windowOverlap ?? 0.5) };
}

export interface LiveStats extends TailCounts {
  flushes: number;
  windows: number;
  predictions: number;
  /** Readings at or before a device's newest one when they arrived, not windowed live. */
  lateReadings: number;
  /** Milliseconds spent classifying inside ingest transactions. */
  busyMs: number;
}

/** What a transaction's classification returns: each device's newest prediction, and what to do once it commits. */
export interface LiveApplied {
  newest: Map<string, LivePrediction>;
  /** Remembers the tails as written (call only after the transaction committed). */
  committed(): void;
}

export class LiveClassifier {
  readonly stats: LiveStats = { flushes: 0, windows: 0, predictions: 0, lateReadings: 0, busyMs: 0, tailHits: 0, tailMisses: 0 };
  private readonly extractor = createFeatureExtractor();
  private readonly tails = new TailCache(4096, this.stats);

  constructor(private readonly windowOptions: WindowOptions = pipelineWindowOptions()) {}

  /**
   * Continues the windows of every device with a stored batch, in order; `devices` also lists
   * devices that only had duplicates (their newest prediction is returned as it stands). With no
   * production model, windows are still counted (so indices stay the batch pipeline's) but not
   * classified. Returns each device's newest prediction, and the hook that remembers the tails once
   * the transaction has committed. `first`, a statement without parameters, runs just before, in the
   * same round trip (the ingest writer's SAVEPOINT).
   */
  async apply(client: PoolClient, batches: LiveBatch[], devices: string[], model: LoadedModel | null, first?: string): Promise<LiveApplied> {
    const started = performance.now();
    const tails = await lockDeviceTails(client, [...devices, ...batches.map((b) => b.deviceId)], this.tails, first);
    const found: { deviceId: string; live: LiveWindow; features: Float64Array }[] = [];
    for (const batch of batches) {
      const stored = tails.get(batch.deviceId)!;
      const step = advanceTail(batch.deviceId, stored.tail, batch.sessionId, batch.readings, this.windowOptions);
      stored.tail = step.tail;
      this.stats.lateReadings += step.late;
      for (const live of step.windows) {
        const features = new Float64Array(FEATURE_COUNT);
        this.extractor.extract(step.columns, live.window, features);
        found.push({ deviceId: batch.deviceId, live, features });
      }
    }
    this.stats.windows += found.length;

    const predictions: LivePrediction[] = [];
    if (model !== null && found.length && model.forest.features === FEATURE_COUNT) {
      const x = new Float64Array(found.length * FEATURE_COUNT);
      found.forEach((f, i) => x.set(f.features, i * FEATURE_COUNT));
      const p = model.forest.predictProba({ data: x, rows: found.length, cols: FEATURE_COUNT });
      const classifiedAt = new Date().toISOString();
      found.forEach(({ deviceId, live }, i) => {
        const stored = tails.get(deviceId)!;
        const prediction: LivePrediction = {
          eventId: ++stored.lastEventId,
          deviceId,
          sessionId: live.window.sessionId,
          day: new Date(live.window.startTs).toISOString().slice(0, 10),
          windowIndex: live.index,
          startTs: new Date(live.window.startTs).toISOString(),
          endTs: new Date(live.window.endTs).toISOString(),
          model: model.model,
          version: model.version,
          modelVersionId: model.modelVersionId,
          ...windowClass(p, i, model.classes),
          classifiedAt,
        };
        stored.lastPrediction = prediction;
        predictions.push(prediction);
      });
    }
    await copyLivePredictions(client, predictions);
    // One statement for the rest: the tails written back, the traffic logged, every process told.
    const traffic = liveTrafficStatement(predictions);
    // The notifications as a subquery the tails' rows carry (an unreferenced CTE that only reads is never run).
    const written = [...tails.values()];
    const { rows } = await client.query<{ device_id: string; generation: string }>(sql`
      WITH saved AS (${saveDeviceTailsStatement(written)})${traffic ? sql`, logged AS (${traffic})` : empty}
      SELECT device_id, generation, (SELECT count(*) FROM (${announceStatement(announcements(predictions))}) AS n) AS notified FROM saved`);
    this.stats.flushes++;
    this.stats.predictions += predictions.length;
    this.stats.busyMs += performance.now() - started;
    const newest = new Map<string, LivePrediction>();
    for (const [deviceId, stored] of tails) if (stored.lastPrediction) newest.set(deviceId, stored.lastPrediction);
    const generations = new Map(rows.map((r) => [r.device_id, r.generation]));
    return { newest, committed: () => this.tails.remember(written, generations) };
  }
}
