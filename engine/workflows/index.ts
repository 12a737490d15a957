// Every workflow the io worker hosts; this file is the entry point of the workflow bundle.
export { pipelineRun, runStateQuery } from './pipeline-run.ts';
export { backfill, backfillProgressQuery } from './backfill.ts';
export { scheduledRun } from './scheduled-run.ts';
export { notifyEvent } from './notify.ts';
export { pool, poolStateQuery } from './pool.ts';
export { watchPipeline, watchStateQuery } from './watch.ts';
export { reconcile, reconcileNowUpdate, pokeSignal, reconcilerStateQuery } from './reconcile.ts';
