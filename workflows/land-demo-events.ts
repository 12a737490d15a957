// The foundation's first workflow: lands one day of demo events in bronze through one activity.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.ts';
import type { LandDemoEventsInput, LandResult } from '../activities/bronze/demo-events.ts';

const { landDemoEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

export async function landDemoEventsWorkflow(input: LandDemoEventsInput): Promise<LandResult> {
  return landDemoEvents(input);
}
