// Maintenance step (daily): purges the files of datasets deleted more than their retention ago,
// as of the end of the partition's day.
import type { StepFactory } from '../../../engine/activities/step-runner.ts';
import { purgeDeletedDatasets } from '../datasets/purge.ts';

export const purgeDatasets: StepFactory =
  ({ pools, storage }) =>
  async (input) => {
    const asOf = new Date(Date.parse(`${input.partition}T00:00:00Z`) + 86_400_000);
    const purged = await purgeDeletedDatasets(storage, pools.worker, asOf);
    return { written: { 'registry.dataset_versions': purged }, metrics: { purgedVersions: purged, asOf: asOf.toISOString() } };
  };
