// Starting the watch workflows: one per pipeline that declares a deadline or freshness, started (or
// handed its current definition) whenever an io worker starts. A pipeline that no longer declares
// either is told so and its watch ends.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PipelineDefinition } from '../pipeline/types.ts';
import { redefineSignal, watchPipeline, watchWorkflowId, type WatchInput } from '../workflows/watch.ts';

export function watchInputOf(p: PipelineDefinition): WatchInput {
  return { pipeline: p.name, partitioning: p.partitioning, deadline: p.deadline, freshness: p.freshness, notify: p.notify };
}

export async function ensureWatches(client: Client, taskQueue: string, pipelines: Iterable<PipelineDefinition>): Promise<string[]> {
  const watched: string[] = [];
  for (const p of pipelines) {
    const input = watchInputOf(p);
    if (p.deadline || p.freshness) {
      await client.workflow.signalWithStart(watchPipeline, {
        workflowId: watchWorkflowId(p.name),
        taskQueue,
        args: [input],
        signal: redefineSignal,
        signalArgs: [input],
      });
      watched.push(p.name);
    } else {
      try {
        await client.workflow.getHandle(watchWorkflowId(p.name)).signal(redefineSignal, input);
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      }
    }
  }
  return watched;
}
