// Handler for starting training: check the request against the model and the dataset version's
// columns (400 names the field), record the queued run with its request, start the pipeline run.
import sql from 'sql-template-tag';
import { ApiError } from '../../../../api/errors.ts';
import type { AppRouteHandler } from '../../../../api/openapi.ts';
import type { AppDeps } from '../../../../api/types.ts';
import { withTransaction } from '../../../../lib/db/pool.ts';
import { MODEL_TRAINING, trainingPartition } from '../../pipeline.ts';
import { findDatasetVersion } from '../../sql/datasets.ts';
import { failTrainingRun } from '../../sql/training.ts';
import type * as routes from './model-training.routes.ts';

export function modelTrainingHandlers(deps: AppDeps) {
  const train: AppRouteHandler<typeof routes.train> = async (c) => {
    const { name } = c.req.valid('param');
    const body = c.req.valid('json');
    if (!deps.writePool || !deps.training) throw new ApiError(503, 'training needs Temporal and the registrar role, which this API process does not have');
    const writer = deps.writePool;
    c.set('auditTarget', `models/${name}`);
    const { rows: models } = await deps.readPool.query<{ id: number; task: string }>(sql`SELECT id, task FROM registry.models WHERE name = ${name}`);
    const model = models[0];
    if (!model) throw new ApiError(404, `no model ${name}: register it first (POST /v1/models)`);
    const task = body.task ?? (model.task === 'other' ? undefined : (model.task as 'classification' | 'regression'));
    if (!task)
      throw new ApiError(422, 'the request does not fit the model', [
        { field: 'task', reason: `model ${name} has task "other": say classification or regression` },
      ]);
    const version = await findDatasetVersion(deps.readPool, body.dataset, body.datasetVersion);
    // The model in the path exists; what is missing is a dataset the body names, so: 422, naming the field.
    if (!version)
      throw new ApiError(422, 'the request does not fit the dataset', [
        body.datasetVersion
          ? { field: 'datasetVersion', reason: `dataset ${body.dataset} has no version ${body.datasetVersion}` }
          : { field: 'dataset', reason: `no dataset ${body.dataset}` },
      ]);
    if (!version.objectKey || version.purgedAt) throw new ApiError(409, `${body.dataset} v${version.version} has no stored file to train on`);
    const columns = new Map(version.columns.map((col) => [col.name, col]));
    const problems: { field: string; reason: string }[] = [];
    if (!columns.has(body.target)) problems.push({ field: 'target', reason: `${body.dataset} v${version.version} has no column "${body.target}"` });
    const features = body.features ?? version.columns.filter((col) => col.type === 'number' && col.name !== body.target).map((col) => col.name);
    features.forEach((f, i) => {
      const col = columns.get(f);
      if (!col) problems.push({ field: `features[${i}]`, reason: `${body.dataset} v${version.version} has no column "${f}"` });
      else if (col.type !== 'number') problems.push({ field: `features[${i}]`, reason: `column "${f}" is ${col.type}, not numeric` });
      else if (f === body.target) problems.push({ field: `features[${i}]`, reason: 'the target cannot be a feature' });
    });
    if (!features.length && !problems.length)
      problems.push({ field: 'features', reason: `${body.dataset} v${version.version} has no numeric column besides the target` });
    if (task === 'regression' && columns.get(body.target)?.type === 'text') problems.push({ field: 'target', reason: 'regression needs a numeric target' });
    if (problems.length) throw new ApiError(422, 'the request does not fit the dataset', problems);

    const request = { task, target: body.target, features, testFraction: body.split.testFraction, seed: body.split.seed };
    const runId = await withTransaction(writer, async (client) => {
      const { rows } = await client.query<{ id: number }>(sql`
        INSERT INTO registry.training_runs (model_id, status, source, created_by, dataset_version_id, split, seed)
        VALUES (${model.id}, 'queued', 'pipeline', ${c.get('principal').keyId}, ${version.id}, ${JSON.stringify(request)}, ${body.split.seed}) RETURNING id`);
      const id = rows[0]!.id;
      for (const [k, v] of Object.entries(body.hyperparameters)) {
        if (v !== undefined)
          await client.query(sql`INSERT INTO registry.hyperparameters (training_run_id, name, value) VALUES (${id}, ${k}, ${JSON.stringify(v)})`);
      }
      if (body.experiment) {
        const e = await client.query<{ id: number }>(sql`
          INSERT INTO registry.experiments (name) VALUES (${body.experiment}) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`);
        await client.query(sql`INSERT INTO registry.experiment_runs (experiment_id, training_run_id) VALUES (${e.rows[0]!.id}, ${id})`);
      }
      return id;
    });
    c.set('auditTarget', `training-runs/${runId}`);
    const partition = trainingPartition(runId);
    let workflowId: string;
    try {
      ({ workflowId } = await deps.training({ partition, params: { trainingRunId: runId } }));
    } catch (e) {
      await failTrainingRun(writer, runId, `could not start the pipeline run: ${(e as Error).message}`);
      throw new ApiError(503, `Temporal did not accept the training run (${(e as Error).message.split('\n')[0]}); run ${runId} is marked failed`);
    }
    await writer.query(sql`UPDATE registry.training_runs SET workflow_id = ${workflowId}, partition_key = ${partition} WHERE id = ${runId}`);
    return c.json({ trainingRunId: runId, status: 'queued' as const, pipeline: MODEL_TRAINING, partition, workflowId }, 202);
  };
  return { train };
}
