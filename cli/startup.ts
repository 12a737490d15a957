// What `refinery dev` runs once the stack is up, so a newcomer sees data flow end to end.
import type { Config } from '../lib/config.ts';
import { getPipeline } from '../pipelines/index.ts';
import { connectClient } from '../temporal/client.ts';
import { startPipelineRun } from '../temporal/runs.ts';

export async function runStartupPipelines(config: Config, say: (line: string) => void): Promise<void> {
  const client = await connectClient(config);
  try {
    const partition = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const pipeline = getPipeline('demo');
    say(`running pipeline demo for ${partition}…`);
    const { handle } = await startPipelineRun(client, config, pipeline, partition);
    try {
      const summary = await handle.result();
      const rows = summary.steps.reduce((n, s) => n + (s.rowsWritten ?? 0), 0);
      say(`demo ${partition}: ${summary.status}, ${summary.steps.length} steps, ${rows} rows written (see \`refinery runs show ${summary.runId}\`)`);
    } catch (e) {
      say(`demo ${partition} did not succeed: ${(e as Error).message}`);
    }
  } finally {
    await client.connection.close();
  }
}
