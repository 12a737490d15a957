// End to end through the API, with real workers on Temporal: a data scientist uploads a dataset,
// trains a model on it (a model-training pipeline run), compares the version with production,
// deploys it by hand and rolls back, each recorded with a reason and the key; aliases point at
// versions; a training run that fails shows as failed, with its reason.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../api/app.ts';
import { createApiKey } from '../../lib/db/api-keys.ts';
import { seededRandom } from '../../lib/random.ts';
import { testApp } from '../support/app.ts';
import { createTestStack, type TestStack } from '../support/stack.ts';

let stack: TestStack;
let app: App;
let scientist: string;
let scientistId: string;
let reader: string;

beforeAll(async () => {
  stack = await createTestStack(import.meta.url);
  await stack.startWorkers();
  app = testApp(stack);
  const made = await createApiKey(stack.pools.owner, { name: 'scientist', role: 'data_scientist' });
  scientist = made.token;
  scientistId = made.id;
  reader = (await createApiKey(stack.pools.owner, { name: 'reader', role: 'reader' })).token;
});
afterAll(() => stack?.close());

const auth = (token = scientist) => ({ authorization: `Bearer ${token}` });
const json = (body: unknown, token = scientist) => ({
  method: 'POST',
  headers: { ...auth(token), 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const get = async (path: string, token = reader) => {
  const res = await app.request(path, { headers: auth(token) });
  expect(res.status, path).toBe(200);
  return (await res.json()) as any;
};

/** A labelled table: the class is which of three blobs a point came from, plus a noise column. */
function blobs(rows: number, seed: number): string {
  const rng = seededRandom(seed);
  const centres = { red: [0, 0], green: [4, 0], blue: [2, 4] } as const;
  const lines = ['x,y,noise,colour'];
  for (let i = 0; i < rows; i++) {
    const colour = (['red', 'green', 'blue'] as const)[i % 3];
    const [cx, cy] = centres[colour];
    lines.push(`${(cx + rng.normal()).toFixed(4)},${(cy + rng.normal()).toFixed(4)},${rng.next().toFixed(4)},${colour}`);
  }
  return lines.join('\n') + '\n';
}

async function upload(name: string, csv: string) {
  const res = await app.request(`/v1/datasets/${name}/versions`, { method: 'POST', headers: { ...auth(), 'content-type': 'text/csv' }, body: csv });
  expect(res.status).toBe(201);
  return (await res.json()) as { version: number; sha256: string };
}

async function train(body: Record<string, unknown>) {
  const res = await app.request('/v1/models/blob-colour/train', json(body));
  expect(res.status, await res.clone().text()).toBe(202);
  const started = (await res.json()) as { trainingRunId: number; status: string; partition: string };
  expect(started.status).toBe('queued');
  for (let i = 0; i < 600; i++) {
    const run = await get(`/v1/training-runs/${started.trainingRunId}`);
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`training run ${started.trainingRunId} did not finish`);
}

describe('a model from upload to rollback', () => {
  let first: { version: number; sha256: string };

  it('registers the model and trains version 1 on a dataset version, as a pipeline run', async () => {
    first = await upload('blobs', blobs(300, 1));
    const created = await app.request('/v1/models', json({ name: 'blob-colour', task: 'classification', description: 'colour of a blob point' }));
    expect(created.status).toBe(201);
    expect((await app.request('/v1/models', json({ name: 'blob-colour', task: 'classification' }))).status).toBe(409);

    const run = await train({
      dataset: 'blobs',
      target: 'colour',
      features: ['x', 'y'],
      split: { testFraction: 0.25, seed: 7 },
      hyperparameters: { nEstimators: 25 },
    });
    expect(run.status).toBe('succeeded');
    expect(run.dataset).toMatchObject({ name: 'blobs', version: first.version, sha256: first.sha256 });
    expect(run.dataset.split).toMatchObject({ target: 'colour', features: ['x', 'y'], testFraction: 0.25, seed: 7, testRows: 75, trainRows: 225 });
    expect(run.hyperparameters).toEqual({ nEstimators: 25 });
    const accuracy = run.metrics.find((m: any) => m.name === 'accuracy').value;
    expect(accuracy).toBeGreaterThan(0.85);
    expect(run.confusionMatrix.labels).toEqual(['blue', 'green', 'red']);
    expect(run.featureImportance.map((f: any) => f.feature).sort()).toEqual(['x', 'y']);
    expect(run.version).toMatchObject({ version: 1, status: 'candidate' });

    // The artifact is in object storage, and it is what the registry says it is.
    const artifact = run.version.artifact;
    expect(artifact.uri).toMatch(/^file:\/\/.*\/models\/blob-colour\/[0-9a-f]{64}\.json$/);
    const key = artifact.uri.slice(artifact.uri.indexOf('models/'));
    const stored = await stack.storage.head(key);
    expect(stored).toMatchObject({ size: artifact.sizeBytes, sha256: artifact.sha256 });
    const bytes: Buffer[] = [];
    for await (const chunk of await stack.storage.get(key)) bytes.push(chunk as Buffer);
    expect(createHash('sha256').update(Buffer.concat(bytes)).digest('hex')).toBe(artifact.sha256);
    const [row] = (await stack.pools.owner.query(`SELECT artifact FROM registry.model_versions WHERE training_run_id = $1`, [run.id])).rows;
    expect(row.artifact).toBeNull();
  });

  it('deploys version 1 by hand, trains version 2 on a new dataset version and compares it with production', async () => {
    const deployed = await app.request('/v1/models/blob-colour/deploy', json({ version: 1, reason: 'first model, checked by hand' }));
    expect(deployed.status).toBe(200);
    expect(await deployed.json()).toEqual({ model: 'blob-colour', version: 1, previous: null });
    expect((await app.request('/v1/models/blob-colour/deploy', json({ version: 1, reason: 'again' }))).status).toBe(409);
    // The model exists; a version or dataset the body names that does not is a 422 naming the field.
    const noVersion = await app.request('/v1/models/blob-colour/deploy', json({ version: 99, reason: 'typo' }));
    expect([noVersion.status, ((await noVersion.json()) as { error: { details: unknown } }).error.details]).toEqual([
      422,
      [{ field: 'version', reason: 'model blob-colour has no version 99' }],
    ]);
    const noDataset = await app.request('/v1/models/blob-colour/train', json({ dataset: 'blobs', datasetVersion: 99, target: 'colour' }));
    expect([noDataset.status, ((await noDataset.json()) as { error: { details: unknown } }).error.details]).toEqual([
      422,
      [{ field: 'datasetVersion', reason: 'dataset blobs has no version 99' }],
    ]);

    const second = await upload('blobs', blobs(600, 2));
    expect(second.version).toBe(2);
    const run = await train({ dataset: 'blobs', target: 'colour', split: { testFraction: 0.2, seed: 7 }, hyperparameters: { nEstimators: 25 } });
    expect(run.status).toBe('succeeded');
    // Without features named, every numeric column but the target.
    expect(run.dataset.split.features).toEqual(['x', 'y', 'noise']);
    expect(run.version.version).toBe(2);

    const cmp = await get('/v1/models/blob-colour/compare?a=2&b=production');
    expect(cmp.a.version.version).toBe(2);
    expect(cmp.b.version).toMatchObject({ version: 1, status: 'production' });
    expect(cmp.a.dataset).toMatchObject({ name: 'blobs', version: 2, sha256: second.sha256 });
    expect(cmp.b.dataset).toMatchObject({ name: 'blobs', version: 1, sha256: first.sha256 });
    const acc = cmp.metrics.find((m: any) => m.name === 'accuracy');
    expect(acc.delta).toBeCloseTo(acc.a - acc.b, 12);
    expect(acc.a).toBe(cmp.a.metrics.accuracy);
  });

  it('deploys version 2 and rolls back to version 1, keeping who and why', async () => {
    const deployed = (await (await app.request('/v1/models/blob-colour/deploy', json({ version: 2, reason: 'more data, same accuracy' }))).json()) as any;
    expect(deployed).toEqual({ model: 'blob-colour', version: 2, previous: 1 });
    expect((await get('/v1/models/blob-colour/production')).version).toBe(2);

    const rolled = await app.request('/v1/models/blob-colour/rollback', json({ reason: 'v2 misclassifies the new blob' }));
    expect(rolled.status).toBe(200);
    expect(await rolled.json()).toEqual({ model: 'blob-colour', version: 1, previous: 2 });
    const versions = (await get('/v1/models/blob-colour/versions')).items;
    expect(versions.map((v: any) => [v.version, v.status])).toEqual([
      [2, 'archived'],
      [1, 'production'],
    ]);

    const history = (await get('/v1/models/blob-colour/history')).items;
    expect(history.map((h: any) => [h.action, h.version, h.previousVersion, h.reason, h.actor, h.actorRole])).toEqual([
      ['rollback', 1, 2, 'v2 misclassifies the new blob', scientistId, 'data_scientist'],
      ['deploy', 2, 1, 'more data, same accuracy', scientistId, 'data_scientist'],
      ['deploy', 1, null, 'first model, checked by hand', scientistId, 'data_scientist'],
    ]);
    expect(history.every((h: any) => typeof h.requestId === 'string')).toBe(true);
    expect((await app.request('/v1/models/blob-colour/rollback', json({ reason: 'no' }, reader))).status).toBe(403);
  });

  it('points aliases at versions beside production', async () => {
    const set = await app.request('/v1/models/blob-colour/aliases/challenger', { ...json({ version: 2, reason: 'shadow traffic' }), method: 'PUT' });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ alias: 'challenger', version: 2, previous: null });
    const versions = (await get('/v1/models/blob-colour/versions')).items;
    expect(versions.find((v: any) => v.version === 2).aliases).toEqual(['challenger']);
    expect((await get('/v1/models/blob-colour/compare?a=challenger&b=production')).a.version.version).toBe(2);
    const bad = await app.request('/v1/models/blob-colour/aliases/production', { ...json({ version: 2, reason: 'sneaky' }), method: 'PUT' });
    expect(bad.status).toBe(400);
    const removed = await app.request('/v1/models/blob-colour/aliases/challenger?reason=done%20shadowing', { method: 'DELETE', headers: auth() });
    expect(removed.status).toBe(200);
    expect((await get('/v1/models/blob-colour/aliases')).items).toEqual([]);
  });

  it('shows a training run that fails, with its reason, and refuses a bad request naming the field', async () => {
    await upload('one-class', 'x,y,colour\n' + Array.from({ length: 30 }, (_, i) => `${i},${i * 2},red`).join('\n') + '\n');
    const run = await train({ dataset: 'one-class', target: 'colour' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/has 1 class; classification needs at least 2/);
    const failed = await get('/v1/training-runs?model=blob-colour&status=failed');
    expect(failed.items.map((r: any) => r.id)).toEqual([run.id]);

    const bad = await app.request('/v1/models/blob-colour/train', json({ dataset: 'blobs', target: 'colour', features: ['x', 'colour', 'nope'] }));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).error.details).toEqual([
      { field: 'features[1]', reason: 'column "colour" is text, not numeric' },
      { field: 'features[2]', reason: 'blobs v2 has no column "nope"' },
    ]);
  });
});
