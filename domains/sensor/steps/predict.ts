// Prediction step (compute queue): every window of the day classified by the production model,
// class and probability per window into gold.window_predictions (replacing the day), and the
// batch logged in registry.predictions against the version that made it.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { replacePartitionIn } from '../../../lib/db/copy.ts';
import { loadModelVersion, productionVersionId, type LoadedModel } from '../../registry/sql/models.ts';
import { withClient, withTransaction } from '../../../lib/db/pool.ts';
import { readWindows } from '../sql/windows.ts';
import { windowClass } from '../../../lib/ml/exercise-model.ts';
import { FEATURE_COUNT } from '../../../lib/imu/index.ts';
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { EXERCISE_MODEL } from './train.ts';

const BATCH = 5_000;
// A worker keeps the last model it loaded: the next day's run usually needs the same one.
let cached: LoadedModel | null = null;

export const predictExerciseWindows: StepFactory =
  ({ pools, storage, log }) =>
  async (input) => {
    const day = input.partition;
    const model = String(input.params.model ?? EXERCISE_MODEL);
    const versionId = await productionVersionId(pools.worker, model);
    if (versionId === null)
      throw ApplicationFailure.nonRetryable(`model "${model}" has no production version; nothing can predict ${day}`, 'NoProductionModel');
    if (cached?.modelVersionId !== versionId) cached = await loadModelVersion(pools.worker, versionId, storage);
    const loaded = cached;
    const windows = await withClient(pools.worker, (reader) => readWindows(reader, [day], FEATURE_COUNT));
    const ctx = Context.current();
    const classes = loaded.classes;
    const counts: Record<string, number> = {};
    let probabilitySum = 0;
    async function* predictionRows() {
      for (let start = 0; start < windows.rows.length; start += BATCH) {
        const end = Math.min(windows.rows.length, start + BATCH);
        const p = loaded.forest.predictProba({ data: windows.x.subarray(start * FEATURE_COUNT, end * FEATURE_COUNT), rows: end - start, cols: FEATURE_COUNT });
        const batch: unknown[][] = [];
        for (let i = 0; i < end - start; i++) {
          const w = windows.rows[start + i];
          const c = windowClass(p, i, classes);
          counts[c.predicted] = (counts[c.predicted] ?? 0) + 1;
          probabilitySum += c.probability;
          batch.push([day, w.deviceId, w.windowIndex, w.sessionId, w.startTs, w.endTs, loaded.modelVersionId, c.predicted, c.probability, c.probabilities]);
        }
        ctx.heartbeat({ windows: end });
        yield batch;
        await new Promise((r) => setImmediate(r));
      }
    }
    // The day's own partition (migrations/0093); without it the day lands in the default partition.
    await pools.worker.query('SELECT gold.ensure_window_predictions_partition($1::date)', [day]).catch((e: Error) => {
      log.warn({ day, err: e.message }, 'no gold predictions partition for the day yet (a lock held too long); the day is written all the same');
    });
    await withTransaction(pools.worker, async (client) => {
      await replacePartitionIn(
        client,
        {
          table: 'gold.window_predictions',
          columns: [
            'partition_date',
            'device_id',
            'window_index',
            'session_id',
            'start_ts',
            'end_ts',
            'model_version_id',
            'predicted',
            'probability',
            { name: 'probabilities', json: true },
          ],
        },
        { partition_date: day },
        { batches: predictionRows() },
      );
      await client.query(`DELETE FROM registry.predictions WHERE source = 'gold.window_predictions' AND partition_key = $1`, [day]);
      await client.query(
        `INSERT INTO registry.predictions (model_version_id, source, partition_key, items, summary) VALUES ($1, 'gold.window_predictions', $2, $3, $4)`,
        [
          loaded.modelVersionId,
          day,
          windows.rows.length,
          { predicted: counts, meanProbability: windows.rows.length ? probabilitySum / windows.rows.length : null },
        ],
      );
    });
    return {
      read: { 'silver.imu_windows': windows.rows.length },
      written: { 'gold.window_predictions': windows.rows.length, 'registry.predictions': 1 },
      partitions: { writes: [{ table: 'registry.predictions', partition: day }] },
      metrics: { model, version: loaded.version, modelVersionId: loaded.modelVersionId },
    };
  };
