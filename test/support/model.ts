// A production exercise classifier for tests and benchmarks that need one but not the pipeline that
// trains it: a small forest fitted on simulated people, registered as the production version.
import { RandomForestClassifier } from '../../lib/forest/index.ts';
import type { Queryable } from '../../lib/db/pool.ts';
import { featureCatalogue } from '../../lib/imu/index.ts';
import { simulatePopulation } from '../../lib/imu/population.ts';
import { EXERCISE_MODEL } from '../../domains/sensor/steps/train.ts';

export async function seedProductionModel(
  db: Queryable,
  options: { persons?: number; trees?: number } = {},
): Promise<{ modelVersionId: number; classes: string[] }> {
  const people = simulatePopulation({ persons: options.persons ?? 4, sessionsPerExercise: 1, sessionSeconds: 20, seed: 77 });
  const forest = await new RandomForestClassifier({ nEstimators: options.trees ?? 10, seed: 1 }).fit(
    { data: people.x, rows: people.labels.length, cols: people.cols },
    people.labels,
  );
  const { rows: model } = await db.query(
    `INSERT INTO registry.models (name, task, algorithm) VALUES ($1, 'classification', 'random forest (seeded for a test)')
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [EXERCISE_MODEL],
  );
  await db.query(`UPDATE registry.model_versions SET status = 'archived' WHERE model_id = $1 AND status = 'production'`, [model[0].id]);
  const { rows } = await db.query(
    `INSERT INTO registry.model_versions (model_id, version, status, artifact, feature_names, classes, promoted_at)
     VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM registry.model_versions WHERE model_id = $1), 'production', $2, $3, $4, now()) RETURNING id`,
    [model[0].id, JSON.stringify(forest.toJSON()), featureCatalogue.map((f) => f.name), forest.classes],
  );
  return { modelVersionId: Number(rows[0].id), classes: forest.classes };
}
