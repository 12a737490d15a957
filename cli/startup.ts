// What `refinery dev` runs once the stack is up, so a newcomer sees data flow end to end.
import type { Config } from '../lib/config.ts';
import { connectClient } from '../temporal/client.ts';
import { landDemoEventsWorkflow } from '../workflows/index.ts';

export async function runStartupPipelines(config: Config, say: (line: string) => void): Promise<void> {
  const client = await connectClient(config);
  try {
    const partition = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    say(`landing demo events for ${partition}…`);
    const result = await client.workflow.execute(landDemoEventsWorkflow, {
      taskQueue: config.taskQueues.io,
      workflowId: `demo-events/${partition}`,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ partition, count: 10_000 }],
    });
    say(`demo events ${partition}: ${result.rowsWritten} rows written to bronze.demo_events (${result.rowsReplaced} replaced)`);
  } finally {
    await client.connection.close();
  }
}
