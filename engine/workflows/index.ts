// Every workflow the io worker hosts; this file is the entry point of the workflow bundle.
export { pipelineRun, runStateQuery } from './pipeline-run.ts';
export { backfill, backfillProgressQuery } from './backfill.ts';
export { scheduledRun } from './scheduled-run.ts';
export { reconcile, reconcileNowUpdate, pokeSignal, reconcilerStateQuery } from './reconcile.ts';
